// Contact writes. Each one is a transaction that changes the row, bumps its version and appends
// its event to the outbox; nothing reaches Kafka that Postgres did not commit.
import { ContactSnapshot, CustomFieldValue, inTransaction, lockForTransaction, Pool, PoolClient } from '@segmenter/shared';
import { mergeCustomFields } from '../custom-fields/custom-field-values';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error';
import { appendOutboxEvent } from '../outbox/outbox-store';
import { emitContactEvents, lockLiveContact } from './contact-changes';
import type { ContactFields, CreateContactRequest, MatchBy, StatusChangeRequest } from './contact-schemas';
import { listContacts, ListContactsOptions } from './contacts-list-store';
import {
  eraseContact,
  insertContact,
  loadSnapshot,
  lockContact,
  lockContactByMatch,
  recordStatusChange,
  restoreContact,
  setChannelStatus,
  softDeleteContact,
  statusHistory,
  updateContactFields,
} from './contacts-store';

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

async function resolveCustomFields(
  client: PoolClient,
  workspaceId: string,
  current: Record<string, CustomFieldValue>,
  changes: ContactFields['customFields'],
  prefix: string,
): Promise<Record<string, CustomFieldValue> | undefined> {
  if (changes === undefined) return undefined;
  const merged = mergeCustomFields(await loadDefinitions(client, workspaceId), current, changes, prefix);
  if ('problems' in merged) throw new ValidationError(merged.problems);
  return merged.fields;
}

export function createContactsService(pool: Pool) {
  async function createIn(client: PoolClient, workspaceId: string, request: CreateContactRequest, prefix: string): Promise<ContactSnapshot> {
    const customFields = (await resolveCustomFields(client, workspaceId, {}, request.customFields, `${prefix}.customFields`)) ?? {};
    const id = await insertContact(client, workspaceId, request, customFields);
    if (request.emailStatus && request.emailStatus !== 'active') await recordStatusChange(client, workspaceId, id, 'email', request.emailStatus, 'set at creation');
    if (request.phoneStatus && request.phoneStatus !== 'active') await recordStatusChange(client, workspaceId, id, 'phone', request.phoneStatus, 'set at creation');
    const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.upserted', () => ({ created: true }));
    return contact!;
  }

  /** Returns the contact after the change, and whether anything changed. */
  async function updateIn(client: PoolClient, workspaceId: string, id: string, fields: ContactFields, prefix: string): Promise<[ContactSnapshot, boolean]> {
    await lockLiveContact(client, workspaceId, id);
    const current = (await loadSnapshot(client, workspaceId, id))!;
    const customFields = await resolveCustomFields(client, workspaceId, current.customFields, fields.customFields, `${prefix}.customFields`);
    const changed = await updateContactFields(client, workspaceId, id, fields, customFields);
    if (!changed) return [current, false];
    const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.upserted', () => ({ created: false }));
    return [contact!, true];
  }

  async function upsertIn(client: PoolClient, workspaceId: string, matchBy: MatchBy, fields: ContactFields, prefix: string) {
    // Two upserts of the same new value must not both insert (phones have no unique index):
    // serialise them on the value for the rest of the transaction.
    await lockForTransaction(client, `upsert:${workspaceId}:${matchBy}:${fields[matchBy]}`);
    const existing = await lockContactByMatch(client, workspaceId, matchBy, fields[matchBy]!);
    if (!existing) return { status: 'created' as UpsertStatus, contact: await createIn(client, workspaceId, fields as CreateContactRequest, prefix) };
    const [contact, changed] = await updateIn(client, workspaceId, existing, fields, prefix);
    return { status: (changed ? 'updated' : 'unchanged') as UpsertStatus, contact };
  }

  async function getContact(workspaceId: string, id: string): Promise<ContactSnapshot> {
    const contact = await loadSnapshot(pool, workspaceId, id);
    if (!contact) throw new NotFoundError(`Contact ${id}`);
    return contact;
  }

  return {
    createContact: (workspaceId: string, request: CreateContactRequest) => inTransaction(pool, (c) => createIn(c, workspaceId, request, 'body')),

    getContact,

    updateContact: async (workspaceId: string, id: string, fields: ContactFields) =>
      (await inTransaction(pool, (c) => updateIn(c, workspaceId, id, fields, 'body')))[0],

    upsertContact: (workspaceId: string, matchBy: MatchBy, fields: ContactFields) =>
      inTransaction(pool, (c) => upsertIn(c, workspaceId, matchBy, fields, 'body.contact')),

    /** Each item commits on its own, so one bad item fails alone; items run in order, so two items with one email converge. */
    upsertContactItem: (workspaceId: string, matchBy: MatchBy, fields: ContactFields, index: number) =>
      inTransaction(pool, (c) => upsertIn(c, workspaceId, matchBy, fields, `body.contacts.${index}`)),

    async deleteContact(workspaceId: string, id: string, reason: string | null): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, id);
        await softDeleteContact(client, workspaceId, id, reason);
        const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.deleted', () => ({ reason }));
        return contact!;
      });
    },

    async restoreContact(workspaceId: string, id: string): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        const lock = await lockContact(client, workspaceId, id);
        if (!lock) throw new NotFoundError(`Contact ${id}`);
        if (!lock.deleted) throw new ConflictError(`Contact ${id} is not deleted`);
        await restoreContact(client, workspaceId, id);
        const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.restored', () => ({}));
        return contact!;
      });
    },

    /** Erasure on a privacy request: the row, its tags, labels, statuses and activity are gone; the index keeps a tombstone. */
    async eraseContact(workspaceId: string, id: string): Promise<void> {
      await inTransaction(pool, async (client) => {
        const version = await eraseContact(client, workspaceId, id);
        if (version === undefined) throw new NotFoundError(`Contact ${id}`);
        await appendOutboxEvent(client, { type: 'contact.erased', workspaceId, contactId: id, version });
      });
    },

    async changeStatus(workspaceId: string, id: string, change: StatusChangeRequest): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, id);
        const changed = await setChannelStatus(client, workspaceId, id, change.channel, change.status, change.reason ?? null);
        if (!changed) return (await loadSnapshot(client, workspaceId, id))!;
        const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.upserted', () => ({ created: false }));
        return contact!;
      });
    },

    statusHistory: async (workspaceId: string, id: string) => {
      await getContact(workspaceId, id); // 404 for an unknown contact, not an empty history
      return statusHistory(pool, workspaceId, id);
    },

    listContacts: (workspaceId: string, options: ListContactsOptions) => listContacts(pool, workspaceId, options),
  };
}
export type ContactsService = ReturnType<typeof createContactsService>;
