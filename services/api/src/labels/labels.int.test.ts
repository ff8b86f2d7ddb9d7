// Label endpoints over HTTP against real Postgres.
import { useApiHarness } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';

const t = useApiHarness();

const newContact = async (email: string, key = t.ws.key) => (await t.h.request('POST', '/v1/contacts', { key, body: { email } })).body.id as string;
const labels = (id: string, method: string, body?: unknown) => t.h.request(method, `/v1/contacts/${id}/labels`, { key: t.ws.key, body });

test('set, overwrite, remove: one bump per write, events carry only what changed', async () => {
  const id = await newContact('labels@example.com');
  const set = await labels(id, 'PATCH', { set: { tier: 'gold', source: 'facebook' } });
  expect(set.body).toMatchObject({ labels: { tier: 'gold', source: 'facebook' }, version: 2 });
  const same = await labels(id, 'PATCH', { set: { tier: 'gold' } });
  expect(same.body.version).toBe(2);
  const mixed = await labels(id, 'PATCH', { set: { tier: 'silver' }, remove: ['source'] });
  expect(mixed.body).toMatchObject({ labels: { tier: 'silver' }, version: 3 });
  const removedOne = await t.h.request('DELETE', `/v1/contacts/${id}/labels/tier`, { key: t.ws.key });
  expect(removedOne.body).toMatchObject({ labels: {}, version: 4 });
  const events = (await t.h.outboxEvents(t.ws.id)).map((e) => [e.type, e.payload.labels ?? e.payload.keys ?? null, e.payload.contact?.version]);
  expect(events).toEqual([
    ['contact.upserted', null, 1],
    ['contact.labels_set', { tier: 'gold', source: 'facebook' }, 2],
    ['contact.labels_removed', ['source'], 3],
    ['contact.labels_set', { tier: 'silver' }, 3],
    ['contact.labels_removed', ['tier'], 4],
  ]);
});

test('replace removes every label not given', async () => {
  const id = await newContact('replace@example.com');
  await labels(id, 'PATCH', { set: { a: '1', b: '2' } });
  const replaced = await labels(id, 'PUT', { labels: { b: '3', c: '4' } });
  expect(replaced.body.labels).toEqual({ b: '3', c: '4' });
});

test('the 51st label is refused naming its key, and nothing changes', async () => {
  const id = await newContact('limit@example.com');
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v']));
  expect((await labels(id, 'PATCH', { set: fifty })).status).toBe(200);
  const over = await labels(id, 'PATCH', { set: { extra: 'x', key3: 'changed' } });
  expect(over.status).toBe(400);
  expect(over.body.errors).toEqual([{ field: 'body.set.extra', rule: 'does not fit: a contact holds at most 50 labels' }]);
  const after = await t.h.request('GET', `/v1/contacts/${id}`, { key: t.ws.key });
  expect(after.body.labels.key3).toBe('v');
  expect((await labels(id, 'PATCH', { set: { extra: 'x' }, remove: ['key0'] })).status).toBe(200);
});

test('bulk set and remove by id list; contacts over the limit are reported, not changed', async () => {
  const ids = await Promise.all(['l1', 'l2', 'l3'].map((n) => newContact(`${n}@example.com`)));
  await labels(ids[2]!, 'PATCH', { set: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) });
  const res = await t.h.request('POST', '/v1/labels/bulk-set', { key: t.ws.key, body: { contactIds: ids, labels: { tier: 'gold' } } });
  expect(res.body).toMatchObject({ matched: 3, changed: 2, rejected: [{ contactId: ids[2], keys: ['tier'] }] });
  const removed = await t.h.request('POST', '/v1/labels/bulk-remove', { key: t.ws.key, body: { contactIds: ids, keys: ['tier'] } });
  expect(removed.body).toMatchObject({ matched: 3, changed: 2 });
});

test('keys and values in use, with counts of live contacts', async () => {
  const other = await t.h.createWorkspace();
  const mk = async (email: string, l: Record<string, string>) => {
    const id = await newContact(email, other.key);
    await t.h.request('PATCH', `/v1/contacts/${id}/labels`, { key: other.key, body: { set: l } });
    return id;
  };
  await mk('k1@example.com', { tier: 'gold', source: 'fb' });
  await mk('k2@example.com', { tier: 'gold' });
  const gone = await mk('k3@example.com', { tier: 'silver' });
  await t.h.request('DELETE', `/v1/contacts/${gone}`, { key: other.key });
  expect((await t.h.request('GET', '/v1/labels', { key: other.key })).body.items).toEqual([
    { key: 'source', contactCount: 1 },
    { key: 'tier', contactCount: 2 },
  ]);
  expect((await t.h.request('GET', '/v1/labels/tier/values', { key: other.key })).body).toEqual({
    key: 'tier',
    items: [{ value: 'gold', contactCount: 2 }],
    nextCursor: null,
  });
});

test("another workspace's key cannot label this workspace's contacts", async () => {
  const id = await newContact('tenant-labels@example.com');
  const other = await t.h.createWorkspace();
  expect((await t.h.request('PATCH', `/v1/contacts/${id}/labels`, { key: other.key, body: { set: { x: 'y' } } })).status).toBe(404);
  const bulk = await t.h.request('POST', '/v1/labels/bulk-set', { key: other.key, body: { contactIds: [id], labels: { x: 'y' } } });
  expect(bulk.body).toMatchObject({ matched: 0, changed: 0 });
  expect((await t.h.request('GET', '/v1/labels', { key: other.key })).body.items).toEqual([]);
  expect((await t.h.request('GET', `/v1/contacts/${id}`, { key: t.ws.key })).body.labels).toEqual({});
});

