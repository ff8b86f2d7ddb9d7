// SQL for contacts. Every statement is scoped by workspace id. Snapshots (the row with its tag ids
// and labels) are what events carry and what the API returns, so they are loaded one way only.
import {
  type ColumnOf,
  CONTACT_FIELD_NAMES,
  CONTACT_FIELDS,
  type ContactFieldName,
  contactFieldsWith,
  type ContactSnapshot,
  type CustomFieldValue,
  type Queryable,
  type SnapshotValueOf,
} from '@segmenter/shared';
import type { Pool } from 'pg';
import { ConflictError, ValidationError } from '../errors/app-error';
import type { ContactFields } from './contact-schemas';
import { keepErasedContactSuppressions, keepSuppressionsOf } from '../suppressions/suppression-sync';
import { deleteContactDeliveries } from '../webhooks/webhook-deliveries-store';

export const SNAPSHOT_SELECT = `
  select c.id, c.workspace_id, ${CONTACT_FIELD_NAMES.map((name) => `c.${CONTACT_FIELDS[name].column}`).join(', ')},
         c.custom_fields, c.engagement, c.deleted_at, c.version,
         array(select t.tag_id::text from contact_tags t where t.contact_id = c.id order by t.tag_id) as tag_ids,
         coalesce((select jsonb_object_agg(l.key, l.value) from contact_labels l where l.contact_id = c.id), '{}'::jsonb) as labels
    from contacts c`;

/** An ISO 8601 UTC time with milliseconds, exactly as `Date.toISOString()` writes it. */
const isoSql = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `'firstName', c.first_name, ...`: standard fields as json_build_object arguments, valued as toSnapshot values them. */
function snapshotJsonPairs(names: readonly ContactFieldName[]): string {
  return names
    .map((name) => {
      const { column, sqlType } = CONTACT_FIELDS[name];
      return `'${name}', ${sqlType === 'timestamptz' ? isoSql(`c.${column}`) : sqlType === 'text[]' ? `to_json(c.${column})` : `c.${column}`}`;
    })
    .join(', ');
}

/**
 * The contact's snapshot built by Postgres itself, as json text, for writes that emit events for
 * thousands of contacts at once (batch upsert, import): the rows never travel to Node and back.
 * It must equal `toSnapshot` field for field; an integration test holds the two together, and the
 * relay validates every event before it publishes (an invalid one is dead-lettered, not sent).
 * json rather than jsonb: it goes to the outbox and out to Kafka as text, so a binary form would
 * only be built to be serialised again. Tags and labels are read per contact, by the primary keys
 * that start with the contact id: an aggregate over the whole set reached them through the
 * workspace's index and read every label of the workspace (a million-row import slowed with
 * every chunk).
 */
export const SNAPSHOT_JSON_SQL = `json_build_object(
    'id', c.id, 'workspaceId', c.workspace_id,
    ${snapshotJsonPairs(contactFieldsWith({ inAddress: false }))},
    'address', json_build_object(${snapshotJsonPairs(contactFieldsWith({ inAddress: true }))}),
    'customFields', c.custom_fields,
    'tagIds', to_json(array(select t.tag_id::text from contact_tags t where t.contact_id = c.id order by t.tag_id)),
    'labels', coalesce((select json_object_agg(l.key, l.value) from contact_labels l where l.contact_id = c.id), '{}'),
    'engagement', c.engagement, 'deletedAt', ${isoSql('c.deleted_at')},
    'version', c.version)`;

/**
 * The live or deleted contacts of `workspace` among the ids `ids` (SQL of a uuid[]), as `c`, each
 * found by its own index probe. `c.workspace_id = $1 and c.id = any($2)` leaves the plan to
 * statistics, and without them (a server without autovacuum, or a workspace too new to be in them)
 * Postgres scanned the workspace's whole range of an index and filtered it by the list: a scan of
 * every contact of the workspace per chunk, so a million-row import slowed with every chunk. The
 * lateral subquery behind OFFSET 0 can only be run once per id, and finds its one row by key.
 */
