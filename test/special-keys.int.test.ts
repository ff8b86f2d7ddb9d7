// Keys special to JavaScript (`__proto__`, `constructor`, `prototype`) are ordinary label keys and
// custom-field keys (`__proto__` is no custom-field key by its rule): every path keeps them, as a
// client sees it: the API, the change events and the index, reconcile, export, the member stream,
// batch-get, bulk set and remove, a segment action and an import. Issue 12, point 2.
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { expectSearchIndexConverges } from './support/search-index-equality';
import { eventually } from './support/test-environment';

let h: ApiHarness;
let ws: Workspace;

// Parsed, never literals: `{ __proto__: 'x' }` in code sets the prototype instead of a key.
const SPECIAL_LABELS = '{"__proto__":"p","constructor":"c","prototype":"t"}';
const specialLabels = (): Record<string, string> => JSON.parse(SPECIAL_LABELS);
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype'];

const call = (method: string, path: string, body?: unknown, key = ws.key) => h.request(method, path, { key, body });
async function ok(method: string, path: string, body?: unknown) {
  const res = await call(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
/** The labels of a contact as the API answers them, as entries (so "__proto__" shows as a key). */
const labelEntries = async (id: string) => Object.entries((await ok('GET', `/v1/contacts/${id}`)).labels).sort();
const count = async (text: string) => {
  const res = await call('POST', '/v1/segments/count', { queries: [{ text }] });
  expect([res.status, res.body.results[0].status ?? 200]).toEqual([200, 200]);
  return res.body.results[0].total as number;
};
const waitForJob = (id: string) =>
  eventually(
    async () => (await call('GET', `/v1/jobs/${id}`)).body,
    (j) => j.status === 'succeeded' || j.status === 'failed',
    60_000,
  );

let ann: { id: string };

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: true });
  ws = await h.createWorkspace();
  await ok('POST', '/v1/custom-fields', { key: 'constructor', type: 'string' });
  await ok('POST', '/v1/custom-fields', { key: 'prototype', type: 'number' });
  await ok('POST', '/v1/custom-fields', { key: 'since', type: 'date' });
  ann = await ok('POST', '/v1/contacts', { email: 'ann@example.com', customFields: { constructor: 'built', prototype: 7 } });
  await ok('PATCH', `/v1/contacts/${ann.id}/labels`, { set: specialLabels() });
});
afterAll(async () => h?.stop());

describe('labels "__proto__", "constructor" and "prototype" survive every path', () => {
  test('the API stores and answers them, the event carries them, and the index counts them', async () => {
    expect(await labelEntries(ann.id)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['prototype', 't'],
    ]);
    const { rows } = await h.env.pool.query('select key, value from contact_labels where contact_id = $1 order by key', [ann.id]);
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['prototype', 't'],
    ]);

    // The search index equals Postgres exactly, document content included (it used to miss "__proto__").
    await expectSearchIndexConverges(h.env, ws.id);
    expect(await count('label:__proto__ = p')).toBe(1);
    expect(await count('label:constructor = c')).toBe(1);
    expect(await count('label:prototype EXISTS')).toBe(1);
    expect(await count('custom:constructor = built')).toBe(1);

    const reconcile = await h.operator('POST', '/v1/admin/search-index/reconcile', { workspaceId: ws.id });
    expect(reconcile.status).toBe(202);
    const report = await eventually(
      async () => (await h.operator('GET', `/v1/admin/search-index/jobs/${reconcile.body.id}`)).body,
      (j) => j.status === 'succeeded' || j.status === 'failed',
      60_000,
    );
    expect(report.result).toMatchObject({ drift: { missing: 0, stale: 0, mismatched: 0, ahead: 0, extra: 0 } });
  });

  test('export, member stream rows and batch-get hold them', async () => {
    const exported = await fetch(`${h.api.url}/v1/exports/contacts`, {
      method: 'POST',
      headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
      body: JSON.stringify({
        search: { q: 'ann@' },
        columns: ['email', 'label___proto__', 'label_constructor', 'label_prototype', 'custom_constructor', 'custom_prototype'],
      }),
    });
    expect(exported.status).toBe(200);
    expect((await exported.text()).trim().split('\r\n')).toEqual([
      'email,label___proto__,label_constructor,label_prototype,custom_constructor,custom_prototype',
      'ann@example.com,p,c,t,built,7',
    ]);

    await expectSearchIndexConverges(h.env, ws.id);
    const stream = await fetch(`${h.api.url}/v1/segments/members`, {
      method: 'POST',
      headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { text: 'label:__proto__ = p' }, fields: 'email,labels,label:__proto__,label:prototype,custom:constructor' }),
    });
    expect(stream.status).toBe(200);
    const rows = (await stream.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(Object.entries(rows[0].labels).sort()).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['prototype', 't'],
    ]);
    expect([rows[0]['label:__proto__'], rows[0]['label:prototype'], rows[0]['custom:constructor']]).toEqual(['p', 't', 'built']);

    const batch = await ok('POST', '/v1/contacts/batch-get', { ids: [ann.id] });
    expect(Object.keys(batch.items[0].labels).sort()).toEqual(SPECIAL_KEYS);
    expect(Object.entries(batch.items[0].customFields).sort()).toEqual([
      ['constructor', 'built'],
      ['prototype', 7],
    ]);
  });

  test('bulk set and bulk remove change them', async () => {
    const bob = await ok('POST', '/v1/contacts', { email: 'bob@example.com' });
    const cat = await ok('POST', '/v1/contacts', { email: 'cat@example.com' });
    expect(
      await ok('POST', '/v1/labels/bulk-set', { contactIds: [bob.id, cat.id], labels: JSON.parse('{"__proto__":"bulk","prototype":"bulk"}') }),
    ).toMatchObject({ changed: 2 });
    expect(await labelEntries(bob.id)).toEqual([
      ['__proto__', 'bulk'],
      ['prototype', 'bulk'],
    ]);
    await expectSearchIndexConverges(h.env, ws.id);
    expect(await count('label:__proto__ = bulk')).toBe(2);

    expect(await ok('POST', '/v1/labels/bulk-remove', { contactIds: [bob.id], keys: ['__proto__'] })).toMatchObject({ changed: 1 });
    expect(await labelEntries(bob.id)).toEqual([['prototype', 'bulk']]);
    await expectSearchIndexConverges(h.env, ws.id);
    expect(await count('label:__proto__ = bulk')).toBe(1);
  });

  test('a segment action sets them (set_labels used to drop "__proto__")', async () => {
    const dan = await ok('POST', '/v1/contacts', { email: 'dan@segment-action.example' });
    await expectSearchIndexConverges(h.env, ws.id);
    const started = await call('POST', '/v1/segments/actions', {
      query: { text: 'email = "dan@segment-action.example"' },
      action: 'set_labels',
      labels: JSON.parse('{"__proto__":"seg","constructor":"seg"}'),
    });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.id);
    expect([job.status, job.result]).toEqual(['succeeded', expect.objectContaining({ changed: 1 })]);
    expect(await labelEntries(dan.id)).toEqual([
      ['__proto__', 'seg'],
      ['constructor', 'seg'],
    ]);
    await expectSearchIndexConverges(h.env, ws.id);
    expect(await count('label:__proto__ = seg')).toBe(1);
  });

  test('an import sets them from label columns, and custom fields from custom columns', async () => {
    const created = await ok('POST', '/v1/imports', {});
    const file = 'email,label___proto__,label_constructor,label_prototype,custom_constructor,custom_prototype\r\neve@example.com,imp,imp-c,imp-t,made,3\r\n';
    const sent = await fetch(`${h.api.url}/v1/imports/${created.id}/file`, {
      method: 'PUT',
      headers: { 'x-api-key': ws.key, 'content-type': 'text/csv' },
      body: file,
    });
    expect(sent.status).toBe(202);
    const done = await eventually(
      async () => (await call('GET', `/v1/imports/${created.id}`)).body,
      (i) => ['succeeded', 'failed', 'cancelled'].includes(i.status),
      60_000,
    );
    expect(done.status).toBe('succeeded');
    const { rows } = await h.env.pool.query("select id, custom_fields from contacts where workspace_id = $1 and email = 'eve@example.com'", [ws.id]);
    expect(await labelEntries(rows[0].id)).toEqual([
      ['__proto__', 'imp'],
      ['constructor', 'imp-c'],
      ['prototype', 'imp-t'],
    ]);
    expect(Object.entries(rows[0].custom_fields).sort()).toEqual([
      ['constructor', 'made'],
      ['prototype', 3],
    ]);
    await expectSearchIndexConverges(h.env, ws.id);
    expect(await count('label:__proto__ = imp')).toBe(1);
  });
});

