// The record of which workspaces' documents changed in the search index, written only once the
// change is searchable: a refresh of the index first, then a new seq per workspace in
// search_index_changes. Readers that cache what they read from the index (the api's count cache)
// poll the rows past the last seq they saw and drop what those workspaces had cached. Recording
// after the refresh is what makes the rule safe: a count computed before the refresh was computed
// under the old seq, so it stops being served as soon as the new seq is read.
import type { EsClient } from '../elasticsearch/es-client';
import { inTransaction, type Pool, type Queryable } from '../db/pg-pool';

/** The row that stands for every workspace: an index swapped under the alias changes them all. */
export const EVERY_WORKSPACE = '00000000-0000-0000-0000-000000000000';

export interface SearchIndexChange {
  workspaceId: string;
  seq: number;
}

/** Held while a seq is taken and committed: a lock id of this table's own. */
const RECORD_LOCK = 0x5e9c_4a11;

/**
 * Records that `workspaceIds` changed (each gets a new seq), in a transaction of its own. Call it
 * only after the change is searchable (announceSearchIndexChanges refreshes first).
 * Readers ask for seq > the last one they saw, so seqs must become visible in the order they are
 * taken: with two writers (several indexers, a job) a seq taken first could otherwise commit
 * after a higher one a reader has already passed, and be skipped for good. One advisory lock held
 * from the nextval to the commit serialises the few writers (about one record a second each).
 */
export async function recordSearchIndexChanges(pool: Pool, workspaceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(workspaceIds)].sort();
  if (ids.length === 0) return;
  await inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [RECORD_LOCK]);
    await client.query(
      `insert into search_index_changes (workspace_id, seq)
       select w, nextval('search_index_change_seq') from unnest($1::uuid[]) as w order by w
       on conflict (workspace_id) do update set seq = excluded.seq, changed_at = now()`,
      [ids],
    );
  });
}

/**
 * Makes the index's acknowledged writes searchable (a refresh of what `alias` reads), then records
 * `workspaceIds` as changed. It takes the pool, never a caller's transaction: a record must commit
 * at once and on its own (inside a job's chunk it would commit late, or be rolled back while the
 * documents it announces stay written).
 */
export async function announceSearchIndexChanges(es: EsClient, alias: string, pool: Pool, workspaceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(workspaceIds)];
  if (ids.length === 0) return;
  await es.indices.refresh({ index: alias, ignore_unavailable: true });
  await recordSearchIndexChanges(pool, ids);
}

/** The changes recorded after `afterSeq`, oldest first, at most `limit`. */
/** Changes read at most per query: a reader that gets a full page asks again. */
export const CHANGES_PAGE = 10_000;

export async function changesSince(db: Queryable, afterSeq: number, limit = CHANGES_PAGE): Promise<SearchIndexChange[]> {
  const { rows } = await db.query('select workspace_id, seq from search_index_changes where seq > $1 order by seq limit $2', [afterSeq, limit]);
  return rows.map((r) => ({ workspaceId: r.workspace_id as string, seq: Number(r.seq) }));
}

/** The newest seq recorded so far (0 when none): where a reader that starts with nothing cached begins. */
export async function latestChangeSeq(db: Queryable): Promise<number> {
  const { rows } = await db.query('select coalesce(max(seq), 0) as seq from search_index_changes');
  return Number(rows[0].seq);
}
