// SQL the analytics read beside the index: which tags a workspace has (the index knows only the
// ids its contacts carry, so a tag no contact carries would be missing from its answer).
import type { Queryable } from '@segmenter/shared';
import type { KeysetRange } from '../http/list-keys';

/** The workspace's tags by name (unique in a workspace); `range` pages them, none for all. */
export async function workspaceTags(db: Queryable, workspaceId: string, range: KeysetRange = {}): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query('select id, name from tags where workspace_id = $1 and ($2::text is null or name > $2) order by name limit $3', [
    workspaceId,
    range.after ?? null,
    range.limit ?? null,
  ]);
  return rows.map((r) => ({ id: r.id, name: r.name }));
}
