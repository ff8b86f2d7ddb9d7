// The one way a contact change leaves a transaction: load the changed contacts' snapshots (with
// their new versions) and append one event per contact to the outbox, in the same transaction.
import type { ContactSnapshot } from '@segmenter/shared';
import type { PoolClient } from 'pg';
import { appendOutboxEvents, PendingChangeEvent } from '../outbox/outbox-store';
import { loadSnapshots } from './contacts-store';

type ContactEventOf<T extends PendingChangeEvent['type']> = Extract<PendingChangeEvent, { type: T }>;
type Extra<T extends PendingChangeEvent['type']> = Omit<ContactEventOf<T>, 'type' | 'workspaceId' | 'contactId' | 'contact'>;

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
