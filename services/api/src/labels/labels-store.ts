// SQL for contact labels. Writes return only what actually changed, so an unchanged label
// produces no version bump and no event.
import type { Queryable } from '@segmenter/shared';
import type { KeysetRange } from '../http/list-keys';

export async function labelKeysOf(client: Queryable, workspaceId: string, contactIds: string[]): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query('select contact_id, key from contact_labels where workspace_id = $1 and contact_id = any($2::uuid[])', [
    workspaceId,
    contactIds,
  ]);
  const keys = new Map<string, Set<string>>(contactIds.map((id) => [id, new Set<string>()]));
  for (const r of rows) keys.get(r.contact_id)?.add(r.key);
  return keys;
}

/** Sets labels on contacts; returns per contact the labels whose value changed or appeared. */
export async function setLabels(
  client: Queryable,
  workspaceId: string,
  contactIds: string[],
  labels: Record<string, string>,
): Promise<Map<string, Record<string, string>>> {
  const keys = Object.keys(labels);
  if (contactIds.length === 0 || keys.length === 0) return new Map();
  const { rows } = await client.query(
    `insert into contact_labels (workspace_id, contact_id, key, value)
     select $1, c, kv.key, kv.value from unnest($2::uuid[]) c cross join unnest($3::text[], $4::text[]) as kv(key, value)
     on conflict (contact_id, key) do update set value = excluded.value where contact_labels.value <> excluded.value
     returning contact_id, key, value`,
    [workspaceId, contactIds, keys, keys.map((k) => labels[k])],
  );
  const changed = new Map<string, Record<string, string>>();
  for (const r of rows) changed.set(r.contact_id, { ...changed.get(r.contact_id), [r.key]: r.value });
  return changed;
}

export async function removeLabels(client: Queryable, workspaceId: string, contactIds: string[], keys: string[]): Promise<Map<string, string[]>> {
  if (contactIds.length === 0 || keys.length === 0) return new Map();
  const { rows } = await client.query(
    'delete from contact_labels where workspace_id = $1 and contact_id = any($2::uuid[]) and key = any($3::text[]) returning contact_id, key',
    [workspaceId, contactIds, keys],
  );
  const removed = new Map<string, string[]>();
  for (const r of rows) removed.set(r.contact_id, [...(removed.get(r.contact_id) ?? []), r.key].sort());
  return removed;
}

/** Label keys that live contacts carry, with how many carry each, by key. */
export async function labelKeyCounts(client: Queryable, workspaceId: string, range: KeysetRange = {}): Promise<{ key: string; contactCount: number }[]> {
  const { rows } = await client.query(
    `select l.key, count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id
      where l.workspace_id = $1 and c.deleted_at is null and ($2::text is null or l.key > $2)
      group by l.key order by l.key limit $3`,
    [workspaceId, range.after ?? null, range.limit ?? null],
  );
  return rows.map((r) => ({ key: r.key, contactCount: r.n }));
}

/** The values of one label key that live contacts carry, with how many carry each, by value (counts move; values are a stable order). */
export async function labelValueCounts(
  client: Queryable,
  workspaceId: string,
  key: string,
  range: KeysetRange = {},
): Promise<{ value: string; contactCount: number }[]> {
  const { rows } = await client.query(
    `select l.value, count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id
      where l.workspace_id = $1 and l.key = $2 and c.deleted_at is null and ($3::text is null or l.value > $3)
      group by l.value order by l.value limit $4`,
    [workspaceId, key, range.after ?? null, range.limit ?? null],
  );
  return rows.map((r) => ({ value: r.value, contactCount: r.n }));
}
