// Everything one integration test file needs, isolated from every other file: its own database
// (cloned from the migrated template), Kafka topic prefix, consumer group and index prefix.
// Dropped again by `cleanup()`, so files run in parallel and in any order.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Config, createEsClient, createLogger, createPgPool, EsClient, loadConfig, Logger, Pool } from '@segmenter/shared';
import { withDatabase } from '../../infra/stack/postgres';
import { infraEndpoints } from './infra-endpoints';

export interface TestEnvironment {
  id: string;
  config: Config;
  pool: Pool;
  es: EsClient;
  log: Logger;
  cleanup(): Promise<void>;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createTestEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const infra = infraEndpoints();
  const id = randomBytes(5).toString('hex');
  const database = `segmenter_test_${id}`;
  await adminQuery(infra.postgresServerUrl, `create database ${database} template ${infra.templateDatabase}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: withDatabase(infra.postgresServerUrl, database),
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: `test.${id}.`,
    KAFKA_PARTITIONS: '3',
    ELASTICSEARCH_URL: infra.elasticsearchUrl,
    ELASTICSEARCH_INDEX_PREFIX: `test-${id}-`,
    INDEXER_CONSUMER_GROUP: `test-${id}-indexer`,
    API_PORT: '0',
    INDEXER_HTTP_PORT: '0',
    OUTBOX_POLL_INTERVAL_MS: '50',
    OPERATOR_KEY: `operator-${randomBytes(16).toString('hex')}`,
    ...overrides,
  });
  const pool = createPgPool(config.database.url, 4);
  const es = createEsClient(config.elasticsearch);
  const log = createLogger(`test-${id}`, config.logLevel);
  return {
    id,
    config,
    pool,
    es,
    log,
    async cleanup() {
      await pool.end();
      // By name: Elasticsearch 8 refuses to delete by wildcard (action.destructive_requires_name),
      // which left every test's indices behind while the refusal was swallowed here.
      const indices = Object.keys(await es.indices.get({ index: `${config.elasticsearch.indexPrefix}*`, expand_wildcards: 'all' }).catch(() => ({})));
      if (indices.length > 0) await es.indices.delete({ index: indices, ignore_unavailable: true }).catch(() => undefined);
      await es.close();
      const admin = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`test.${id}.`));
        if (topics.length > 0) await admin.deleteTopics({ topics });
        // The indexer's group, and the groups named after the topic prefix (the api's webhook fan-out).
        const prefixed = (await admin.listGroups().catch(() => ({ groups: [] }))).groups.map((g) => g.groupId).filter((g) => g.startsWith(`test.${id}.`));
        await admin.deleteGroups([config.indexer.consumerGroup, ...prefixed]).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      await adminQuery(infra.postgresServerUrl, `drop database if exists ${database} with (force)`);
    },
  };
}

/** Polls until `probe` returns a value satisfying `done`, or fails after `timeoutMs` with the last value. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
