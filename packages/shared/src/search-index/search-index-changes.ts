// The record of which workspaces' documents changed in the search index, written only once the
// change is searchable: a refresh of the index first, then a new seq per workspace in
// search_index_changes. Readers that cache what they read from the index (the api's count cache)
// poll the rows past the last seq they saw and drop what those workspaces had cached. Recording
// after the refresh is what makes the rule safe: a count computed before the refresh was computed
// under the old seq, so it stops being served as soon as the new seq is read.
import type { EsClient } from '../elasticsearch/es-client';
import type { Queryable } from '../db/pg-pool';

/** The row that stands for every workspace: an index swapped under the alias changes them all. */
export const EVERY_WORKSPACE = '00000000-0000-0000-0000-000000000000';

export interface SearchIndexChange {
  workspaceId: string;
  seq: number;
}

/**
 * Records that `workspaceIds` changed (each gets a new seq). Call it only after the change is
 * searchable (announceSearchIndexChanges refreshes first). Sorted, so two writers recording
 * overlapping sets lock the rows in one order.
 */
export async function recordSearchIndexChanges(db: Queryable, workspaceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(workspaceIds)].sort();
  if (ids.length === 0) return;
  await db.query(
    `insert into search_index_changes (workspace_id, seq)
     select w, nextval('search_index_change_seq') from unnest($1::uuid[]) as w order by w
     on conflict (workspace_id) do update set seq = excluded.seq, changed_at = now()`,
    [ids],
  );
}

/** Makes the index's acknowledged writes searchable (a refresh of what `alias` reads), then records `workspaceIds` as changed. */
export async function announceSearchIndexChanges(es: EsClient, alias: string, db: Queryable, workspaceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(workspaceIds)];
  if (ids.length === 0) return;
  await es.indices.refresh({ index: alias, ignore_unavailable: true });
  await recordSearchIndexChanges(db, ids);
}

/** The changes recorded after `afterSeq`, oldest first, at most `limit`. */
export async function changesSince(db: Queryable, afterSeq: number, limit = 10_000): Promise<SearchIndexChange[]> {
  const { rows } = await db.query('select workspace_id, seq from search_index_changes where seq > $1 order by seq limit $2', [afterSeq, limit]);
  return rows.map((r) => ({ workspaceId: r.workspace_id as string, seq: Number(r.seq) }));
}

/** The newest seq recorded so far (0 when none): where a reader that starts with nothing cached begins. */
export async function latestChangeSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query('select coalesce(max(seq), 0) as seq from search_index_changes');
  return Number(rows[0].seq);
}
