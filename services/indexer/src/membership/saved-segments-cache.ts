// The saved segments of the workspaces a batch touches, read from Postgres (the api owns them) and
// kept while they do not change. Each batch asks one small question per batch, a fingerprint of
// each workspace's segments (ids, conditions, broken marks), and reads again only the workspaces
// whose fingerprint moved: an edit, a new segment, a delete or a rename's rewrite is seen by the
// very next batch, and a workspace without segments costs one row of nothing.
import type { Condition, Pool } from '@segmenter/shared';
import { watchedSegments, type WorkspaceWatch } from './watched-segments';

export interface SavedSegmentsCache {
  /** The watched segments of each workspace asked for (workspaces without any are absent). */
  segmentsOf(workspaceIds: readonly string[]): Promise<Map<string, WorkspaceWatch>>;
  /** Every workspace that has saved segments, with them: the re-evaluation's list. */
  everyWorkspace(): Promise<Map<string, WorkspaceWatch>>;
}

export function createSavedSegmentsCache(pool: Pool): SavedSegmentsCache {
  // A workspace's watch is replaced (a new object) whenever its segments change: holders of the old one can tell.
  const known = new Map<string, { fingerprint: string; watch: WorkspaceWatch }>();

  async function load(workspaceIds: readonly string[], fingerprints: Map<string, string>): Promise<void> {
    const { rows } = await pool.query<{ id: string; workspace_id: string; condition: Condition; broken: boolean }>(
      'select id, workspace_id, condition, broken is not null as broken from segments where workspace_id = any($1::uuid[])',
      [workspaceIds],
    );
    const byWorkspace = new Map<string, typeof rows>(workspaceIds.map((id) => [id, []]));
    for (const row of rows) byWorkspace.get(row.workspace_id)?.push(row);
    for (const [workspaceId, segmentRows] of byWorkspace) {
      const watch = watchedSegments(segmentRows.map((r) => ({ id: r.id, workspaceId, condition: r.condition, broken: r.broken })));
      known.set(workspaceId, { fingerprint: fingerprints.get(workspaceId) ?? '', watch });
    }
  }

  async function segmentsOf(workspaceIds: readonly string[]): Promise<Map<string, WorkspaceWatch>> {
    const found = new Map<string, WorkspaceWatch>();
    if (workspaceIds.length === 0) return found;
    const { rows } = await pool.query<{ workspace_id: string; fingerprint: string }>(
      `select workspace_id, md5(string_agg(id::text || ':' || condition::text || ':' || coalesce(broken::text, ''), ',' order by id)) as fingerprint
         from segments where workspace_id = any($1::uuid[]) group by workspace_id`,
      [workspaceIds],
    );
    const fingerprints = new Map(rows.map((r) => [r.workspace_id, r.fingerprint]));
    const stale = [...fingerprints].filter(([id, fingerprint]) => known.get(id)?.fingerprint !== fingerprint).map(([id]) => id);
    if (stale.length > 0) await load(stale, fingerprints);
    for (const id of workspaceIds) {
      if (!fingerprints.has(id)) known.delete(id);
      else if ((known.get(id)?.watch.segments.length ?? 0) > 0) found.set(id, known.get(id)!.watch);
    }
    return found;
  }

  async function everyWorkspace(): Promise<Map<string, WorkspaceWatch>> {
    const { rows } = await pool.query<{ workspace_id: string }>('select distinct workspace_id from segments');
    return segmentsOf(rows.map((r) => r.workspace_id));
  }

  return { segmentsOf, everyWorkspace };
}
