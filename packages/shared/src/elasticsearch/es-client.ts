// One way to build the Elasticsearch client, so timeouts, retries, credentials and the trusted CA
// are the same everywhere; and one check at start that says plainly when access is refused.
import { readFileSync } from 'node:fs';
import { Client, ClientOptions } from '@elastic/elasticsearch';
import { ConfigError, ElasticsearchSettings } from '../config/config';

export type { Client as EsClient };
export type { estypes } from '@elastic/elasticsearch';

function readCa(caFile: string): string {
  try {
    return readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new ConfigError([`ELASTICSEARCH_CA_FILE: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
}

/** A client for the settings (a bare URL still works: tests and scripts on an open local node). */
export function createEsClient(settings: string | ElasticsearchSettings): Client {
  const { url, auth, caFile } = typeof settings === 'string' ? ({ url: settings } as ElasticsearchSettings) : settings;
  const options: ClientOptions = { node: url, requestTimeout: 30_000, maxRetries: 3 };
  if (auth) options.auth = auth;
  if (caFile) options.tls = { ca: readCa(caFile) };
  return new Client(options);
}

/** Elasticsearch answered, but not to us: bad credentials, or a certificate we do not trust. */
export class ElasticsearchAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElasticsearchAccessError';
  }
}

const TLS_TRUST_FAILURE = /self[- ]signed|unable to (get|verify)|certificate|CERT_|DEPTH_ZERO/i;

/**
 * Fails with a message an operator can act on when the cluster refuses our credentials or its
 * certificate is not trusted. An unreachable cluster is not refused: readiness reports that, and
 * the service waits for it as it always has.
 */
async function checkElasticsearchAccess(client: Client, settings: string | ElasticsearchSettings): Promise<void> {
  const url = typeof settings === 'string' ? settings : settings.url;
  const how =
    typeof settings === 'string' || !settings.auth
      ? 'no credentials'
      : 'apiKey' in settings.auth
        ? 'ELASTICSEARCH_API_KEY'
        : `ELASTICSEARCH_USERNAME "${settings.auth.username}"`;
  try {
    await client.info(undefined, { requestTimeout: 10_000, maxRetries: 0 });
  } catch (err) {
    const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
    if (status === 401)
      throw new ElasticsearchAccessError(
        `Elasticsearch at ${url} refused the credentials (${how}): check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD`,
      );
    if (status === 403)
      throw new ElasticsearchAccessError(
        `Elasticsearch at ${url} accepted the credentials (${how}) but they lack the privileges the service needs (docs/operations.md, "Elasticsearch credentials")`,
      );
    const text = `${(err as Error).message ?? ''} ${String((err as { cause?: unknown }).cause ?? '')}`;
    if ((err as Error).name === 'ConnectionError' && TLS_TRUST_FAILURE.test(text)) {
      throw new ElasticsearchAccessError(
        `Elasticsearch at ${url} presented a TLS certificate this service does not trust (${(err as Error).message}): set ELASTICSEARCH_CA_FILE to the CA certificate that signed it`,
      );
    }
  }
}

/** The client, once the cluster accepted it (see checkElasticsearchAccess); the services start with this. */
export async function connectElasticsearch(settings: string | ElasticsearchSettings): Promise<Client> {
  const client = createEsClient(settings);
  try {
    await checkElasticsearchAccess(client, settings);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return client;
}

export async function elasticsearchReachable(client: Client): Promise<boolean> {
  try {
    await client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000, maxRetries: 0 });
    return true;
  } catch {
    return false;
  }
}
