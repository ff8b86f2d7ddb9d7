// SQL for saved segments. Every statement is scoped by workspace id.
import { Condition, lockForTransaction, type Queryable } from '@segmenter/shared';
import { ConflictError } from '../errors/app-error';
import type { KeysetRange } from '../http/list-keys';

/**
 * Serialises changes to a workspace's segments until the transaction ends: two updates cannot
 * create a cycle together, and a segment another one is being saved with cannot be deleted meanwhile.
 */
export async function lockSegments(client: Queryable, workspaceId: string): Promise<void> {
  await lockForTransaction(client, `segments:${workspaceId}`);
}

/** Something a broken segment names that no longer exists, with the name it had (for printing). */
export type MissingReference = { kind: 'tag'; id: string; name: string } | { kind: 'customField'; key: string };

/** Why a saved segment no longer evaluates: set by a forced delete, cleared when its condition is edited. */
export interface SegmentBreak {
  reason: string;
  missing: MissingReference[];
  since: string;
}

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  condition: Condition;
  referencesSegments: string[];
  broken: SegmentBreak | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, name, description, condition, references_segments, broken, created_at, updated_at';
const toRow = (r: any): SegmentRow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  condition: r.condition,
  referencesSegments: r.references_segments,
  broken: r.broken ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

function mapUniqueName(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'segments_workspace_id_name_key') {
    throw new ConflictError('A segment with this name already exists', [{ field: 'body.name', rule: 'must be unique in the workspace' }]);
  }
  throw err;
}

export async function insertSegment(
  client: Queryable,
  workspaceId: string,
  s: { name: string; description?: string; condition: Condition; references: string[] },
): Promise<SegmentRow> {
  const { rows } = await client
    .query(`insert into segments (workspace_id, name, description, condition, references_segments) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`, [
      workspaceId,
      s.name,
      s.description ?? null,
      JSON.stringify(s.condition),
      s.references,
    ])
    .catch(mapUniqueName);
  return toRow(rows[0]);
}

export async function updateSegment(
  client: Queryable,
  workspaceId: string,
  id: string,
  s: { name?: string; description?: string | null; condition?: Condition; references?: string[] },
): Promise<SegmentRow | undefined> {
  const { rows } = await client
    .query(
      `update segments set name = coalesce($3, name), description = case when $4::boolean then $5 else description end,
              condition = coalesce($6, condition), references_segments = coalesce($7, references_segments), updated_at = now(),
              -- A new condition was resolved against what exists now: whatever broke it is gone.
              broken = case when $6::jsonb is null then broken end
        where workspace_id = $1 and id = $2 returning ${COLUMNS}`,
      [
        workspaceId,
        id,
        s.name ?? null,
        s.description !== undefined,
        s.description ?? null,
        s.condition ? JSON.stringify(s.condition) : null,
        s.references ?? null,
      ],
    )
    .catch(mapUniqueName);
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function findSegment(client: Queryable, workspaceId: string, id: string): Promise<SegmentRow | undefined> {
  const { rows } = await client.query(`select ${COLUMNS} from segments where workspace_id = $1 and id = $2`, [workspaceId, id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Of the tag ids given, the names of those a job of type `deletionJob` (queued or running) is deleting. */
export async function tagsBeingDeleted(client: Queryable, workspaceId: string, deletionJob: string, tagIds: string[]): Promise<string[]> {
  if (tagIds.length === 0) return [];
  const { rows } = await client.query(
    `select params->>'name' as name from jobs
      where workspace_id = $1 and type = $2 and status in ('queued', 'running') and params->>'tagId' = any($3::text[])`,
    [workspaceId, deletionJob, tagIds],
  );
  return rows.map((r) => r.name);
}

/** Of the label keys given, those some contact of the workspace has. */
export async function labelKeysInUse(client: Queryable, workspaceId: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await client.query('select distinct key from contact_labels where workspace_id = $1 and key = any($2::text[])', [workspaceId, keys]);
  return new Set(rows.map((r) => r.key));
}

export async function listSegments(client: Queryable, workspaceId: string): Promise<SegmentRow[]> {
  const { rows } = await client.query(`select ${COLUMNS} from segments where workspace_id = $1 order by name`, [workspaceId]);
  return rows.map(toRow);
}

/** A page of a workspace's segments by name (unique per workspace): after `range.after`, at most `range.limit`. */
export async function pageSegments(client: Queryable, workspaceId: string, range: KeysetRange): Promise<SegmentRow[]> {
  const { rows } = await client.query(`select ${COLUMNS} from segments where workspace_id = $1 and ($2::text is null or name > $2) order by name limit $3`, [
    workspaceId,
    range.after ?? null,
    range.limit ?? null,
  ]);
  return rows.map(toRow);
}

/**
 * Marks segments broken because `missing` was deleted. A segment already broken keeps its first
 * reason and gains the new missing entry, so it prints every name it lost.
 */
export async function markSegmentsBroken(client: Queryable, workspaceId: string, ids: string[], reason: string, missing: MissingReference): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `update segments set broken = case
         when broken is null then jsonb_build_object('reason', $3::text, 'missing', jsonb_build_array($4::jsonb), 'since', to_jsonb(now()))
         else jsonb_set(broken, '{missing}', (broken->'missing') || jsonb_build_array($4::jsonb)) end
      where workspace_id = $1 and id = any($2::uuid[])`,
    [workspaceId, ids, reason, JSON.stringify(missing)],
  );
}

/** Rewrites stored conditions (a renamed custom field): each id gets its new tree. */
export async function replaceConditions(client: Queryable, workspaceId: string, conditions: Map<string, Condition>): Promise<void> {
  for (const [id, condition] of conditions) {
    await client.query('update segments set condition = $3, updated_at = now() where workspace_id = $1 and id = $2', [
      workspaceId,
      id,
      JSON.stringify(condition),
    ]);
  }
}

/** Segments that refer to `id` (which therefore cannot be deleted). */
export async function segmentsReferring(client: Queryable, workspaceId: string, id: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await client.query('select id, name from segments where workspace_id = $1 and references_segments @> array[$2::uuid] order by name', [
    workspaceId,
    id,
  ]);
  return rows;
}

export async function deleteSegment(client: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await client.query('delete from segments where workspace_id = $1 and id = $2', [workspaceId, id]);
  return (rowCount ?? 0) > 0;
}
