// Tag endpoints over HTTP against real Postgres: names are case-sensitive and unique, renames
// touch no contact, deletion is a job that reaches every contact, tagging is append-only and
// idempotent, and unknown tags are refused by name.
import { useApiHarness } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';

const t = useApiHarness();

const post = (path: string, body: unknown, key = t.ws.key) => t.h.request('POST', path, { key, body });
const newContact = async (email: string, key = t.ws.key) => (await post('/v1/contacts', { email }, key)).body.id as string;
const newTag = async (name: string, extra: object = {}) => (await post('/v1/tags', { name, ...extra })).body.id as string;

test('names are case-sensitive, unique, and checked', async () => {
  const upper = await post('/v1/tags', { name: 'VIP' });
  const lower = await post('/v1/tags', { name: 'vip' });
  expect([upper.status, lower.status]).toEqual([201, 201]);
  expect((await post('/v1/tags', { name: 'VIP' })).status).toBe(409);
  for (const [name, rule] of [
    ['', 'must not be empty'],
    ['x'.repeat(101), 'must be at most 100 characters'],
    [' padded', 'must not start or end with white space'],
    ['line\nbreak', 'must not contain control characters'],
  ]) {
    const res = await post('/v1/tags', { name });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.name', rule }]);
  }
  expect((await post('/v1/tags', { name: 'x'.repeat(100) })).status).toBe(201);
});

test('tagging a contact appends only new tags, with one event naming them; unknown names are refused', async () => {
  const contact = await newContact('tagged@example.com');
  const hot = await newTag('Hot Lead');
  const added = await post(`/v1/contacts/${contact}/tags/add`, { tags: ['Hot Lead'] });
  expect(added.status).toBe(200);
  expect(added.body).toMatchObject({ tagIds: [hot], version: 2 });
  const again = await post(`/v1/contacts/${contact}/tags/add`, { tagIds: [hot] });
  expect(again.body.version).toBe(2); // idempotent: nothing new, no bump, no event

  const unknown = await post(`/v1/contacts/${contact}/tags/add`, { tags: ['Hot Lead', 'Nope'] });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toEqual([{ field: 'body.tags.1', rule: 'is not a tag in this workspace: "Nope" (pass createMissing: true to create it)' }]);

  const created = await post(`/v1/contacts/${contact}/tags/add`, { tags: ['Nope'], createMissing: true });
  expect(created.body.tagIds).toHaveLength(2);
  const removed = await post(`/v1/contacts/${contact}/tags/remove`, { tagIds: [hot] });
  expect(removed.body.tagIds).not.toContain(hot);

  const events = await t.h.outboxEvents(t.ws.id);
  expect(events.map((e) => [e.type, e.payload.tagIds ?? null])).toEqual([
    ['contact.upserted', null],
    ['contact.tags_added', [hot]],
    ['contact.tags_added', [created.body.tagIds.find((id: string) => id !== hot)]],
    ['contact.tags_removed', [hot]],
  ]);
});

test('a rename shows everywhere at once and touches no contact', async () => {
  const contact = await newContact('renamed@example.com');
  const tag = await newTag('Old Name');
  await post(`/v1/contacts/${contact}/tags/add`, { tagIds: [tag] });
  await t.h.clearOutbox(t.ws.id);
  const renamed = await t.h.request('PATCH', `/v1/tags/${tag}`, { key: t.ws.key, body: { name: 'New Name' } });
  expect(renamed.body).toMatchObject({ id: tag, name: 'New Name' });
  expect((await t.h.request('GET', `/v1/contacts/${contact}`, { key: t.ws.key })).body).toMatchObject({ tagIds: [tag], version: 2 });
  expect(await t.h.outboxEvents(t.ws.id)).toEqual([
    { type: 'tag.renamed', aggregateId: tag, payload: { type: 'tag.renamed', workspaceId: t.ws.id, tagId: tag, name: 'New Name', previousName: 'Old Name' } },
  ]);
  expect((await post(`/v1/contacts/${contact}/tags/add`, { tags: ['Old Name'] })).status).toBe(400);
});

