// Audience snapshots: freeze a segment's members at send time, then page through them later
// however the segment changes. Built by a job that walks one point in time of the index (a
// consistent view for the whole freeze) 10,000 ids per chunk, each chunk committed on its own with
// the cursor, so a restart resumes; ids are stored as uuid[] rows, 10,000 to a row.
import { compileToElasticsearch, Condition, EsClient, PoolClient, type Queryable, workspaceSearch } from '@segmenter/shared';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';
import { chargeSearchCost } from '../http/rate-limits';
import { memberPassCost } from '../http/search-cost';
import { completeOrThrow, searchTime } from '../http/search-timeouts';
import { microsecondIso, newestFirstPage, newestFirstSql } from '../http/list-keys';
import type { ListPage, ListQuery } from '../http/list-page';
import { SEGMENT_ACTION_JOB, SNAPSHOT_JOB } from './segment-job-types';

export { SNAPSHOT_JOB };
const SNAPSHOT_CHUNK = 10_000;
/** The time to live when none is configured (config: SNAPSHOT_TTL_HOURS, the same default). */
export const DEFAULT_SNAPSHOT_TTL_HOURS = 168;
const KEEP_ALIVE = '10m';

export interface SnapshotJobState {
  snapshotId: string;
  pit: string | null;
  after: string | null;
  chunk: number;
}

/** Records a snapshot to build; the freeze (a pass over every member) is charged to the request's key. */
export async function insertSnapshot(client: Queryable, workspaceId: string, segmentId: string | null, condition: Condition): Promise<string> {
  await chargeSearchCost(memberPassCost(condition), 'body');
  const { rows } = await client.query('insert into audience_snapshots (workspace_id, segment_id, condition) values ($1, $2, $3) returning id', [
    workspaceId,
    segmentId,
    JSON.stringify(condition),
  ]);
  return rows[0].id;
}

export function createSnapshotChunk(options: { es: EsClient; alias: string; chunkSize?: number }) {
  const { es, alias } = options;
  const chunkSize = options.chunkSize ?? SNAPSHOT_CHUNK;
  return async function snapshotChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as SnapshotJobState;
    const workspaceId = job.workspaceId!;
    // Locked for the chunk: a DELETE waits until this chunk commits, then the next chunk finds no
    // row and stops (rather than this one failing on its chunk insert).
    const { rows } = await client.query('select condition, status, created_at from audience_snapshots where id = $1 and workspace_id = $2 for no key update', [
      state.snapshotId,
      workspaceId,
    ]);
    if (!rows[0] || rows[0].status !== 'building') {
      if (state.pit) await es.closePointInTime({ id: state.pit }).catch(() => undefined);
      if (!rows[0]) await saveJobState(client, job.id, { ...state, pit: null }, { snapshotId: state.snapshotId, stopped: 'the snapshot was deleted' });
      return { processed: 0, finished: true };
    }
    // Relative dates count from the moment the snapshot was asked for, in every chunk: a freeze that
    // runs across midnight UTC keeps one "today" (and one query for its point in time).
    const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(rows[0].condition as Condition, { now: new Date(rows[0].created_at) })]);
    const opened = state.pit === null;
    const time = searchTime(es);
    const pit = state.pit ?? (await es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE }, time.options)).id;
    try {
      // A page that timed out is partial: it throws (the chunk runs again) rather than freeze a short list.
      const page = completeOrThrow(
        await es.search(
          {
            ...time.body,
            pit: { id: pit, keep_alive: KEEP_ALIVE },
            size: chunkSize,
            query: search.query,
            sort: [{ contact_id: 'asc' }],
            _source: false,
            track_total_hits: false,
            ...(state.after ? { search_after: [state.after] } : {}),
          },
          time.options,
        ),
      );
      const ids = page.hits.hits.map((h) => h._id!);
      if (ids.length > 0) {
        await client.query('insert into audience_snapshot_chunks (snapshot_id, chunk, contact_ids) values ($1, $2, $3::uuid[]) on conflict do nothing', [
          state.snapshotId,
          state.chunk,
          ids,
        ]);
        await client.query('update audience_snapshots set total = total + $2 where id = $1', [state.snapshotId, ids.length]);
      }
      if (ids.length < chunkSize) {
        await client.query("update audience_snapshots set status = 'ready', ready_at = now() where id = $1", [state.snapshotId]);
        await es.closePointInTime({ id: page.pit_id ?? pit }).catch(() => undefined);
        return { processed: ids.length, finished: true };
      }
      await saveJobState(client, job.id, { ...state, pit: page.pit_id ?? pit, after: ids[ids.length - 1]!, chunk: state.chunk + 1 });
      return { processed: ids.length, finished: false };
    } catch (err) {
      // The point in time expired (the job stalled past keep-alive): the freeze cannot continue
      // on the same view, so the snapshot fails rather than mixing two moments.
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) {
        await client.query("update audience_snapshots set status = 'failed' where id = $1", [state.snapshotId]);
        return { processed: 0, finished: true };
      }
      // This chunk rolls back and will run again, opening its own point in time: close this one.
      if (opened) await es.closePointInTime({ id: pit }).catch(() => undefined);
      throw err;
    }
  };
}

