// SQL for custom field definitions.
import { CustomFieldType, lockForTransaction, type Queryable } from '@segmenter/shared';
import { ConflictError } from '../errors/app-error';
import type { KeysetRange } from '../http/list-keys';
import type { CustomFieldDefinitions } from './custom-field-values';

export interface CustomFieldDefinition {
  key: string;
  type: CustomFieldType;
  createdAt: string;
}

/** The definitions writes and segments may use: one being renamed or deleted by a job is not among them. */
export async function loadDefinitions(client: Queryable, workspaceId: string): Promise<CustomFieldDefinitions> {
  const { rows } = await client.query('select key, type from custom_field_definitions where workspace_id = $1 and pending_change is null', [workspaceId]);
  return new Map(rows.map((r) => [r.key, r.type]));
}

/** Definitions by key (unique in a workspace); `range` pages them. */
export async function listDefinitions(client: Queryable, workspaceId: string, range: KeysetRange = {}): Promise<CustomFieldDefinition[]> {
  const { rows } = await client.query(
    'select key, type, created_at from custom_field_definitions where workspace_id = $1 and ($2::text is null or key > $2) order by key limit $3',
    [workspaceId, range.after ?? null, range.limit ?? null],
  );
  return rows.map((r) => ({ key: r.key, type: r.type, createdAt: r.created_at.toISOString() }));
}

export async function insertDefinition(
  client: Queryable,
  workspaceId: string,
  key: string,
  type: CustomFieldType,
  limit: number,
): Promise<CustomFieldDefinition> {
  // Serialise definition writes per workspace so the limit check cannot be raced past.
  await lockForTransaction(client, `custom-fields:${workspaceId}`);
  const { rows: count } = await client.query('select count(*)::int as n from custom_field_definitions where workspace_id = $1', [workspaceId]);
  if (count[0].n >= limit) {
    throw new ConflictError(`A workspace holds at most ${limit} custom fields`, [{ field: 'body.key', rule: `at most ${limit} custom fields per workspace` }]);
  }
  try {
    const { rows } = await client.query('insert into custom_field_definitions (workspace_id, key, type) values ($1, $2, $3) returning key, type, created_at', [
      workspaceId,
      key,
      type,
    ]);
    return { key: rows[0].key, type: rows[0].type, createdAt: rows[0].created_at.toISOString() };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new ConflictError(`Custom field "${key}" already exists`, [{ field: 'body.key', rule: 'must be unique in the workspace' }]);
    }
    throw err;
  }
}
