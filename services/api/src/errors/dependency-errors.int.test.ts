// A dependency's failure never reaches the tenant in its own words: a job that fails because
// Elasticsearch refuses it, and a request that does, answer our message and an error id; the raw
// Elasticsearch text is in the log line carrying the same id.
import { Writable } from 'node:stream';
import pino from 'pino';
import { RunningApi, startApiService } from '../api-service';
import { Problem } from './problem';
import { responseViolation } from '../../../../test/support/openapi-response-check';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';

let env: TestEnvironment;
let api: RunningApi;
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  env = await createTestEnvironment();
  // The api logs into memory, so the test can read the line an error id points to.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  api = await startApiService(env.config, pino({ level: 'info' }, sink), { relay: false, jobRunner: false });
});
afterAll(async () => {
  await api?.stop();
  await env?.cleanup();
});

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed: any = await res.json();
  // Every answer is what the OpenAPI document promises. The document lists no 500 (no input may
  // cause one): a dependency's failure still answers the one Problem shape, its errorId included.
  if (res.status === 500) expect(Problem.strict().parse(parsed)).toEqual(parsed);
  else expect(responseViolation(method, path, res.status, res.headers.get('content-type'), parsed)).toBeUndefined();
  return { status: res.status, body: parsed as any };
}

const rawElasticsearchText = /index_not_found_exception|no such index/;

test('a snapshot whose search Elasticsearch refuses fails with our message and an error id; the log holds the raw text under that id', async () => {
  const operator = { authorization: `Bearer ${env.config.api.operatorKey}` };
  const created = await call('POST', '/v1/admin/workspaces', operator, { name: 'dependency-errors' });
  const tenant = { 'x-api-key': created.body.apiKey.key };
  // A real refusal, not a mock: the index the search would read is gone.
  const indices = Object.keys(await env.es.indices.get({ index: env.config.elasticsearch.contactsAlias }));
  await env.es.indices.delete({ index: indices });

  const started = await call('POST', '/v1/segments/snapshots', tenant, { query: { text: 'sendable:email' } });
  expect(started.status).toBe(202);
  await api.jobs.drain();

  const job = (await call('GET', `/v1/jobs/${started.body.job.id}`, tenant)).body;
  expect(job.status).toBe('failed');
  expect(job.error).not.toMatch(rawElasticsearchText);
  expect(job.error).not.toContain(env.config.elasticsearch.indexPrefix);
  const errorId = /error id ([0-9a-f-]{36})/.exec(job.error)?.[1];
  expect(job.error).toMatch(/^the job stopped after 5 failed attempts in a row because of an internal error \(error id [0-9a-f-]{36}\)$/);

  const snapshot = (await call('GET', `/v1/snapshots/${started.body.snapshot.id}`, tenant)).body;
  expect(snapshot).toMatchObject({ status: 'failed', error: job.error });

  const logged = logLines.find((line) => line.errorId === errorId)!;
  expect(logged).toMatchObject({ msg: 'job chunk failed', jobId: job.id, attempts: 5 });
  expect(JSON.stringify(logged.err)).toMatch(rawElasticsearchText);

  // A request Elasticsearch refuses: a 500 with our words and an id, the raw text only in the log.
  const counted = await call('GET', '/v1/counts', tenant);
  expect(counted.status).toBe(500);
  expect(JSON.stringify(counted.body)).not.toMatch(rawElasticsearchText);
  expect(counted.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
  expect(counted.body.detail).toContain(counted.body.errorId);
  const requestLine = logLines.find((line) => line.errorId === counted.body.errorId)!;
  expect(requestLine).toMatchObject({ msg: 'unhandled error', path: '/v1/counts' });
  expect(JSON.stringify(requestLine.err)).toMatch(rawElasticsearchText);

  // A multi-query count: each query Elasticsearch refuses answers our words and an id in its place.
  const many = await call('POST', '/v1/segments/count', tenant, { queries: [{ text: 'sendable:email' }, { text: 'sendable:phone' }] });
  expect(many.status).toBe(200);
  for (const [i, result] of many.body.results.entries()) {
    // The index is missing: not the query's fault, so a 503 in its place (a retry may succeed).
    expect(result).toMatchObject({
      status: 503,
      errors: [{ field: `body.queries.${i}`, rule: expect.stringMatching(/^could not be counted now \(error id [0-9a-f-]{36}\)$/) }],
    });
    expect(JSON.stringify(result)).not.toMatch(rawElasticsearchText);
    const queryErrorId = /error id ([0-9a-f-]{36})/.exec(result.errors[0].rule)![1];
    expect(JSON.stringify(logLines.find((line) => line.errorId === queryErrorId)!.err)).toMatch(rawElasticsearchText);
  }
}, 120_000);