test('bulk add and remove by id list: appends, idempotent, skips unknown and deleted contacts', async () => {
  const ids = await Promise.all(['b1', 'b2', 'b3'].map((n) => newContact(`${n}@example.com`)));
  const deleted = await newContact('bdel@example.com');
  await t.h.request('DELETE', `/v1/contacts/${deleted}`, { key: t.ws.key });
  const a = await newTag('Bulk A');
  await post(`/v1/contacts/${ids[0]}/tags/add`, { tagIds: [a] });
  await t.h.clearOutbox(t.ws.id);

  const missing = '00000000-0000-4000-8000-000000000000';
  const res = await post('/v1/tags/bulk-add', { contactIds: [...ids, deleted, missing], tags: ['Bulk A', 'Bulk B'], createMissing: true });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ requested: 5, matched: 3, changed: 3, notFound: 2 });
  expect((await t.h.outboxEvents(t.ws.id)).map((e) => [e.aggregateId, e.payload.tagIds.length])).toEqual(
    [
      [ids[0], 1],
      [ids[1], 2],
      [ids[2], 2],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  );
  const repeat = await post('/v1/tags/bulk-add', { contactIds: ids, tags: ['Bulk A', 'Bulk B'] });
  expect(repeat.body).toMatchObject({ matched: 3, changed: 0 });

  const removed = await post('/v1/tags/bulk-remove', { contactIds: ids, tags: ['Bulk B'] });
  expect(removed.body).toMatchObject({ matched: 3, changed: 3 });
  for (const id of ids) expect((await t.h.request('GET', `/v1/contacts/${id}`, { key: t.ws.key })).body.tagIds).toEqual([a]);

  const tooMany = await post('/v1/tags/bulk-add', { contactIds: Array.from({ length: 10_001 }, () => missing), tags: ['Bulk A'] });
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.errors).toEqual([{ field: 'body.contactIds', rule: 'must hold at most 10000 contact ids' }]);
  const noTags = await post('/v1/tags/bulk-add', { contactIds: ids });
  expect(noTags.body.errors).toEqual([{ field: 'body.tags', rule: 'must name at least one tag in tags or tagIds' }]);
});

test('deleting a tag is a job that removes it from every contact, with events, then deletes it', async () => {
  const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => newContact(`del${i}@example.com`)));
  const tag = await newTag('Doomed');
  await post('/v1/tags/bulk-add', { contactIds: ids, tagIds: [tag] });
  await t.h.clearOutbox(t.ws.id);

  const res = await t.h.request('DELETE', `/v1/tags/${tag}`, { key: t.ws.key });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ type: 'tag.delete', status: 'queued', total: 12, done: 0 });
  await t.h.api.jobs.drain();
  const job = await t.h.request('GET', `/v1/jobs/${res.body.id}`, { key: t.ws.key });
  expect(job.body).toMatchObject({ status: 'succeeded', total: 12, done: 12 });
  expect((await t.h.request('GET', `/v1/tags/${tag}`, { key: t.ws.key })).status).toBe(404);
  const events = await t.h.outboxEvents(t.ws.id);
  expect(
    events
      .filter((e) => e.type === 'contact.tags_removed')
      .map((e) => e.aggregateId)
      .sort(),
  ).toEqual([...ids].sort());
  expect(events[events.length - 1]).toMatchObject({ type: 'tag.deleted', aggregateId: tag });
  for (const id of ids.slice(0, 3)) expect((await t.h.request('GET', `/v1/contacts/${id}`, { key: t.ws.key })).body.tagIds).toEqual([]);
});

test('a protected tag can be renamed but not deleted', async () => {
  const tag = await newTag('Customer', { protected: true });
  expect((await t.h.request('DELETE', `/v1/tags/${tag}`, { key: t.ws.key })).status).toBe(409);
  expect((await t.h.request('PATCH', `/v1/tags/${tag}`, { key: t.ws.key, body: { name: 'Customers' } })).status).toBe(200);
  expect((await t.h.request('PATCH', `/v1/tags/${tag}`, { key: t.ws.key, body: { protected: false } })).body.protected).toBe(false);
  expect((await t.h.request('DELETE', `/v1/tags/${tag}`, { key: t.ws.key })).status).toBe(202);
});

test('the tag list counts live contacts per tag', async () => {
  const other = await t.h.createWorkspace();
  const one = await newContact('count1@example.com', other.key);
  const two = await newContact('count2@example.com', other.key);
  await t.h.request('POST', `/v1/contacts/${one}/tags/add`, { key: other.key, body: { tags: ['Counted'], createMissing: true } });
  await t.h.request('POST', `/v1/contacts/${two}/tags/add`, { key: other.key, body: { tags: ['Counted'] } });
  await t.h.request('DELETE', `/v1/contacts/${two}`, { key: other.key });
  const list = await t.h.request('GET', '/v1/tags', { key: other.key });
  expect(list.body.items.map((t: { name: string; contactCount: number }) => [t.name, t.contactCount])).toEqual([['Counted', 1]]);
});

