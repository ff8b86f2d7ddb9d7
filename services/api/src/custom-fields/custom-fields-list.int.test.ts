// GET /v1/custom-fields as a client pages it: by key, every definition once, definitions added
// while paging neither repeated nor skipped, and the answer still says how many a workspace may hold.
import { useApiHarness } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';

const t = useApiHarness();

const define = async (key: string, apiKey: string, type = 'string') =>
  expect((await t.h.request('POST', '/v1/custom-fields', { key: apiKey, body: { key, type } })).status).toBe(201);
const keysOf = (items: { key: string }[]) => items.map((d) => d.key);

test('every definition once, by key; definitions added while paging are neither repeated nor skipped; other workspaces stay out', async () => {
  const ws = await t.h.createWorkspace();
  const other = await t.h.createWorkspace();
  for (const key of ['f03', 'f05', 'f07', 'f09', 'f11', 'f13', 'f15']) await define(key, ws.key);
  await define('f08', other.key);
  const walked = await walkList(t.h, ws.key, '/v1/custom-fields', 3, async (pagesRead) => {
    if (pagesRead === 1) for (const key of ['f01', 'f14']) await define(key, ws.key, 'number');
  });
  expect(walked.pages.map(keysOf)).toEqual([
    ['f03', 'f05', 'f07'],
    ['f09', 'f11', 'f13'],
    ['f14', 'f15'],
  ]);
  expect(walked.items[0]).toEqual({ key: 'f03', type: 'string', createdAt: expect.any(String) });
  expect(keysOf((await walkList(t.h, other.key, '/v1/custom-fields', 1000)).items)).toEqual(['f08']);
});

test('each page keeps `limit`: how many definitions a workspace may hold, whatever the page size', async () => {
  const ws = await t.h.createWorkspace();
  for (const key of ['a', 'b']) await define(key, ws.key);
  const page = await t.h.request('GET', '/v1/custom-fields?limit=1', { key: ws.key });
  expect(page.body).toEqual({ items: [expect.objectContaining({ key: 'a' })], nextCursor: expect.any(String), limit: 100 });
  expect((await t.h.request('GET', '/v1/custom-fields', { key: ws.key })).body).toEqual({
    items: [expect.objectContaining({ key: 'a' }), expect.objectContaining({ key: 'b' })],
    nextCursor: null,
    limit: 100,
  });
});

test('limit and cursor are checked', async () => {
  const ws = await t.h.createWorkspace();
  for (const key of ['a', 'b']) await define(key, ws.key);
  for (const name of ['a', 'b']) await t.h.request('POST', '/v1/tags', { key: ws.key, body: { name } });
  const foreign = (await t.h.request('GET', '/v1/tags?limit=1', { key: ws.key })).body.nextCursor;
  await expectPagingChecks(t.h, ws.key, '/v1/custom-fields', foreign);
});
