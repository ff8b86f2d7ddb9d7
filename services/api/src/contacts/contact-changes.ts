// The one way a contact change leaves a transaction: load the changed contacts' snapshots (with
// their new versions) and append one event per contact to the outbox, in the same transaction.
import { ContactSnapshot, inTransaction, Pool, type Queryable } from '@segmenter/shared';
import type { PoolClient } from 'pg';
import { ConflictError, NotFoundError } from '../errors/app-error';
import { appendOutboxEvents, PendingChangeEvent } from '../outbox/outbox-store';
import { recordWrittenVersions } from '../consistency/write-tracking';
import { contactsByIdsSql, loadSnapshots, lockContact, lockLiveContacts, SNAPSHOT_JSON_SQL } from './contacts-store';

type ContactEventOf<T extends PendingChangeEvent['type']> = Extract<PendingChangeEvent, { type: T }>;
type Extra<T extends PendingChangeEvent['type']> = Omit<ContactEventOf<T>, 'type' | 'workspaceId' | 'contactId' | 'contact'>;

/** Locks a contact for the transaction; 404 when it is not the workspace's, 409 when it is deleted. */
export async function lockLiveContact(client: Queryable, workspaceId: string, id: string): Promise<void> {
  const lock = await lockContact(client, workspaceId, id);
  if (!lock) throw new NotFoundError(`Contact ${id}`);
  if (lock.deleted) throw new ConflictError(`Contact ${id} is deleted; restore it before changing it`);
}

/**
 * The answer of a write that changed nothing: the contact as it is. Its Consistency-Token still
 * names this version, so a read with it sees at least what the answer showed (a change an earlier
 * request made may still be on its way to the index); usually it is satisfied at once.
 */
export function answerUnchanged(client: object, workspaceId: string, contact: ContactSnapshot): ContactSnapshot {
  recordWrittenVersions(client, workspaceId, [{ contactId: contact.id, version: contact.version }]);
  return contact;
}

/**
 * Appends contact events to the outbox and remembers the versions they wrote for the request's
 * Consistency-Token (kept only if the transaction commits).
 */
export async function appendContactEvents(client: Queryable, workspaceId: string, events: PendingChangeEvent[]): Promise<void> {
  recordWrittenVersions(client, workspaceId, await appendOutboxEvents(client, events));
}

/** Emits `type` for each contact in `ids`; returns the snapshots, in id order. */
export async function emitContactEvents<T extends Exclude<PendingChangeEvent['type'], 'contact.erased' | 'tag.renamed' | 'tag.deleted'>>(
  client: Queryable,
  workspaceId: string,
  ids: string[],
  type: T,
  extra: (snapshot: ContactSnapshot) => Extra<T>,
): Promise<ContactSnapshot[]> {
  const snapshots = await loadSnapshots(client, workspaceId, ids);
  await appendContactEvents(
    client,
    workspaceId,
    snapshots.map((contact) => ({ type, workspaceId, contactId: contact.id, contact, ...extra(contact) }) as unknown as PendingChangeEvent),
  );
  return snapshots;
}

/**
 * Emits `contact.upserted` for each contact in `ids` with the snapshot built by Postgres (see
 * SNAPSHOT_JSON_SQL): the set-wise path for writes of thousands of contacts. Returns each
 * contact's version as written.
 */
export async function emitUpsertedEvents(
  client: Queryable,
  workspaceId: string,
  ids: string[],
  created: ReadonlySet<string> = new Set(),
): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  if (ids.length === 0) return versions;
  // The versions come from the rows the events were built from, not read back out of the json.
  const { rows } = await client.query(
    `with events as (
       select c.id, c.version,
              json_build_object('type', 'contact.upserted', 'workspaceId', c.workspace_id, 'contactId', c.id,
                                'created', c.id = any($3::uuid[]), 'contact', ${SNAPSHOT_JSON_SQL}) as payload
         from ${contactsByIdsSql('$1', '$2::uuid[]')}
     ), appended as (
       insert into outbox (workspace_id, aggregate_id, event_type, payload)
       select $1, id, 'contact.upserted', payload from events order by id
     )
     select id, version from events`,
    [workspaceId, ids, [...created]],
  );
  for (const r of rows) versions.set(r.id, Number(r.version));
  recordWrittenVersions(
    client,
    workspaceId,
    [...versions].map(([contactId, version]) => ({ contactId, version })),
  );
  return versions;
}

/** Contacts per transaction in a bulk change by id list. */
const BULK_CHUNK = 1000;

/**
 * Runs a bulk change by id list in chunks that commit one by one (each is idempotent, so a retry
 * after a failure converges): `change` gets each chunk's live contacts, locked in id order.
 * Unknown and deleted contacts are skipped; returns how many were live.
 */
export async function changeLiveContactsInChunks(
  pool: Pool,
  workspaceId: string,
  contactIds: string[],
  change: (client: PoolClient, live: string[]) => Promise<void>,
): Promise<{ matched: number; notFound: number }> {
  let matched = 0;
  for (let start = 0; start < contactIds.length; start += BULK_CHUNK) {
    await inTransaction(pool, async (client) => {
      const live = await lockLiveContacts(client, workspaceId, contactIds.slice(start, start + BULK_CHUNK));
      matched += live.length;
      await change(client, live);
    });
  }
  return { matched, notFound: contactIds.length - matched };
}
