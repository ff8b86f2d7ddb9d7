// /metrics as an operator configures it: behind a token on the service port, or on a port of its
// own; and HTTP series labelled by route pattern, so any spelling or made-up path adds no series.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { RunningApi, startApiService } from '../api-service';
import { RunningIndexer, startIndexerService } from '../../../indexer/src/indexer-service';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';

const token = `metrics-${randomBytes(16).toString('hex')}`;
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

/** Sends one request line as written (fetch would normalise it) and waits for the answer. */
function rawRequest(baseUrl: string, requestLine: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${requestLine}\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The route labels of the HTTP latency series, as Prometheus would scrape them. */
const routeLabels = (text: string) =>
  [...new Set([...text.matchAll(/segmenter_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map((m) => m[1]))].sort();

describe('a token on the service port', () => {
  let env: TestEnvironment;
  let api: RunningApi;
  beforeAll(async () => {
    env = await createTestEnvironment({ METRICS_TOKEN: token });
    api = await startApiService(env.config, env.log, { relay: false, jobRunner: false });
  });
  afterAll(async () => {
    await api?.stop();
    await env?.cleanup();
  });

  test('a scrape without the token, or with another, is a 401; with it, the metrics', async () => {
    const none = await fetch(`${api.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { errors: unknown }).errors).toEqual([{ field: 'headers.authorization', rule: expect.stringContaining('METRICS_TOKEN') }]);
    expect((await fetch(`${api.url}/metrics`, { headers: bearer(`${token}x`) })).status).toBe(401);
    const scraped = await fetch(`${api.url}/metrics`, { headers: bearer(token) });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('segmenter_outbox_backlog');
  });

  test('every spelling of a route is one series, and every unknown path is "unmatched"', async () => {
    for (const path of [
      '/V1/CONTACTS',
      '/v1/Contacts',
      '/v1/contacts',
      '/V1/Contacts/00000000-0000-4000-8000-000000000000',
      '/nowhere',
      '/NOWHERE/else',
      '/v1/contacts/x/y/z',
    ])
      await fetch(`${api.url}${path}`);
    // Request targets in absolute form, each naming another host: still the one route series.
    for (const host of ['evil-1.example', 'evil-2.example']) await rawRequest(api.url, `GET http://${host}/v1/contacts/abc HTTP/1.1`);
    // A body the parser refuses is timed too.
    await fetch(`${api.url}/v1/contacts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    const text = await (await fetch(`${api.url}/metrics`, { headers: bearer(token) })).text();
    expect(routeLabels(text)).toEqual(['/metrics', '/v1/contacts', '/v1/contacts/:id', 'unmatched']);
  });
});

describe('ports of their own, on both services', () => {
  let env: TestEnvironment;
  let api: RunningApi;
  let indexer: RunningIndexer;
  beforeAll(async () => {
    env = await createTestEnvironment({ API_METRICS_PORT: '0', INDEXER_METRICS_PORT: '0', METRICS_TOKEN: token });
    api = await startApiService(env.config, env.log, { relay: false, jobRunner: false });
    indexer = await startIndexerService(env.config, env.log);
  }, 60_000);
  afterAll(async () => {
    await indexer?.stop();
    await api?.stop();
    await env?.cleanup();
  });

  test('/metrics is not on the service ports; it is on the metrics ports, behind the token', async () => {
    expect((await fetch(`${api.url}/metrics`, { headers: bearer(token) })).status).toBe(404);
    expect((await fetch(`${indexer.url}/metrics`, { headers: bearer(token) })).status).toBe(404);
    for (const [url, metric] of [
      [api.metricsUrl, 'segmenter_outbox_backlog'],
      [indexer.metricsUrl, 'segmenter_indexer_events_total'],
    ] as const) {
      expect(url).toBeDefined();
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${url}/metrics`, { headers: bearer(token) });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain(metric);
    }
    // The service ports still answer health as before.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${indexer.url}/healthz`)).status).toBe(200);
  }, 30_000);
});
