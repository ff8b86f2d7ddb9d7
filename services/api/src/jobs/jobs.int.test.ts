// GET /v1/jobs as a client pages it: newest first, every job once, a job started while paging
// neither repeated nor shifting the pages after it, jobs of one instant told apart by id.
import { useApiHarness } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';

const t = useApiHarness();

/** A job the way a client starts one: deleting a tag (no job runner here, so it stays queued). */
async function startJob(key: string, name: string): Promise<string> {
  const tag = await t.h.request('POST', '/v1/tags', { key, body: { name } });
  const deletion = await t.h.request('DELETE', `/v1/tags/${tag.body.id}`, { key });
  expect(deletion.status).toBe(202);
  return deletion.body.id;
}
const ids = (items: { id: string }[]) => items.map((job) => job.id);

test('every job once, newest first; a job started while paging is not repeated; other workspaces stay out', async () => {
  const ws = await t.h.createWorkspace();
  const other = await t.h.createWorkspace();
  const started: string[] = [];
  for (let i = 0; i < 7; i++) started.push(await startJob(ws.key, `job-${i}`));
  const theirs = await startJob(other.key, 'theirs');

  let late = '';
  const walked = await walkList(t.h, ws.key, '/v1/jobs', 3, async (pagesRead) => {
    if (pagesRead === 1) late = await startJob(ws.key, 'late');
  });
  const newestFirst = [...started].reverse();
  expect(walked.pages.map(ids)).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
  expect(ids((await walkList(t.h, ws.key, '/v1/jobs', 1000)).items)).toEqual([late, ...newestFirst]);
  expect(ids((await walkList(t.h, other.key, '/v1/jobs', 1000)).items)).toEqual([theirs]);
});

test('jobs created in the same millisecond, or the same microsecond, are each listed once', async () => {
  const ws = await t.h.createWorkspace();
  const jobs: string[] = [];
  for (let i = 0; i < 5; i++) jobs.push(await startJob(ws.key, `instant-${i}`));
  // Times a client cannot arrange: microseconds apart within one millisecond, two of them equal.
  const micros = ['000001', '000003', '000003', '000002', '000005'];
  for (const [i, id] of jobs.entries()) await t.h.env.pool.query('update jobs set created_at = $2 where id = $1', [id, `2026-03-01T12:00:00.${micros[i]}Z`]);
  const [tieHigh, tieLow] = [jobs[1]!, jobs[2]!].sort().reverse();
  const expected = [jobs[4], tieHigh, tieLow, jobs[3], jobs[0]];
  for (const limit of [1, 2, 3]) expect(ids((await walkList(t.h, ws.key, '/v1/jobs', limit)).items)).toEqual(expected);
});

test('limit and cursor are checked', async () => {
  const ws = await t.h.createWorkspace();
  for (const name of ['a', 'b']) await t.h.request('POST', '/v1/tags', { key: ws.key, body: { name } });
  const foreign = (await t.h.request('GET', '/v1/tags?limit=1', { key: ws.key })).body.nextCursor;
  await expectPagingChecks(t.h, ws.key, '/v1/jobs', foreign);
  // A cursor of the right list whose key was tampered with: still a 400, not a database error.
  const forged = (key: string[]) => Buffer.from(JSON.stringify(['jobs', ...key])).toString('base64url');
  for (const key of [
    ['2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'],
    ['2026-01-01T00:00:00.000000Z', 'nope'],
    ['yesterday', 'x'],
  ]) {
    const res = await t.h.request('GET', `/v1/jobs?cursor=${forged(key)}`, { key: ws.key });
    expect([res.status, res.body.errors]).toEqual([400, [{ field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' }]]);
  }
});
