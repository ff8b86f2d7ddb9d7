// How test processes find the infrastructure that test/global-setup.ts started or found: the
// setup exports these variables, jest's workers inherit them.
export interface InfraEndpoints {
  /** A URL of the Postgres server (any database on it); test databases are created beside it. */
  postgresServerUrl: string;
  kafkaBrokers: string;
  elasticsearchUrl: string;
  /** The migrated database each test database is cloned from. */
  templateDatabase: string;
}

const VARS = {
  postgresServerUrl: 'SEGMENTER_TEST_PG_URL',
  kafkaBrokers: 'SEGMENTER_TEST_KAFKA_BROKERS',
  elasticsearchUrl: 'SEGMENTER_TEST_ES_URL',
  templateDatabase: 'SEGMENTER_TEST_TEMPLATE_DB',
} as const;

export function exportEndpoints(endpoints: InfraEndpoints): void {
  for (const [key, name] of Object.entries(VARS)) process.env[name] = endpoints[key as keyof InfraEndpoints];
}

export function infraEndpoints(): InfraEndpoints {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: integration tests run through jest's global setup (npm test)`);
    return value;
  };
  return {
    postgresServerUrl: read(VARS.postgresServerUrl),
    kafkaBrokers: read(VARS.kafkaBrokers),
    elasticsearchUrl: read(VARS.elasticsearchUrl),
    templateDatabase: read(VARS.templateDatabase),
  };
}
