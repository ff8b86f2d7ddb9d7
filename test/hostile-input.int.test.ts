// Issue 12, row by row: the hostile inputs that reached a 500, replayed as an attacker sends them
// (most without a key), each now a clear 4xx problem naming the field and the rule. The route
// fuzz test (route-fuzz.int.test.ts) keeps the general property; this file keeps the known cases.
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';

let h: ApiHarness;
let ws: Workspace;

beforeAll(async () => {
  h = await startApiHarness();
  ws = await h.createWorkspace();
});
afterAll(async () => h?.stop());

async function raw(method: string, path: string, init: { key?: string; headers?: Record<string, string>; body?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers, ...(init.key ? { 'x-api-key': init.key } : {}) };
  const res = await fetch(`${h.api.url}${path}`, { method, headers, body: init.body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text.startsWith('{') ? JSON.parse(text) : text };
}

const isProblem = (r: { type: string; body: any }) => r.type.startsWith('application/problem+json') && Array.isArray(r.body.errors);

test('row 1: a body that says it is compressed but is not is a 400, on any route, without a key', async () => {
  for (const encoding of ['gzip', 'deflate', 'br']) {
    for (const [path, key] of [
      ['/healthz', undefined],
      ['/v1/contacts', undefined],
      ['/v1/contacts', ws.key],
    ] as const) {
      const res = await raw('POST', path, {
        key,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: '{"email":"z@example.com"}',
      });
      expect([encoding, path, res.status < 500, res.status >= 400]).toEqual([encoding, path, true, true]);
      if (res.status !== 404) expect(isProblem(res)).toBe(true);
    }
  }
});

test('row 2: a path parameter that is not valid percent-encoding is a 400, with or without a key', async () => {
  for (const path of [
    '/v1/tags/%ZZ',
    '/v1/segments/%ZZ',
    '/v1/jobs/%ZZ',
    '/v1/duplicates/%ZZ',
    '/v1/contacts/%E0%A4%A',
    '/v1/snapshots/%ZZ',
    '/v1/suppressions/%ZZ',
  ]) {
    for (const key of [undefined, ws.key]) {
      const res = await raw('GET', path, { key });
      expect([path, res.status]).toEqual([path, 400]);
      expect(isProblem(res)).toBe(true);
    }
  }
});

test('row 3: 10,000 nested arrays (no key) and 12,000 nested NOTs (JSON and text) are 400s naming the rule', async () => {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  for (const path of ['/healthz', '/v1/contacts', '/v1/segments/count']) {
    const res = await raw('POST', path, { headers: { 'content-type': 'application/json' }, body: deep });
    expect([path, res.status, res.body.errors]).toEqual([path, 400, [{ field: 'body', rule: 'nests deeper than 64 levels' }]]);
  }
  // Written as text: JSON.stringify itself cannot serialise 12,000 levels.
  const nots = `{"queries":[{"condition":${'{"kind":"not","condition":'.repeat(12_000)}{"kind":"sendable","channel":"email"}${'}'.repeat(12_000)}}]}`;
  const json = await h.request('POST', '/v1/segments/count', { key: ws.key, raw: nots });
  expect([json.status, json.body.errors]).toEqual([400, [{ field: 'body', rule: 'nests deeper than 64 levels' }]]);
  const text = await h.request('POST', '/v1/segments/count', { key: ws.key, body: { queries: [{ text: `${'NOT '.repeat(12_000)}sendable:email` }] } });
  // 48 KB of text: the query answers its own 400 in its place (past the text's length limit, or its depth).
  expect([text.status, text.body.results[0].status, text.body.results[0].errors[0].field]).toEqual([200, 400, 'body.queries.0.text']);
  const saved = await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'deep', text: `${'NOT '.repeat(2_000)}sendable:email` } });
  expect([saved.status, saved.body.errors?.[0]?.field]).toEqual([400, 'body.text']);
});

test('row 4: a list cursor holding 30 February or year 0 is a 400 naming query.cursor', async () => {
  const id = '00000000-0000-4000-8000-000000000000';
  for (const time of ['2026-02-30T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z']) {
    const cursor = Buffer.from(JSON.stringify(['created', 'desc', time, id])).toString('base64url');
    const res = await h.request('GET', `/v1/contacts?sort=created&order=desc&cursor=${cursor}`, { key: ws.key });
    expect([time, res.status, res.body.errors]).toEqual([time, 400, [{ field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' }]]);
    const deleted = Buffer.from(JSON.stringify(['deleted', 'desc', time, id])).toString('base64url');
    expect((await h.request('GET', `/v1/contacts/deleted?sort=deleted&order=desc&cursor=${deleted}`, { key: ws.key })).status).toBe(400);
  }
});

test('a body that is neither JSON nor CSV is a 415 saying what to send, on JSON routes and bodiless actions alike', async () => {
  const contact = (await h.request('POST', '/v1/contacts', { key: ws.key, body: { email: 'typed@example.com' } })).body;
  for (const [method, path] of [
    ['POST', '/v1/contacts/batch-get'],
    ['POST', '/v1/contacts'],
    ['POST', `/v1/contacts/${contact.id}/actions/unsubscribe-email`],
  ]) {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await raw(method as string, path as string, { key: ws.key, headers: { 'content-type': type }, body: 'ids=1' });
      expect([path, type, res.status, res.body.errors]).toEqual([
        path,
        type,
        415,
        [{ field: 'headers.content-type', rule: 'must be application/json (text/csv for file uploads)' }],
      ]);
    }
  }
  expect((await h.request('GET', `/v1/contacts/${contact.id}`, { key: ws.key })).body.emailStatus).toBe('active');
});