export const contactsByIdsSql = (workspace: string, ids: string) =>
  `(select distinct unnest(${ids})) as wanted(id) cross join lateral (select * from contacts c where c.workspace_id = ${workspace} and c.id = wanted.id offset 0) c`;

/** The standard fields as Postgres returns them (timestamps as Dates), by column. */
type StandardColumnValues = {
  [K in ContactFieldName as ColumnOf<K>]: (typeof CONTACT_FIELDS)[K]['sqlType'] extends 'timestamptz'
    ? null extends SnapshotValueOf<K>
      ? Date | null
      : Date
    : SnapshotValueOf<K>;
};

export interface ContactRow extends StandardColumnValues {
  id: string;
  workspace_id: string;
  custom_fields: Record<string, CustomFieldValue>;
  engagement: Record<string, string[]>;
  deleted_at: Date | null;
  version: string; // bigint comes back as a string
  tag_ids: string[];
  labels: Record<string, string>;
}

export function toSnapshot(row: ContactRow): ContactSnapshot {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    phone: row.phone,
    firstName: row.first_name,
    lastName: row.last_name,
    address: { street: row.street, city: row.city, region: row.region, postalCode: row.postal_code, country: row.country },
    timezone: row.timezone,
    language: row.language,
    subscriptionCategories: row.subscription_categories,
    source: row.source,
    consentAt: row.consent_at?.toISOString() ?? null,
    customFields: row.custom_fields,
    emailStatus: row.email_status,
    phoneStatus: row.phone_status,
    emailRating: row.email_rating,
    tagIds: row.tag_ids,
    labels: row.labels,
    engagement: row.engagement,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    version: Number(row.version),
  };
}

/** The table's fields a write sets among its fields; tsc holds them to the write schema's, both ways. */
const WRITTEN_FIELDS = contactFieldsWith({ writtenAs: 'field' });
type WrittenField = (typeof WRITTEN_FIELDS)[number];
type WriteKey = Exclude<keyof ContactFields, 'address' | 'customFields'> | keyof NonNullable<ContactFields['address']>;
const everyWriteKeyInTable: [Exclude<WriteKey, WrittenField>] extends [never] ? true : Exclude<WriteKey, WrittenField> = true;
const everyTableFieldWritable: [Exclude<WrittenField, WriteKey>] extends [never] ? true : Exclude<WrittenField, WriteKey> = true;
void everyWriteKeyInTable;
void everyTableFieldWritable;

/** Column name and value for each writable field present in `fields` (undefined = leave as is). */
export function fieldColumns(fields: ContactFields): [string, unknown][] {
  return WRITTEN_FIELDS.flatMap((name): [string, unknown][] => {
    const holder: Record<string, unknown> | undefined = CONTACT_FIELDS[name].inAddress ? fields.address : fields;
    const value = holder?.[name];
    return value === undefined ? [] : [[CONTACT_FIELDS[name].column, value]];
  });
}

function mapUniqueViolation(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'contacts_workspace_email') {
    throw new ConflictError('A contact with this email already exists in the workspace', [{ field: 'body.email', rule: 'must be unique in the workspace' }]);
  }
  if ((err as { constraint?: string }).constraint === 'contacts_email_or_phone') {
    throw new ValidationError([{ field: 'body.email', rule: 'a contact needs an email or a phone' }]);
  }
  throw err;
}

/**
 * Applies field changes and bumps the version. Returns false when nothing changed (no bump,
 * no event): an update that changes nothing must not churn the index.
 */
