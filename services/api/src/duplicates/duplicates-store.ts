// SQL for duplicate detection: values of a field held by more than one live contact. Emails are
// unique among live contacts (a partial unique index), so in practice duplicates are phones.
import type { Queryable } from '@segmenter/shared';

export type DuplicateField = 'email' | 'phone';

export async function duplicateValues(client: Queryable, workspaceId: string, field: DuplicateField, limit: number, after?: string) {
  const values: unknown[] = [workspaceId, limit + 1];
  if (after !== undefined) values.push(after);
  const { rows } = await client.query(
    `select ${field} as value, count(*)::int as n from contacts
      where workspace_id = $1 and deleted_at is null and ${field} is not null ${after !== undefined ? `and ${field} > $3` : ''}
      group by ${field} having count(*) > 1 order by ${field} limit $2`,
    values,
  );
  const items = rows.slice(0, limit).map((r) => ({ value: r.value as string, count: r.n as number }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.value : null };
}

export interface DuplicateContact {
  id: string;
  firstName: string | null;
  lastName: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The live contacts holding `value`, oldest first (locked in id order, as every writer locks, when `lock`). */
export async function contactsWithValue(
  client: Queryable,
  workspaceId: string,
  field: DuplicateField,
  value: string,
  lock = false,
): Promise<DuplicateContact[]> {
  const { rows } = await client.query(
    `select id, first_name, last_name, created_at, updated_at from contacts
      where workspace_id = $1 and ${field} = $2 and deleted_at is null order by id${lock ? ' for update' : ''}`,
    [workspaceId, value],
  );
  rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  return rows.map((r) => ({
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