export interface SnapshotPage {
  contactIds: string[];
  nextCursor: string | null;
}

/** A page of a ready snapshot: `cursor` is "<chunk>.<offset>", opaque to clients. */
export async function snapshotMembers(client: Queryable, snapshotId: string, cursor: string | undefined, limit: number): Promise<SnapshotPage> {
  let [chunk, offset] = cursor ? (cursor.split('.').map(Number) as [number, number]) : [0, 0];
  const contactIds: string[] = [];
  while (contactIds.length < limit) {
    // Chunks are numbered 0, 1, 2, ... without gaps; a missing one is the end.
    const { rows } = await client.query(
      'select contact_ids[$3 + 1 : $3 + $4] as ids, cardinality(contact_ids) as size from audience_snapshot_chunks where snapshot_id = $1 and chunk = $2',
      [snapshotId, chunk, offset, limit - contactIds.length],
    );
    if (!rows[0] || rows[0].ids.length === 0) return { contactIds, nextCursor: null };
    contactIds.push(...rows[0].ids);
    offset += rows[0].ids.length;
    if (offset >= rows[0].size) [chunk, offset] = [chunk + 1, 0];
  }
  return { contactIds, nextCursor: `${chunk}.${offset}` };
}

export interface Snapshot {
  id: string;
  segmentId: string | null;
  status: 'building' | 'ready' | 'failed';
  total: number;
  createdAt: string;
  readyAt: string | null;
  /** createdAt plus the configured time to live; after it the snapshot is gone (404). */
  expiresAt: string;
  error?: string;
}

/** The name list cursors carry, so one made for another list is refused. */
const SNAPSHOT_LIST = 'snapshots';

/** A snapshot whose time to live has passed is treated as gone before housekeeping deletes it. */
const LIVE = 's.created_at > now() - make_interval(hours => $2::int)';
const SNAPSHOT_COLUMNS = `
  s.id, s.segment_id, s.total, s.status as own_status, s.created_at, s.ready_at,
  ${microsecondIso('(s.created_at + make_interval(hours => $2::int))')} as expires_at,
  j.status as job_status, j.error`;
// A snapshot whose job gave up (after its retries) is failed, whatever its own row says: its own
// job, or the bulk action that froze it (an action's snapshot is built by the action's job).
const SNAPSHOT_JOB_JOIN = `left join lateral (
    select status, error from jobs j where j.workspace_id = s.workspace_id and j.type in ('${SNAPSHOT_JOB}', '${SEGMENT_ACTION_JOB}')
       and j.params->>'snapshotId' = s.id::text limit 1) j on true`;

interface SnapshotRow {
  id: string;
  segment_id: string | null;
  total: number;
  own_status: Snapshot['status'];
  created_at: Date;
  ready_at: Date | null;
  expires_at: string;
  job_status: string | null;
  error: string | null;
}

