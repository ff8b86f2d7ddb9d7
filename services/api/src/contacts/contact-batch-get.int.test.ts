// POST /v1/contacts/batch-get as a sender calls it with a page of snapshot ids: found contacts in
// the order asked, missing ids listed, other workspaces' contacts never shown, limits enforced.
import { randomUUID } from 'node:crypto';
import { useApiHarness } from '../../../../test/support/api-harness';

const t = useApiHarness();

const batchGet = (body: unknown, key = t.ws.key) => t.h.request('POST', '/v1/contacts/batch-get', { key, body });
const create = async (body: object, key = t.ws.key) => {
  const res = await t.h.request('POST', '/v1/contacts', { key, body });
  expect(res.status).toBe(201);
  return res.body;
};

test('answers the contacts as GET /v1/contacts/:id does, in the order asked, and lists the ids not found', async () => {
  const a = await create({ email: 'a@example.com', firstName: 'Ada', labels: { tier: 'gold' } });
  const b = await create({ email: 'b@example.com' });
  const unknown = randomUUID();
  const res = await batchGet({ ids: [b.id, unknown, a.id.toUpperCase()] });
  expect(res.status).toBe(200);
  const single = await t.h.request('GET', `/v1/contacts/${a.id}`, { key: t.ws.key });
  expect(res.body).toEqual({ items: [(await t.h.request('GET', `/v1/contacts/${b.id}`, { key: t.ws.key })).body, single.body], missing: [unknown] });
});

test("another workspace's contacts are missing, as unknown ids are", async () => {
  const other = await t.h.createWorkspace();
  const theirs = await create({ email: 'theirs@example.com' }, other.key);
  const mine = await create({ email: 'mine@example.com' });
  expect((await batchGet({ ids: [theirs.id, mine.id] })).body).toEqual({ items: [expect.objectContaining({ id: mine.id })], missing: [theirs.id] });
});

test('a soft-deleted contact is returned with deletedAt set; an erased one is missing', async () => {
  const deleted = await create({ email: 'deleted@example.com' });
  const erased = await create({ email: 'erased@example.com' });
  expect((await t.h.request('DELETE', `/v1/contacts/${deleted.id}`, { key: t.ws.key })).status).toBe(200);
  expect((await t.h.request('DELETE', `/v1/contacts/${erased.id}/erase`, { key: t.ws.key })).status).toBe(204);
  const res = await batchGet({ ids: [deleted.id, erased.id] });
  expect(res.body.items).toEqual([expect.objectContaining({ id: deleted.id, deletedAt: expect.any(String) })]);
  expect(res.body.missing).toEqual([erased.id]);
});

test('1000 ids are answered in one call', async () => {
  const ids = Array.from({ length: 1000 }, () => randomUUID());
  const res = await batchGet({ ids });
  expect(res.status).toBe(200);
  expect(res.body.missing).toHaveLength(1000);
});

test.each([
  ['more than 1000 ids', () => ({ ids: Array.from({ length: 1001 }, () => randomUUID()) }), [{ field: 'body.ids', rule: 'must hold at most 1000 ids' }]],
  ['no ids', () => ({ ids: [] }), [{ field: 'body.ids', rule: 'must hold at least one id' }]],
  [
    'a bad id',
    () => ({ ids: [randomUUID(), 'nope', 7] }),
    [
      { field: 'body.ids.1', rule: 'must be a contact id (UUID)' },
      { field: 'body.ids.2', rule: 'must be a contact id (UUID)' },
    ],
  ],
  [
    'a repeated id (whatever its case)',
    () => {
      const id = randomUUID();
      return { ids: [id, randomUUID(), id.toUpperCase()] };
    },
    [{ field: 'body.ids.2', rule: 'repeats the id at body.ids.0' }],
  ],
  ['ids as a string', () => ({ ids: 'a,b' }), [{ field: 'body.ids', rule: 'must be an array of contact ids' }]],
  ['an unknown field', () => ({ ids: [randomUUID()], fields: 'id' }), [{ field: 'body', rule: expect.stringMatching(/fields/) }]],
])('%s is a 400 naming the field', async (_what, body, errors) => {
  const res = await batchGet(body());
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(errors);
});

test('needs an API key', async () => {
  expect((await t.h.request('POST', '/v1/contacts/batch-get', { body: { ids: [randomUUID()] } })).status).toBe(401);
});