test('keys and values at their length limits are stored', async () => {
  const id = await newContact('edges@example.com');
  const res = await labels(id, 'PATCH', { set: { ['k'.repeat(64)]: 'v'.repeat(256) } });
  expect(res.status).toBe(200);
  expect(res.body.labels).toEqual({ ['k'.repeat(64)]: 'v'.repeat(256) });
});

test('an upper-case id, a "__proto__" key, and a key both set and removed', async () => {
  const id = await newContact('edge-cases@example.com');
  await labels(id, 'PATCH', { set: { a: '1', b: '2' } });
  const replaced = await t.h.request('PUT', `/v1/contacts/${id.toUpperCase()}/labels`, { key: t.ws.key, body: { labels: { c: '3' } } });
  expect(replaced.body.labels).toEqual({ c: '3' });
  const proto = await t.h.request('PATCH', `/v1/contacts/${id}/labels`, { key: t.ws.key, raw: '{"set":{"__proto__":"x","constructor":"y"}}' });
  expect(proto.body.labels).toEqual(
    Object.fromEntries([
      ['c', '3'],
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]),
  );
  const replacedAgain = await labels(id, 'PUT', { labels: { c: '3' } });
  expect(Object.keys(replacedAgain.body.labels)).toEqual(['c']);
  const both = await labels(id, 'PATCH', { set: { c: '3' }, remove: ['c'] });
  expect(both.status).toBe(400);
  expect(both.body.errors).toEqual([{ field: 'body.remove.0', rule: 'is also in set: a key is either set or removed' }]);
});

describe('GET /v1/labels and /v1/labels/:key/values page by key and by value', () => {
  const labelled = async (key: string, labels: Record<string, string>) => {
    const id = await newContact(`${Object.values(labels).join('-')}-${Math.random().toString(36).slice(2)}@example.com`, key);
    expect((await t.h.request('PATCH', `/v1/contacts/${id}/labels`, { key, body: { set: labels } })).status).toBe(200);
    return id;
  };
  const keysOf = (items: { key: string }[]) => items.map((k) => k.key);
  const valuesOf = (items: { value: string; contactCount: number }[]) => items.map((v) => `${v.value}:${v.contactCount}`);

  test('every key once, in key order; keys that appear while paging are neither repeated nor skipped; other workspaces stay out', async () => {
    const ws = await t.h.createWorkspace();
    const other = await t.h.createWorkspace();
    await labelled(ws.key, Object.fromEntries(['k03', 'k05', 'k07', 'k09', 'k11', 'k13', 'k15'].map((k) => [k, 'x'])));
    await labelled(other.key, { k08: 'x' });
    const walked = await walkList(t.h, ws.key, '/v1/labels', 3, async (pagesRead) => {
      if (pagesRead === 1) await labelled(ws.key, { k01: 'x', k14: 'x' });
    });
    expect(walked.pages.map(keysOf)).toEqual([
      ['k03', 'k05', 'k07'],
      ['k09', 'k11', 'k13'],
      ['k14', 'k15'],
    ]);
    expect(walked.items[0]).toEqual({ key: 'k03', contactCount: 1 });
    expect(keysOf((await walkList(t.h, other.key, '/v1/labels', 1000)).items)).toEqual(['k08']);
  });

  test("every value of the key once, in value order, with its count; other keys' and workspaces' values stay out", async () => {
    const ws = await t.h.createWorkspace();
    const other = await t.h.createWorkspace();
    for (const v of ['v03', 'v05', 'v05', 'v07', 'v09', 'v11', 'v13', 'v15']) await labelled(ws.key, { tier: v, size: `s-${v}` });
    await labelled(other.key, { tier: 'v08' });
    const walked = await walkList(t.h, ws.key, '/v1/labels/tier/values', 3, async (pagesRead) => {
      if (pagesRead === 1) for (const v of ['v01', 'v14', 'v05']) await labelled(ws.key, { tier: v });
    });
    // v05 gained a contact after its page was read: its count moves, its place does not.
    expect(walked.pages.map(valuesOf)).toEqual([
      ['v03:1', 'v05:2', 'v07:1'],
      ['v09:1', 'v11:1', 'v13:1'],
      ['v14:1', 'v15:1'],
    ]);
    const page = await t.h.request('GET', '/v1/labels/tier/values?limit=2', { key: ws.key });
    expect(Object.keys(page.body).sort()).toEqual(['items', 'key', 'nextCursor']);
    expect(page.body.key).toBe('tier');
    expect(valuesOf((await walkList(t.h, other.key, '/v1/labels/tier/values', 1000)).items)).toEqual(['v08:1']);
  });

  test("limit and cursor are checked; a cursor of another key's values is refused", async () => {
    const ws = await t.h.createWorkspace();
    for (const v of ['a', 'b']) await labelled(ws.key, { tier: v, size: v });
    const cursorOf = async (path: string) => (await t.h.request('GET', `${path}?limit=1`, { key: ws.key })).body.nextCursor as string;
    await expectPagingChecks(t.h, ws.key, '/v1/labels', await cursorOf('/v1/labels/tier/values'));
    await expectPagingChecks(t.h, ws.key, '/v1/labels/tier/values', await cursorOf('/v1/labels/size/values'));
    await expectPagingChecks(t.h, ws.key, '/v1/labels/tier/values', await cursorOf('/v1/labels'));
  });
});
