// How fresh the search index is for a workspace at the moment of a read: every answer served
// from Elasticsearch (analytics, counts) carries it, so a dashboard can say "as of 2 s ago".
// This first version sees only the relay's backlog (the workspace's changes committed in Postgres
// and not yet published to Kafka); the indexer's side is added by the indexer's progress record.
import type { Pool } from '@segmenter/shared';

export interface MirrorFreshness {
  /** Milliseconds between now and the commit of the oldest change of this workspace the index may not show yet; 0 when caught up. */
  lagMs: number;
  /** Changes of this workspace committed in Postgres and not yet published to Kafka. */
  pendingChanges: number;
  /** When this was measured (ISO 8601). */
  asOf: string;
}

export type MirrorFreshnessReader = ReturnType<typeof createMirrorFreshness>;

export function createMirrorFreshness(deps: { pool: Pool }) {
  return {
    async of(workspaceId: string): Promise<MirrorFreshness> {
      const { rows } = await deps.pool.query(
        `select count(*)::int as pending, (extract(epoch from (clock_timestamp() - min(created_at))) * 1000)::bigint as oldest_ms
           from outbox where workspace_id = $1`,
        [workspaceId],
      );
      return { lagMs: Number(rows[0].oldest_ms ?? 0), pendingChanges: rows[0].pending, asOf: new Date().toISOString() };
    },
  };
}