function toSnapshot(r: SnapshotRow): Snapshot {
  const status = r.own_status === 'building' && r.job_status === 'failed' ? 'failed' : r.own_status;
  return {
    id: r.id,
    segmentId: r.segment_id,
    status,
    total: r.total,
    createdAt: r.created_at.toISOString(),
    readyAt: r.ready_at?.toISOString() ?? null,
    expiresAt: new Date(r.expires_at).toISOString(),
    ...(status === 'failed' && r.error ? { error: r.error } : {}),
  };
}

/** A live (unexpired) snapshot of the workspace. */
export async function findSnapshot(client: Queryable, workspaceId: string, id: string, ttlHours: number): Promise<Snapshot | undefined> {
  const { rows } = await client.query<SnapshotRow>(
    `select ${SNAPSHOT_COLUMNS} from audience_snapshots s ${SNAPSHOT_JOB_JOIN} where s.workspace_id = $1 and ${LIVE} and s.id = $3`,
    [workspaceId, ttlHours, id],
  );
  return rows[0] ? toSnapshot(rows[0]) : undefined;
}

/** A page of the workspace's live snapshots, newest first (creation time to the microsecond, then id). */
export async function listSnapshots(client: Queryable, workspaceId: string, ttlHours: number, page: ListQuery): Promise<ListPage<Snapshot>> {
  const sql = newestFirstSql('s.', 3, 4);
  const { items, nextCursor } = await newestFirstPage(page, SNAPSHOT_LIST, async (after, limit) => {
    const { rows } = await client.query<SnapshotRow & { list_time: string }>(
      `select ${SNAPSHOT_COLUMNS}, ${sql.cursorColumn} from audience_snapshots s ${SNAPSHOT_JOB_JOIN}
        where s.workspace_id = $1 and ${LIVE} and ${sql.after} order by ${sql.orderBy} limit $5`,
      [workspaceId, ttlHours, after.time, after.id, limit],
    );
    return rows;
  });
  return { items: items.map(toSnapshot), nextCursor };
}

/**
 * Deletes a live snapshot and its chunks; a job still building it stops at its next chunk. The
 * lock waits for a chunk in progress. Answers what happened, for the route to word.
 */
export async function deleteSnapshot(
  client: Queryable,
  workspaceId: string,
  id: string,
  ttlHours: number,
): Promise<'deleted' | 'not_found' | { usedByJob: string }> {
  const { rows } = await client.query(`select s.id from audience_snapshots s where s.workspace_id = $1 and ${LIVE} and s.id = $3 for update`, [
    workspaceId,
    ttlHours,
    id,
  ]);
  if (!rows[0]) return 'not_found';
  // A bulk action applies itself from its snapshot: deleting it under the job would fail the job half done.
  const { rows: using } = await client.query(
    `select id from jobs where workspace_id = $1 and type = $2 and status in ('queued', 'running') and params->>'snapshotId' = $3 limit 1`,
    [workspaceId, SEGMENT_ACTION_JOB, id],
  );
  if (using[0]) return { usedByJob: using[0].id };
  await client.query('delete from audience_snapshots where workspace_id = $1 and id = $2', [workspaceId, id]);
  return 'deleted';
}

/** Housekeeping: deletes up to `limit` expired snapshots (their chunks cascade); returns how many. */
export async function deleteExpiredSnapshots(client: Queryable, ttlHours: number, limit: number): Promise<number> {
  // Not under a running bulk action: it is deleted once the action ended (the next pass).
  const { rowCount } = await client.query(
    `delete from audience_snapshots where id in (
       select s.id from audience_snapshots s
        where s.created_at <= now() - make_interval(hours => $1::int)
          and not exists (select 1 from jobs j where j.workspace_id = s.workspace_id and j.type = $3 and j.status in ('queued', 'running') and j.params->>'snapshotId' = s.id::text)
        limit $2)`,
    [ttlHours, limit, SEGMENT_ACTION_JOB],
  );
  return rowCount ?? 0;
}
