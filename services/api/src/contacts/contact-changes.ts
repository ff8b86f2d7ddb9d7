// The one way a contact change leaves a transaction: load the changed contacts' snapshots (with
// their new versions) and append one event per contact to the outbox, in the same transaction.
import type { ContactSnapshot } from '@segmenter/shared';
import type { PoolClient } from 'pg';
import { ConflictError, NotFoundError } from '../errors/app-error';
import { appendOutboxEvents, PendingChangeEvent } from '../outbox/outbox-store';
import { loadSnapshots, lockContact } from './contacts-store';

type ContactEventOf<T extends PendingChangeEvent['type']> = Extract<PendingChangeEvent, { type: T }>;
type Extra<T extends PendingChangeEvent['type']> = Omit<ContactEventOf<T>, 'type' | 'workspaceId' | 'contactId' | 'contact'>;

/** Locks a contact for the transaction; 404 when it is not the workspace's, 409 when it is deleted. */
export async function lockLiveContact(client: Pick<PoolClient, 'query'>, workspaceId: string, id: string): Promise<void> {
  const lock = await lockContact(client, workspaceId, id);
  if (!lock) throw new NotFoundError(`Contact ${id}`);
  if (lock.deleted) throw new ConflictError(`Contact ${id} is deleted; restore it before changing it`);
}

/** Emits `type` for each contact in `ids`; returns the snapshots, in id order. */
export async function emitContactEvents<T extends Exclude<PendingChangeEvent['type'], 'contact.erased' | 'tag.renamed' | 'tag.deleted'>>(
  client: Pick<PoolClient, 'query'>,
  workspaceId: string,
  ids: string[],
  type: T,
  extra: (snapshot: ContactSnapshot) => Extra<T>,
): Promise<ContactSnapshot[]> {
  const snapshots = await loadSnapshots(client, workspaceId, ids);
  await appendOutboxEvents(
    client,
    snapshots.map((contact) => ({ type, workspaceId, contactId: contact.id, contact, ...extra(contact) }) as unknown as PendingChangeEvent),
  );
  return snapshots;
}
