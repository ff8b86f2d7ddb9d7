// SQL for the label hygiene jobs (label-hygiene.ts): which contacts still carry a label key (or
// some of its values), and the set-wise rewrites of one chunk. Each rewrite returns what it
// changed, so only changed contacts get a version bump and events. And the conditional rewrite
// that narrows a segment widened for the job (label-segment-widening.ts) back to its final form.
import type { Condition, Queryable } from '@segmenter/shared';

/** Contacts carrying label `key` (with one of `values`, when given); deleted ones only when `withDeleted`. */
export async function countContactsWithLabel(
  client: Queryable,
  workspaceId: string,
  key: string,
  values: readonly string[] | null,
  withDeleted: boolean,
): Promise<number> {
  const { rows } = await client.query(
    `select count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id
      where l.workspace_id = $1 and l.key = $2 and ($3::text[] is null or l.value = any($3::text[])) and ($4 or c.deleted_at is null)`,
    [workspaceId, key, values, withDeleted],
  );
  return rows[0].n;
}

/**
 * Up to `limit` contacts (live or deleted) still carrying the label, locked in id order like
 * every other writer. Processed contacts stop matching (the key or the value is rewritten), so
 * the next chunk simply asks again: no cursor, and a chunk rolled back is found again.
 */
export async function lockContactsWithLabel(client: Queryable, workspaceId: string, key: string, values: readonly string[] | null, limit: number) {
  const { rows } = await client.query(
    `select c.id from contacts c
      where c.workspace_id = $1 and c.id in (
        select l.contact_id from contact_labels l where l.workspace_id = $1 and l.key = $2 and ($3::text[] is null or l.value = any($3::text[])) limit $4)
      order by c.id for update of c`,
    [workspaceId, key, values, limit],
  );
  return rows.map((r) => r.id as string);
}

/**
 * Moves label `from` to `to` on locked contacts. A contact that already carries `to` keeps its
 * own value there (the newer, deliberate one) and loses `from`; it is returned in `kept`.
 */
export async function renameLabelKeyOn(client: Queryable, workspaceId: string, contactIds: string[], from: string, to: string) {
  const { rows } = await client.query(
    `with old as (
       delete from contact_labels where workspace_id = $1 and contact_id = any($2::uuid[]) and key = $3 returning contact_id, value
     ), moved as (
       insert into contact_labels (workspace_id, contact_id, key, value) select $1, contact_id, $4, value from old
       on conflict (contact_id, key) do nothing returning contact_id
     )
     select old.contact_id, old.value, moved.contact_id is not null as moved from old left join moved using (contact_id) order by old.contact_id`,
    [workspaceId, contactIds, from, to],
  );
  const moved = new Map<string, string>();
  const kept: { contactId: string; droppedValue: string }[] = [];
  for (const r of rows) {
    if (r.moved) moved.set(r.contact_id, r.value);
    else kept.push({ contactId: r.contact_id, droppedValue: r.value });
  }
  return { removed: rows.map((r) => r.contact_id as string), moved, kept };
}

/** Sets label `key` to `to` on the locked contacts whose value is one of `from`; returns those changed. */
export async function mergeLabelValuesOn(client: Queryable, workspaceId: string, contactIds: string[], key: string, from: readonly string[], to: string) {
  const { rows } = await client.query(
    `update contact_labels set value = $5 where workspace_id = $1 and contact_id = any($2::uuid[]) and key = $3 and value = any($4::text[])
      returning contact_id`,
    [workspaceId, contactIds, key, from, to],
  );
  return rows.map((r) => r.contact_id as string).sort();
}

/**
 * Gives saved segment `id` condition `next` if it still holds `expected` (compared as jsonb, so
 * key order does not matter); false when it was edited or deleted meanwhile.
 */
export async function replaceConditionIfUnchanged(client: Queryable, workspaceId: string, id: string, expected: Condition, next: Condition): Promise<boolean> {
  const { rowCount } = await client.query(
    'update segments set condition = $4, updated_at = now() where workspace_id = $1 and id = $2 and condition = $3::jsonb',
    [workspaceId, id, JSON.stringify(expected), JSON.stringify(next)],
  );
  return (rowCount ?? 0) > 0;
}

/** Of `contactIds`, those that carry label `key` (with one of `values`, when given) in Postgres now. */
export async function contactsCarryingLabel(client: Queryable, workspaceId: string, contactIds: string[], key: string, values: readonly string[] | null) {
  const { rows } = await client.query(
    `select contact_id from contact_labels where workspace_id = $1 and contact_id = any($2::uuid[]) and key = $3 and ($4::text[] is null or value = any($4::text[]))`,
    [workspaceId, contactIds, key, values],
  );
  return new Set(rows.map((r) => r.contact_id as string));
}
