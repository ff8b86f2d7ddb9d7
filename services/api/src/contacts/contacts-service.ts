// Contact writes. Each one is a transaction that changes the row, bumps its version and appends
// its event to the outbox; nothing reaches Kafka that Postgres did not commit.
import { ContactSnapshot, CustomFieldValue, inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { mergeCustomFields } from '../custom-fields/custom-field-values';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { ConflictError, FieldProblem, NotFoundError, ValidationError } from '../errors/app-error';
import { answerUnchanged, appendContactEvents, changeLiveContactsInChunks, emitContactEvents, emitUpsertedEvents, lockLiveContact } from './contact-changes';
import { ItemOutcome, WriteOptions, WriteStatus, writeContacts } from './contact-batch-writer';
import type { BulkStatusRequest, ContactFields, ContactWrite, CreateContactRequest, MatchBy, StatusChangeRequest } from './contact-schemas';
import { listContacts, ListContactsOptions } from './contacts-list-store';
import { applyExplicitStatus } from '../suppressions/suppression-sync';
import {
  eraseContact,
  loadSnapshot,
  lockContact,
  setChannelStatuses,
  restoreContact,
  setChannelStatus,
  softDeleteContact,
  statusHistory,
  updateContactFields,
} from './contacts-store';

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

/** Field paths from the writer (relative to the item) under the request part they came in. */
const under = (prefix: string, problems: FieldProblem[]) => problems.map((p) => ({ field: `${prefix}.${p.field}`, rule: p.rule }));

/** A single write's outcome as the HTTP answer needs it: a failed item is the request's 400 (or 409 for a taken email). */
function singleOutcome(outcome: ItemOutcome, prefix: string): { status: WriteStatus; contactId: string } {
  if (outcome.status !== 'error') return outcome;
  if (outcome.conflict) throw new ConflictError('A contact with this email already exists in the workspace', under(prefix, outcome.problems));
  throw new ValidationError(under(prefix, outcome.problems));
}

export interface BatchItemResult {
  index: number;
  status: WriteStatus | 'error';
  id?: string;
  version?: number;
  detail?: string;
  errors?: FieldProblem[];
}

/**
 * Writes a batch set-wise in one transaction. Should a statement still hit a unique email (a
 * concurrent writer took it after our check), the batch is retried item by item, each in its own
 * savepoint, so only that item fails.
 */
export async function writeBatch(client: PoolClient, workspaceId: string, items: ContactWrite[], options: WriteOptions): Promise<ItemOutcome[]> {
  await client.query('savepoint contact_batch');
  try {
    return await writeContacts(client, workspaceId, items, options);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query('rollback to savepoint contact_batch');
  }
  // A unique email lost a race (an item set an email, beyond the ones matched and locked, that a
  // concurrent writer took after our check). Again item by item, each in its own savepoint: an item that matched nothing a moment ago now sees the contact the
  // winner committed and updates it; one that still collides (it sets an email another contact
  // holds) fails alone.
  const outcomes: ItemOutcome[] = [];
  // Contacts created by earlier items of this batch are the writer's own (onMatch 'skip' merges into them).
  const createdHere = new Set<string>();
  const itemOptions: WriteOptions = {
    ...options,
    ownContacts: async (ids) => new Set([...((await options.ownContacts?.(ids)) ?? []), ...ids.filter((id) => createdHere.has(id))]),
  };
  for (const item of items) {
    await client.query('savepoint contact_item');
    try {
      const outcome = (await writeContacts(client, workspaceId, [item], itemOptions))[0]!;
      if (outcome.status === 'created') createdHere.add(outcome.contactId);
      outcomes.push(outcome);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      await client.query('rollback to savepoint contact_item');
      outcomes.push({ status: 'error', problems: [{ field: 'email', rule: 'must be unique in the workspace' }], conflict: true });
    }
  }
  return outcomes;
}

export function createContactsService(deps: { pool: Pool }) {
  const { pool } = deps;
  /** Returns the contact after the change, and whether anything changed. */
  async function updateIn(client: PoolClient, workspaceId: string, id: string, fields: ContactFields, prefix: string): Promise<[ContactSnapshot, boolean]> {
    await lockLiveContact(client, workspaceId, id);
    const current = (await loadSnapshot(client, workspaceId, id))!;
    const customFields = await resolveCustomFields(client, workspaceId, current.customFields, fields.customFields, `${prefix}.customFields`);
    const changed = await updateContactFields(client, workspaceId, id, fields, customFields);
    if (!changed) return [answerUnchanged(client, workspaceId, current), false];
    const [contact] = await emitContactEvents(client, workspaceId, [id], 'contact.upserted', () => ({ created: false }));
    return [contact!, true];
  }

  async function writeOne(workspaceId: string, write: ContactWrite, options: WriteOptions, prefix: string) {
    return inTransaction(pool, async (client) => {
      const { status, contactId } = singleOutcome((await writeBatch(client, workspaceId, [write], options))[0]!, prefix);
      return { status, contact: (await loadSnapshot(client, workspaceId, contactId))! };
    });
  }

  async function getContact(workspaceId: string, id: string): Promise<ContactSnapshot> {
    const contact = await loadSnapshot(pool, workspaceId, id);
    if (!contact) throw new NotFoundError(`Contact ${id}`);
    return contact;
  }

  return {
    async createContact(workspaceId: string, { createMissing, ...write }: CreateContactRequest): Promise<ContactSnapshot> {
      return (await writeOne(workspaceId, write, { matchBy: null, createMissingTags: createMissing, writtenBy: 'create' }, 'body')).contact;
    },

    getContact,

    updateContact: async (workspaceId: string, id: string, fields: ContactFields) =>
      (await inTransaction(pool, (c) => updateIn(c, workspaceId, id, fields, 'body')))[0],

    upsertContact: (workspaceId: string, matchBy: MatchBy, write: ContactWrite, createMissing?: boolean) =>
      writeOne(workspaceId, write, { matchBy, createMissingTags: createMissing, writtenBy: 'upsert' }, 'body.contact'),

    /**
     * Batch upsert: every valid item is written set-wise in one transaction; invalid items fail
     * alone. Items that match the same contact are folded into one write, in item order.
     */
    async batchUpsert(workspaceId: string, matchBy: MatchBy, items: (ContactWrite | FieldProblem[])[], createMissing?: boolean): Promise<BatchItemResult[]> {
      const valid = items.flatMap((item, index) => (Array.isArray(item) ? [] : [{ item, index }]));
      const outcomes =
        valid.length === 0
          ? []
          : await inTransaction(pool, (client) =>
              writeBatch(
                client,
                workspaceId,
                valid.map((v) => v.item),
                { matchBy, createMissingTags: createMissing, writtenBy: 'batch upsert' },
              ),
            );
      const failed = (index: number, errors: FieldProblem[]): BatchItemResult => ({
        index,
        status: 'error',
        detail: errors.map((p) => `${p.field}: ${p.rule}`).join('; '),
        errors,
      });
      const results: BatchItemResult[] = items.map((item, index) => failed(index, Array.isArray(item) ? item : []));
      valid.forEach(({ index }, i) => {
        const outcome = outcomes[i]!;
        results[index] =
          outcome.status === 'error'
            ? failed(index, under(`body.contacts.${index}`, outcome.problems))
            : { index, status: outcome.status, id: outcome.contactId, version: outcome.version };
      });
      return results;
    },

    /** Sets a channel status on up to LIMITS.bulkContactIds contacts, in chunks that commit one by one. */
    async bulkChangeStatus(workspaceId: string, request: BulkStatusRequest) {
      let changed = 0;
      const { matched, notFound } = await changeLiveContactsInChunks(pool, workspaceId, request.contactIds, async (client, live) => {
        const ids = await setChannelStatuses(client, workspaceId, live, request.channel, request.status, request.reason ?? 'bulk status change');
        await applyExplicitStatus(client, workspaceId, live, request.channel, request.status, request.reason ?? 'bulk status change');
        changed += ids.length;
        await emitUpsertedEvents(client, workspaceId, ids);
      });
      return { requested: request.contactIds.length, matched, changed, notFound };
    },

    /** `deletedBy`: the API key that asked, shown in the Deleted view. */
    async deleteContact(workspaceId: string, id: string, reason: string | null, deletedBy: string | null = null): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, id);
        await softDeleteContact(client, workspaceId, id, reason, deletedBy);
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
        await appendContactEvents(client, workspaceId, [{ type: 'contact.erased', workspaceId, contactId: id, version }]);
      });
    },

    async changeStatus(workspaceId: string, id: string, change: StatusChangeRequest): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, id);
        const changed = await setChannelStatus(client, workspaceId, id, change.channel, change.status, change.reason ?? null);
        // Explicit, so it moves the suppression list too, even when the status was already this one.
        await applyExplicitStatus(client, workspaceId, [id], change.channel, change.status, change.reason ?? null);
        if (!changed) return answerUnchanged(client, workspaceId, (await loadSnapshot(client, workspaceId, id))!);
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
