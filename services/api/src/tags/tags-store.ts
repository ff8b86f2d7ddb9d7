// SQL for tags and contact tags. Contact tag rows carry the workspace id, and composite foreign
// keys make a cross-workspace tag impossible even for a buggy caller.
import type { Queryable } from '@segmenter/shared';
import { ConflictError } from '../errors/app-error';
import type { KeysetRange } from '../http/list-keys';

export interface Tag {
  id: string;
  name: string;
  protected: boolean;
  createdAt: string;
}

const toTag = (r: any): Tag => ({ id: r.id, name: r.name, protected: r.protected, createdAt: r.created_at.toISOString() });

function duplicateName(err: unknown, name: string): never {
  if ((err as { code?: string }).code === '23505') {
    throw new ConflictError(`A tag named "${name}" already exists`, [
      { field: 'body.name', rule: 'must be unique in the workspace (names are case-sensitive)' },
    ]);
  }
  throw err;
}

export async function insertTag(client: Queryable, workspaceId: string, name: string, isProtected: boolean): Promise<Tag> {
  try {
    const { rows } = await client.query('insert into tags (workspace_id, name, protected) values ($1, $2, $3) returning *', [workspaceId, name, isProtected]);
    return toTag(rows[0]);
  } catch (err) {
    return duplicateName(err, name);
  }
}

export async function findTag(client: Queryable, workspaceId: string, id: string, lock = false): Promise<Tag | undefined> {
  const { rows } = await client.query(`select * from tags where workspace_id = $1 and id = $2${lock ? ' for update' : ''}`, [workspaceId, id]);
  return rows[0] ? toTag(rows[0]) : undefined;
}

export async function updateTag(client: Queryable, workspaceId: string, id: string, change: { name?: string; protected?: boolean }): Promise<Tag> {
  try {
    const { rows } = await client.query(
      'update tags set name = coalesce($3, name), protected = coalesce($4, protected) where workspace_id = $1 and id = $2 returning *',
      [workspaceId, id, change.name ?? null, change.protected ?? null],
    );
    return toTag(rows[0]);
  } catch (err) {
    return duplicateName(err, change.name ?? '');
  }
}

export async function deleteTagRow(client: Queryable, workspaceId: string, id: string): Promise<void> {
  await client.query('delete from tags where workspace_id = $1 and id = $2', [workspaceId, id]);
}

/** Tags with how many live contacts carry each, by name (unique in a workspace, so a keyset page never skips one); `range` pages them. */
export async function listTagsWithCounts(client: Queryable, workspaceId: string, range: KeysetRange = {}): Promise<(Tag & { contactCount: number })[]> {
  const { rows } = await client.query(
    `select t.*, (select count(*)::int from contact_tags ct join contacts c on c.id = ct.contact_id
                   where ct.tag_id = t.id and c.deleted_at is null) as contact_count
       from tags t where t.workspace_id = $1 and ($2::text is null or t.name > $2) order by t.name limit $3`,
    [workspaceId, range.after ?? null, range.limit ?? null],
  );
  return rows.map((r) => ({ ...toTag(r), contactCount: r.contact_count }));
}

export async function tagsByNames(client: Queryable, workspaceId: string, names: string[]): Promise<Tag[]> {
  if (names.length === 0) return [];
  const { rows } = await client.query('select * from tags where workspace_id = $1 and name = any($2::text[])', [workspaceId, names]);
  return rows.map(toTag);
}

export async function tagsByIds(client: Queryable, workspaceId: string, ids: string[]): Promise<Tag[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query('select * from tags where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, ids]);
  return rows.map(toTag);
}

/** Creates the named tags that do not exist (racing creators converge on one row each). */
export async function ensureTagsByName(client: Queryable, workspaceId: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await client.query(
    'insert into tags (workspace_id, name) select $1, unnest($2::text[]) on conflict (workspace_id, name) do nothing',
    // Sorted, so two requests creating the same names lock them in the same order.
    [workspaceId, [...new Set(names)].sort()],
  );
}

/** Adds tags; returns, per contact, the tag ids that were newly added (appends, never overwrites). */
export async function addContactTags(client: Queryable, workspaceId: string, contactIds: string[], tagIds: string[]): Promise<Map<string, string[]>> {
  const { rows } = await client
    .query(
      `insert into contact_tags (workspace_id, contact_id, tag_id)
     select $1, c, t from unnest($2::uuid[]) c cross join unnest($3::uuid[]) t
     on conflict do nothing
     returning contact_id, tag_id`,
      [workspaceId, contactIds, tagIds],
    )
    .catch((err: { code?: string }) => {
      // A tag deleted between resolving its name and using it.
      if (err.code === '23503') throw new ConflictError('A tag of this request was deleted meanwhile; retry with existing tags');
      throw err;
    });
  return groupByContact(rows);
}

export async function removeContactTags(client: Queryable, workspaceId: string, contactIds: string[], tagIds: string[]): Promise<Map<string, string[]>> {
  const { rows } = await client.query(
    `delete from contact_tags where workspace_id = $1 and contact_id = any($2::uuid[]) and tag_id = any($3::uuid[])
     returning contact_id, tag_id`,
    [workspaceId, contactIds, tagIds],
  );
  return groupByContact(rows);
}

/** Up to `limit` contacts still carrying the tag, locked in id order. */
export async function contactsWithTag(client: Queryable, workspaceId: string, tagId: string, limit: number): Promise<string[]> {
  const { rows } = await client.query(
    `select c.id from contacts c join contact_tags ct on ct.contact_id = c.id
      where ct.workspace_id = $1 and ct.tag_id = $2 order by c.id limit $3 for update of c`,
    [workspaceId, tagId, limit],
  );
  return rows.map((r) => r.id);
}

export async function countContactsWithTag(client: Queryable, workspaceId: string, tagId: string): Promise<number> {
  const { rows } = await client.query('select count(*)::int as n from contact_tags where workspace_id = $1 and tag_id = $2', [workspaceId, tagId]);
  return rows[0].n;
}

function groupByContact(rows: { contact_id: string; tag_id: string }[]): Map<string, string[]> {
  const byContact = new Map<string, string[]>();
  for (const { contact_id, tag_id } of rows) byContact.set(contact_id, [...(byContact.get(contact_id) ?? []), tag_id].sort());
  return byContact;
}