export async function updateContactFields(
  client: Queryable,
  workspaceId: string,
  id: string,
  fields: ContactFields,
  customFields: Record<string, CustomFieldValue> | undefined,
): Promise<boolean> {
  const columns = fieldColumns(fields);
  if (customFields !== undefined) columns.push(['custom_fields', customFields]);
  if (columns.length === 0) return false;
  const sets = columns.map(([c], i) => `${c} = $${i + 3}`);
  const changed = columns.map(([c], i) => `${c} is distinct from $${i + 3}`);
  try {
    const { rowCount } = await client.query(
      `update contacts set ${sets.join(', ')}, version = version + 1, updated_at = now()
        where workspace_id = $1 and id = $2 and deleted_at is null and (${changed.join(' or ')})`,
      [workspaceId, id, ...columns.map(([, v]) => v)],
    );
    return rowCount === 1;
  } catch (err) {
    return mapUniqueViolation(err);
  }
}

/** Bumps version and updated_at after a change to tags, labels or status. */
export async function touchContacts(client: Queryable, workspaceId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query('update contacts set version = version + 1, updated_at = now() where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, ids]);
}

/**
 * Locks live contacts for the rest of the transaction, in id order (no deadlock between two bulk
 * jobs), and returns the ids that exist and are not deleted.
 */
export async function lockLiveContacts(client: Queryable, workspaceId: string, ids: string[]): Promise<string[]> {
  const { rows } = await client.query(
    'select id from contacts where workspace_id = $1 and id = any($2::uuid[]) and deleted_at is null order by id for update',
    [workspaceId, ids],
  );
  return rows.map((r) => r.id);
}

export async function lockContact(client: Queryable, workspaceId: string, id: string): Promise<{ deleted: boolean } | undefined> {
  const { rows } = await client.query('select deleted_at from contacts where workspace_id = $1 and id = $2 for update', [workspaceId, id]);
  return rows[0] ? { deleted: rows[0].deleted_at !== null } : undefined;
}

export async function loadSnapshots(client: Queryable, workspaceId: string, ids: string[]): Promise<ContactSnapshot[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<ContactRow>(`${SNAPSHOT_SELECT} where c.workspace_id = $1 and c.id = any($2::uuid[]) order by c.id`, [workspaceId, ids]);
  return rows.map(toSnapshot);
}

export async function loadSnapshot(client: Queryable, workspaceId: string, id: string): Promise<ContactSnapshot | undefined> {
  return (await loadSnapshots(client, workspaceId, [id]))[0];
}

/** Soft-deletes a contact (already locked); its suppressing statuses stay on the suppression list. */
export async function softDeleteContact(
  client: Queryable,
  workspaceId: string,
  id: string,
  reason: string | null,
  deletedBy: string | null = null,
): Promise<void> {
  await keepSuppressionsOf(client, workspaceId, [id], KEPT_FROM_DELETE);
  await client.query(
    `update contacts set deleted_at = now(), deleted_reason = $3, deleted_by = $4, version = version + 1, updated_at = now()
      where workspace_id = $1 and id = $2`,
    [workspaceId, id, reason, deletedBy],
  );
}

/** Soft-deletes live contacts (already locked); returns the ids deleted. Their suppressing statuses stay on the suppression list. */
export async function softDeleteContacts(client: Queryable, workspaceId: string, ids: string[], reason: string | null): Promise<string[]> {
  const { rows } = await client.query(
    `update contacts set deleted_at = now(), deleted_reason = $3, version = version + 1, updated_at = now()
      where workspace_id = $1 and id = any($2::uuid[]) and deleted_at is null returning id`,
    [workspaceId, ids, reason],
  );
  const deleted = rows.map((r) => r.id).sort();
  await keepSuppressionsOf(client, workspaceId, deleted, KEPT_FROM_DELETE);
  return deleted;
}

const KEPT_FROM_DELETE = 'kept when the contact was deleted';

export async function restoreContact(client: Queryable, workspaceId: string, id: string): Promise<void> {
  try {
    await client.query(
      `update contacts set deleted_at = null, deleted_reason = null, deleted_by = null, version = version + 1, updated_at = now()
        where workspace_id = $1 and id = $2`,
      [workspaceId, id],
    );
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'contacts_workspace_email') {
      throw new ConflictError('Another live contact now holds this email; merge or change it before restoring', [
        { field: 'email', rule: 'must be unique among live contacts of the workspace' },
      ]);
    }
    throw err;
  }
}

