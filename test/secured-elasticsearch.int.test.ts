// The services against an Elasticsearch that wants TLS and credentials. The stack's node has no
// security plugin, so a proxy started here plays the secured node (test/support/secured-
// elasticsearch-proxy.ts): TLS with a CA made for the test, Basic and ApiKey authentication.
// Exercised: the client's CA file, user+password and API key, indexing and counting through them,
// and the start refused plainly on wrong credentials, a missing CA or an unreadable CA file. Not
// exercised: x-pack roles and privileges (a real secured node; see docs/operations.md).
import { Config, ConfigError, ElasticsearchAccessError } from '@segmenter/shared';
import { RunningApi, startApiService } from '../services/api/src/api-service';
import { RunningIndexer, startIndexerService } from '../services/indexer/src/indexer-service';
import { infraEndpoints } from './support/infra-endpoints';
import { SecuredElasticsearchProxy, startSecuredElasticsearchProxy } from './support/secured-elasticsearch-proxy';
import { createTestEnvironment, eventually, TestEnvironment } from './support/test-environment';

let proxy: SecuredElasticsearchProxy;
let env: TestEnvironment;
let api: RunningApi;
let indexer: RunningIndexer;

beforeAll(async () => {
  proxy = await startSecuredElasticsearchProxy(infraEndpoints().elasticsearchUrl);
  env = await createTestEnvironment({
    ELASTICSEARCH_URL: proxy.url,
    ELASTICSEARCH_USERNAME: proxy.username,
    ELASTICSEARCH_PASSWORD: proxy.password,
    ELASTICSEARCH_CA_FILE: proxy.caFile,
  });
  api = await startApiService(env.config, env.log, { jobRunner: false });
  indexer = await startIndexerService(env.config, env.log);
}, 60_000);
afterAll(async () => {
  await indexer?.stop();
  await api?.stop();
  await env?.cleanup();
  await proxy?.stop();
});

const withElasticsearch = (changes: Partial<Config['elasticsearch']>): Config => ({
  ...env.config,
  elasticsearch: { ...env.config.elasticsearch, ...changes },
});

async function call(url: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('with user and password and the CA file, contacts are indexed and counted through the secured node', async () => {
  const created = await call(api.url, 'POST', '/v1/admin/workspaces', { authorization: `Bearer ${env.config.api.operatorKey}` }, { name: 'secured' });
  const key = { 'x-api-key': created.body.apiKey.key };
  for (const email of ['a@example.com', 'b@example.com']) expect((await call(api.url, 'POST', '/v1/contacts', key, { email })).status).toBe(201);
  const counts = await eventually(
    async () => (await call(api.url, 'GET', '/v1/counts', key)).body,
    (b) => b.total === 2,
    30_000,
  );
  expect(counts.total).toBe(2);
  // Every request went through the door, with the password: the indexer's bulk writes and the api's counts.
  expect(proxy.forwarded.basic).toBeGreaterThan(0);
  expect(proxy.forwarded.apiKey).toBe(0);

  // An api that authenticates with the API key instead counts the same contacts.
  const byKey = await startApiService(withElasticsearch({ auth: { apiKey: proxy.apiKey } }), env.log, { relay: false, jobRunner: false });
  try {
    expect((await call(byKey.url, 'GET', '/v1/counts', key)).body.total).toBe(2);
    expect(proxy.forwarded.apiKey).toBeGreaterThan(0);
  } finally {
    await byKey.stop();
  }
}, 60_000);

test.each([
  [
    'a wrong password',
    { auth: { username: 'segmenter_service', password: 'wrong' } },
    ElasticsearchAccessError,
    /refused the credentials \(ELASTICSEARCH_USERNAME "segmenter_service"\)/,
  ],
  ['a wrong API key', { auth: { apiKey: 'bm90OmEga2V5' } }, ElasticsearchAccessError, /refused the credentials \(ELASTICSEARCH_API_KEY\)/],
  ['no credentials', { auth: undefined }, ElasticsearchAccessError, /refused the credentials \(no credentials\)/],
  ['no CA file', { caFile: undefined }, ElasticsearchAccessError, /TLS certificate this service does not trust .*set ELASTICSEARCH_CA_FILE/],
  ['a CA file that is not there', { caFile: '/nonexistent/ca.pem' }, ConfigError, /ELASTICSEARCH_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
] as const)(
  'with %s, both services refuse to start and say why',
  async (_case, changes, errorClass, message) => {
    const config = withElasticsearch(changes as Partial<Config['elasticsearch']>);
    for (const start of [() => startApiService(config, env.log, { relay: false, jobRunner: false }), () => startIndexerService(config, env.log)]) {
      const started = start();
      await expect(started).rejects.toThrow(errorClass);
      await expect(started).rejects.toThrow(message);
    }
  },
  60_000,
);
