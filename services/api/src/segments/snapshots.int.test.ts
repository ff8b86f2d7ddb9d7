// Audience snapshots as a client manages them: listed newest first and paged, read, deleted (a
// building one stops its job), and gone once their time to live has passed. The job runner is
// driven by hand, so a snapshot can be caught while it is building.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
const HOUR = 3600_000;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: false, snapshotChunkSize: 2 });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: Array.from({ length: 5 }, (_, i) => ({ email: `p${i}@example.com` })),
  });
  expect(batch.body.summary.created).toBe(5);
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

/** Starts a snapshot of every contact; `build` runs its job to the end. */
async function snapshot(build = true): Promise<{ id: string; jobId: string }> {
  const started = await call('POST', '/v1/segments/snapshots', { query: { text: 'email IS NOT EMPTY' } });
  expect(started.status).toBe(202);
  if (build) await h.api.jobs.drain();
  return { id: started.body.snapshot.id, jobId: started.body.job.id };
}

const chunkRows = async (id: string) =>
  Number((await h.env.pool.query('select count(*) from audience_snapshot_chunks where snapshot_id = $1', [id])).rows[0].count);

test('a snapshot shows when it expires: its creation plus the time to live (168 hours by default)', async () => {
  const { id } = await snapshot();
  const read = await call('GET', `/v1/snapshots/${id}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id, status: 'ready', total: 5, segmentId: null });
  expect(Date.parse(read.body.expiresAt) - Date.parse(read.body.createdAt)).toBe(168 * HOUR);
});

test('the list is newest first, pages with limit and cursor, and shows only this workspace', async () => {
  const made = [(await snapshot()).id, (await snapshot()).id, (await snapshot()).id];
  // Taken within the same millisecond, they still order by their microseconds (then id).
  await h.env.pool.query(
    "update audience_snapshots set created_at = date_trunc('milliseconds', now()) + interval '1 hour' + (interval '1 microsecond' * array_position($1::uuid[], id)) where id = any($1::uuid[])",
    [made],
  );
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: any = await call('GET', `/v1/snapshots?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.body.items.map((s: { id: string }) => s.id));
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor);
  expect(seen.slice(0, 3)).toEqual([...made].reverse());
  expect(new Set(seen).size).toBe(seen.length);
  expect(pages).toBe(Math.ceil(seen.length / 2));
  expect((await call('GET', '/v1/snapshots', undefined, other.key)).body).toEqual({ items: [], nextCursor: null });
});

test('bad list options are 400s naming the field', async () => {
  // A well-formed cursor of another list, and one of this list holding a key that is no time and id.
  const cursorOf = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  for (const [query, field] of [
    ['limit=0', 'query.limit'],
    ['cursor=nonsense', 'query.cursor'],
    ['sort=old', 'query'],
    [`cursor=${cursorOf(['tags', 'VIP'])}`, 'query.cursor'],
    [`cursor=${cursorOf(['snapshots', 'yesterday', 'nope'])}`, 'query.cursor'],
  ] as const) {
    const res = await call('GET', `/v1/snapshots?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  }
});

test('DELETE removes the snapshot and its chunks; then it is 404 everywhere, and another workspace cannot delete it', async () => {
  const { id } = await snapshot();
  expect(await chunkRows(id)).toBe(3); // 5 ids, 2 per chunk
  expect((await call('DELETE', `/v1/snapshots/${id}`, undefined, other.key)).status).toBe(404);
  expect((await call('GET', `/v1/snapshots/${id}`)).status).toBe(200);
  const deleted = await call('DELETE', `/v1/snapshots/${id}`);
  expect(deleted.status).toBe(204);
  expect(await chunkRows(id)).toBe(0);
  expect((await call('GET', `/v1/snapshots/${id}`)).status).toBe(404);
  expect((await call('GET', `/v1/snapshots/${id}/members`)).status).toBe(404);
  expect((await call('DELETE', `/v1/snapshots/${id}`)).status).toBe(404);
  expect((await call('GET', '/v1/snapshots?limit=1000')).body.items.map((s: { id: string }) => s.id)).not.toContain(id);
});

test('deleting a snapshot that is still building stops its job cleanly', async () => {
  const { id, jobId } = await snapshot(false);
  await h.api.jobs.runOnce(); // the first chunk: 2 of 5 ids
  expect((await call('GET', `/v1/snapshots/${id}`)).body).toMatchObject({ status: 'building', total: 2 });
  expect((await call('DELETE', `/v1/snapshots/${id}`)).status).toBe(204);
  await h.api.jobs.drain();
  const job = (await call('GET', `/v1/jobs/${jobId}`)).body;
  expect(job).toMatchObject({ status: 'succeeded', result: { snapshotId: id, stopped: 'the snapshot was deleted' } });
  expect(await chunkRows(id)).toBe(0);
});

test('an expired snapshot is 404 at once and housekeeping deletes it; one inside its time to live stays', async () => {
  const expired = (await snapshot()).id;
  const fresh = (await snapshot()).id;
  await h.env.pool.query("update audience_snapshots set created_at = now() - interval '168 hours 1 second' where id = $1", [expired]);
  await h.env.pool.query("update audience_snapshots set created_at = now() - interval '167 hours' where id = $1", [fresh]);
  expect((await call('GET', `/v1/snapshots/${expired}`)).status).toBe(404);
  expect((await call('GET', `/v1/snapshots/${expired}/members`)).status).toBe(404);
  expect((await call('GET', '/v1/snapshots?limit=1000')).body.items.map((s: { id: string }) => s.id)).not.toContain(expired);
  expect((await call('GET', `/v1/snapshots/${fresh}/members`)).body.contactIds).toHaveLength(5);

  await h.api.housekeeping.runOnce();
  expect((await h.env.pool.query('select id from audience_snapshots where id = any($1::uuid[])', [[expired, fresh]])).rows.map((r) => r.id)).toEqual([fresh]);
  expect(await chunkRows(expired)).toBe(0);
});

test('bad snapshot ids are 400s naming the parameter', async () => {
  for (const [method, path] of [
    ['GET', '/v1/snapshots/nope'],
    ['DELETE', '/v1/snapshots/nope'],
  ] as const) {
    const res = await call(method, path);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'params.id', rule: 'must be a snapshot id (UUID)' }]);
  }
});

test('relative dates count from the moment the snapshot was asked for, in every chunk', async () => {
  // Contacts created now; a snapshot of "created more than 1 day ago" asked for (as if) 3 days from now:
  // counted from its own moment they are members, counted from the moment a chunk runs they would not be.
  const started = await call('POST', '/v1/segments/snapshots', { query: { text: 'created MORE THAN 1 DAYS AGO' } });
  expect(started.status).toBe(202);
  const id = started.body.snapshot.id as string;
  await h.env.pool.query("update audience_snapshots set created_at = now() + interval '3 days' where id = $1", [id]);
  await h.api.jobs.drain();
  const read = await call('GET', `/v1/snapshots/${id}`);
  expect(read.body).toMatchObject({ status: 'ready', total: 5 });
  // The same condition counted now matches none of them.
  const counted = await call('POST', '/v1/segments/count', { queries: [{ text: 'created MORE THAN 1 DAYS AGO' }] });
  expect(counted.body.results[0].total).toBe(0);
});