/**
 * Erasure removes the row and everything hanging off it, keeping only ids and the tombstone's
 * version (erased_contacts); returns that version.
 */
export async function eraseContact(client: Queryable, workspaceId: string, id: string): Promise<number | undefined> {
  // Before the row goes: its suppressions stay, as hashes only (nothing else of it may stay).
  await keepErasedContactSuppressions(client, workspaceId, id);
  // Webhook deliveries about it, sent or waiting: a tag event's body holds its snapshot.
  await deleteContactDeliveries(client, workspaceId, id);
  const { rows } = await client.query(
    `with gone as (delete from contacts where workspace_id = $1 and id = $2 returning workspace_id, id, version + 1 as version)
     insert into erased_contacts (workspace_id, contact_id, version) select workspace_id, id, version from gone returning version`,
    [workspaceId, id],
  );
  return rows[0] ? Number(rows[0].version) : undefined;
}

export async function setChannelStatus(
  client: Queryable,
  workspaceId: string,
  id: string,
  channel: 'email' | 'phone',
  status: string,
  reason: string | null,
): Promise<boolean> {
  const column = channel === 'email' ? 'email_status' : 'phone_status';
  const { rowCount } = await client.query(
    `update contacts set ${column} = $3, version = version + 1, updated_at = now()
      where workspace_id = $1 and id = $2 and ${column} <> $3`,
    [workspaceId, id, status],
  );
  if (rowCount !== 1) return false;
  await recordStatusChange(client, workspaceId, id, channel, status, reason);
  return true;
}

/**
 * Sets one channel's status on locked live contacts, with history; returns the ids whose status
 * changed (version bumped). With `replacing`, only contacts whose status is one of those change
 * (an activity may make a status stricter, never weaker).
 */
export async function setChannelStatuses(
  client: Queryable,
  workspaceId: string,
  ids: string[],
  channel: 'email' | 'phone',
  status: string,
  reason: string,
  replacing?: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const column = channel === 'email' ? 'email_status' : 'phone_status';
  const { rows } = await client.query(
    `with changed as (
       update contacts set ${column} = $3, version = version + 1, updated_at = now()
        where workspace_id = $1 and id = any($2::uuid[]) and ${column} <> $3 and ($6::text[] is null or ${column} = any($6::text[])) returning id)
     insert into contact_status_changes (workspace_id, contact_id, channel, status, reason)
     select $1, id, $4, $3, $5 from changed returning contact_id`,
    [workspaceId, ids, status, channel, reason, replacing ?? null],
  );
  return rows.map((r) => r.contact_id).sort();
}

async function recordStatusChange(
  client: Queryable,
  workspaceId: string,
  contactId: string,
  channel: 'email' | 'phone',
  status: string,
  reason: string | null,
): Promise<void> {
  await client.query('insert into contact_status_changes (workspace_id, contact_id, channel, status, reason) values ($1, $2, $3, $4, $5)', [
    workspaceId,
    contactId,
    channel,
    status,
    reason,
  ]);
}

export interface StatusChange {
  channel: 'email' | 'phone';
  status: string;
  reason: string | null;
  changedAt: string;
}

export async function statusHistory(pool: Pool, workspaceId: string, contactId: string): Promise<StatusChange[]> {
  const { rows } = await pool.query(
    `select channel, status, reason, changed_at from contact_status_changes
      where workspace_id = $1 and contact_id = $2 order by changed_at desc, id desc limit 200`,
    [workspaceId, contactId],
  );
  return rows.map((r) => ({ channel: r.channel, status: r.status, reason: r.reason, changedAt: r.changed_at.toISOString() }));
}