test("another workspace's tags and contacts are out of reach", async () => {
  const other = await t.h.createWorkspace();
  const mine = await newTag('Mine');
  const contact = await newContact('tenant@example.com');
  expect((await t.h.request('GET', `/v1/tags/${mine}`, { key: other.key })).status).toBe(404);
  expect((await t.h.request('DELETE', `/v1/tags/${mine}`, { key: other.key })).status).toBe(404);
  expect((await t.h.request('PATCH', `/v1/tags/${mine}`, { key: other.key, body: { name: 'Stolen' } })).status).toBe(404);
  const foreignTag = await t.h.request('POST', `/v1/contacts/${contact}/tags/add`, { key: other.key, body: { tagIds: [mine] } });
  expect(foreignTag.status).toBe(404); // the contact is not theirs
  const theirContact = await newContact('theirs@example.com', other.key);
  const crossTag = await t.h.request('POST', `/v1/contacts/${theirContact}/tags/add`, { key: other.key, body: { tagIds: [mine] } });
  expect(crossTag.status).toBe(400); // our tag id is not a tag of theirs
  const bulk = await t.h.request('POST', '/v1/tags/bulk-add', { key: other.key, body: { contactIds: [contact], tags: ['X'], createMissing: true } });
  expect(bulk.body).toMatchObject({ matched: 0, changed: 0 });
  expect((await t.h.request('GET', `/v1/contacts/${contact}`, { key: t.ws.key })).body.tagIds).toEqual([]);
});

test('a tag being deleted cannot be protected, and tagging with it afterwards is refused', async () => {
  const contact = await newContact('late@example.com');
  const tag = await newTag('Going');
  const job = await t.h.request('DELETE', `/v1/tags/${tag}`, { key: t.ws.key });
  expect(job.status).toBe(202);
  const protect = await t.h.request('PATCH', `/v1/tags/${tag}`, { key: t.ws.key, body: { protected: true } });
  expect(protect.status).toBe(409);
  await t.h.api.jobs.drain();
  expect((await post(`/v1/contacts/${contact}/tags/add`, { tagIds: [tag] })).status).toBe(400);
});

describe('GET /v1/tags pages by name', () => {
  const names = (items: { name: string }[]) => items.map((tag) => tag.name);

  test('every tag once, in name order; tags created while paging are neither repeated nor skipped; other workspaces stay out', async () => {
    const ws = await t.h.createWorkspace();
    const other = await t.h.createWorkspace();
    for (const name of ['t03', 't05', 't07', 't09', 't11', 't13', 't15']) expect((await post('/v1/tags', { name }, ws.key)).status).toBe(201);
    expect((await post('/v1/tags', { name: 't08' }, other.key)).status).toBe(201);

    const walked = await walkList(t.h, ws.key, '/v1/tags', 3, async (pagesRead) => {
      // After the first page (t03 t05 t07): one tag before the cursor, one after it.
      if (pagesRead === 1) for (const name of ['t01', 't14']) await post('/v1/tags', { name }, ws.key);
    });
    expect(walked.pages.map(names)).toEqual([
      ['t03', 't05', 't07'],
      ['t09', 't11', 't13'],
      ['t14', 't15'],
    ]);
    expect(names((await walkList(t.h, ws.key, '/v1/tags', 1000)).items)).toEqual(['t01', 't03', 't05', 't07', 't09', 't11', 't13', 't14', 't15']);
    expect(names((await walkList(t.h, other.key, '/v1/tags', 1000)).items)).toEqual(['t08']);
  });

  test('without limit, a page holds 100 tags', async () => {
    const ws = await t.h.createWorkspace();
    for (let i = 0; i < 101; i++) await post('/v1/tags', { name: `many-${String(i).padStart(3, '0')}` }, ws.key);
    const first = await t.h.request('GET', '/v1/tags', { key: ws.key });
    expect(first.body.items).toHaveLength(100);
    const rest = await t.h.request('GET', `/v1/tags?cursor=${first.body.nextCursor}`, { key: ws.key });
    expect([names(rest.body.items), rest.body.nextCursor]).toEqual([['many-100'], null]);
  });

  test('limit and cursor are checked', async () => {
    const ws = await t.h.createWorkspace();
    for (const name of ['a', 'b']) await post('/v1/tags', { name }, ws.key);
    for (const key of ['k1', 'k2']) await post('/v1/custom-fields', { key, type: 'string' }, ws.key);
    const foreign = (await t.h.request('GET', '/v1/custom-fields?limit=1', { key: ws.key })).body.nextCursor;
    await expectPagingChecks(t.h, ws.key, '/v1/tags', foreign);
  });
});
