// Audience snapshots: freeze a segment's members at send time, then page through them later
// however the segment changes. Built by a job that walks one point in time of the index (a
// consistent view for the whole freeze) 10,000 ids per chunk, each chunk committed on its own with
// the cursor, so a restart resumes; ids are stored as uuid[] rows, 10,000 to a row.
import { compileToElasticsearch, Condition, EsClient, PoolClient, workspaceSearch } from '@segmenter/shared';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';

export const SNAPSHOT_JOB = 'audience.snapshot';
export const SNAPSHOT_CHUNK = 10_000;
const KEEP_ALIVE = '10m';

export interface SnapshotJobState {
  snapshotId: string;
  pit: string | null;
  after: string | null;
  chunk: number;
}

export async function insertSnapshot(client: Pick<PoolClient, 'query'>, workspaceId: string, segmentId: string | null, condition: Condition): Promise<string> {
  const { rows } = await client.query('insert into audience_snapshots (workspace_id, segment_id, condition) values ($1, $2, $3) returning id', [workspaceId, segmentId, JSON.stringify(condition)]);
  return rows[0].id;
}

export function createSnapshotChunk(options: { es: EsClient; alias: string; chunkSize?: number }) {
  const { es, alias } = options;
  const chunkSize = options.chunkSize ?? SNAPSHOT_CHUNK;
  return async function snapshotChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as SnapshotJobState;
    const workspaceId = job.workspaceId!;
    const { rows } = await client.query('select condition, status from audience_snapshots where id = $1 and workspace_id = $2', [state.snapshotId, workspaceId]);
    if (!rows[0] || rows[0].status !== 'building') {
      if (state.pit) await es.closePointInTime({ id: state.pit }).catch(() => undefined);
      return { processed: 0, finished: true };
    }
    const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(rows[0].condition as Condition)]);
    const opened = state.pit === null;
    const pit = state.pit ?? (await es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE })).id;
    try {
      const page = await es.search({
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        size: chunkSize,
        query: search.query,
        sort: [{ contact_id: 'asc' }],
        _source: false,
        track_total_hits: false,
        ...(state.after ? { search_after: [state.after] } : {}),
      });
      const ids = page.hits.hits.map((h) => h._id!);
      if (ids.length > 0) {
        await client.query('insert into audience_snapshot_chunks (snapshot_id, chunk, contact_ids) values ($1, $2, $3::uuid[]) on conflict do nothing', [state.snapshotId, state.chunk, ids]);
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
export async function snapshotMembers(client: Pick<PoolClient, 'query'>, snapshotId: string, cursor: string | undefined, limit: number): Promise<SnapshotPage> {
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