describe('custom fields: "constructor" and "prototype" are keys, "__proto__" is refused by name', () => {
  test('"__proto__" is a 400 naming the key and the rule, and nothing changes', async () => {
    const before = await ok('GET', `/v1/contacts/${ann.id}`);
    const res = await h.request('PATCH', `/v1/contacts/${ann.id}`, { key: ws.key, raw: '{"customFields":{"__proto__":"x"}}' });
    expect([res.status, res.body.errors]).toEqual([
      400,
      [{ field: 'body.customFields.__proto__', rule: 'key must start with a lower-case letter and hold at most 64 lower-case letters, digits and "_"' }],
    ]);
    const created = await h.request('POST', '/v1/contacts', {
      key: ws.key,
      raw: '{"email":"proto@example.com","customFields":{"__proto__":{"polluted":true}}}',
    });
    expect([created.status, created.body.errors?.[0]?.field]).toEqual([400, 'body.customFields.__proto__']);
    expect((await ok('GET', `/v1/contacts/${ann.id}`)).version).toBe(before.version);
  });

  test('"constructor" and "prototype" are set and cleared like any field', async () => {
    const bea = await ok('POST', '/v1/contacts', { email: 'bea@example.com', customFields: { constructor: 'x', prototype: 1 } });
    expect(bea.customFields).toEqual({ constructor: 'x', prototype: 1 });
    const cleared = await ok('PATCH', `/v1/contacts/${bea.id}`, { customFields: { constructor: null } });
    expect(Object.keys(cleared.customFields)).toEqual(['prototype']);
  });

  test.each([
    ['year 0', '0000-01-01', 'must be a date in the years 1000 to 9999'],
    ['year 0 as a date-time', '0000-01-01T00:00:00Z', 'must be a date in the years 1000 to 9999'],
    ['year 10000', '10000-01-01', 'must be an ISO 8601 date (2026-11-24) or date-time (2026-11-24T10:00:00Z)'],
    ['year 10000 once in UTC', '9999-12-31T23:30:00-01:00', 'must be a date in the years 1000 to 9999'],
  ])('a custom date in %s is a 400 naming body.customFields.since', async (_what, since, rule) => {
    const res = await call('PATCH', `/v1/contacts/${ann.id}`, { customFields: { since } });
    expect([res.status, res.body.errors]).toEqual([400, [{ field: 'body.customFields.since', rule }]]);
  });
});
