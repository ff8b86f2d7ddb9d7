// The one way to aim a search at the shared contacts index: routed to the workspace's shard and
// filtered by its id, whatever else the caller adds. Callers pass only their own filters, so a
// query that forgets the workspace cannot be built (test: workspace-search.test.ts).
import type { estypes } from '../elasticsearch/es-client';

export type QueryClause = estypes.QueryDslQueryContainer;

export interface WorkspaceSearch {
  index: string;
  routing: string;
  query: { bool: { filter: QueryClause[] } };
}

export interface WorkspaceSearchOptions {
  /** Live contacts only (the default), or every document, soft-deleted ones and tombstones too. */
  documents?: 'live' | 'all';
}

export function workspaceSearch(alias: string, workspaceId: string, filters: QueryClause[], options: WorkspaceSearchOptions = {}): WorkspaceSearch {
  const scope: QueryClause[] = [{ term: { workspace_id: workspaceId } }];
  if ((options.documents ?? 'live') === 'live') scope.push({ term: { deleted: false } });
  return { index: alias, routing: workspaceId, query: { bool: { filter: [...scope, ...filters] } } };
}
