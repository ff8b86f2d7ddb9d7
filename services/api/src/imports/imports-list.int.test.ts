// GET /v1/imports as a client pages it: newest first, every import once, an import created while
// paging neither repeated nor shifting the pages after it, imports of one instant told apart by id.
import { useApiHarness } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';

const t = useApiHarness();

async function createImport(key: string, fileName: string): Promise<string> {
  const res = await t.h.request('POST', '/v1/imports', { key, body: { fileName } });
  expect(res.status).toBe(201);
  return res.body.id;
}
const ids = (items: { id: string }[]) => items.map((i) => i.id);

test('every import once, newest first; an import created while paging is not repeated; other workspaces stay out', async () => {
  const ws = await t.h.createWorkspace();
  const other = await t.h.createWorkspace();
  const created: string[] = [];
  for (let i = 0; i < 7; i++) created.push(await createImport(ws.key, `file-${i}.csv`));
  const theirs = await createImport(other.key, 'theirs.csv');

  let late = '';
  const walked = await walkList(t.h, ws.key, '/v1/imports', 3, async (pagesRead) => {
    if (pagesRead === 1) late = await createImport(ws.key, 'late.csv');
  });
  const newestFirst = [...created].reverse();
  expect(walked.pages.map(ids)).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
  expect(walked.items[0]).toMatchObject({ id: newestFirst[0], status: 'awaiting_file', fileName: 'file-6.csv' });
  expect(ids((await walkList(t.h, ws.key, '/v1/imports', 1000)).items)).toEqual([late, ...newestFirst]);
  expect(ids((await walkList(t.h, other.key, '/v1/imports', 1000)).items)).toEqual([theirs]);
});

test('imports created in the same millisecond, or the same microsecond, are each listed once', async () => {
  const ws = await t.h.createWorkspace();
  const imports: string[] = [];
  for (let i = 0; i < 5; i++) imports.push(await createImport(ws.key, `instant-${i}.csv`));
  const micros = ['000001', '000003', '000003', '000002', '000005'];
  for (const [i, id] of imports.entries())
    await t.h.env.pool.query('update imports set created_at = $2 where id = $1', [id, `2026-03-01T12:00:00.${micros[i]}Z`]);
  const [tieHigh, tieLow] = [imports[1]!, imports[2]!].sort().reverse();
  const expected = [imports[4], tieHigh, tieLow, imports[3], imports[0]];
  for (const limit of [1, 2, 3]) expect(ids((await walkList(t.h, ws.key, '/v1/imports', limit)).items)).toEqual(expected);
});

test('limit and cursor are checked', async () => {
  const ws = await t.h.createWorkspace();
  for (const name of ['a', 'b']) {
    const tag = await t.h.request('POST', '/v1/tags', { key: ws.key, body: { name } });
    expect((await t.h.request('DELETE', `/v1/tags/${tag.body.id}`, { key: ws.key })).status).toBe(202);
  }
  // A jobs cursor holds a time and an id too: it is refused because it names another list.
  const foreign = (await t.h.request('GET', '/v1/jobs?limit=1', { key: ws.key })).body.nextCursor;
  expect(foreign).toEqual(expect.any(String));
  await expectPagingChecks(t.h, ws.key, '/v1/imports', foreign);
});
