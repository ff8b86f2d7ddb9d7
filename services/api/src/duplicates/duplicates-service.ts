// Duplicates: find values shared by several live contacts, list them, and resolve one value by
// keeping the earliest or latest created contact and soft-deleting the others. `merge` first
// carries their data onto the kept contact (contact-merge.ts: empty fields filled, the kept
// contact's values win, the strictest status, tags and labels) and reports what it could not
// carry; `remove` carries nothing. One transaction.
import { inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { loadSnapshot, loadSnapshots, setChannelStatus, softDeleteContact, touchContacts, updateContactFields } from '../contacts/contacts-store';
import { NotFoundError } from '../errors/app-error';
import { setLabels } from '../labels/labels-store';
import { keepSuppressionsOf } from '../suppressions/suppression-sync';
import { addContactTags } from '../tags/tags-store';
import { labelsLeftBehind, MergePlan, planMerge } from './contact-merge';
import { contactsWithValue, DuplicateField, duplicateValues } from './duplicates-store';

export interface ResolveDuplicates {
  field: DuplicateField;
  value: string;
  keep: 'earliest' | 'latest';
  action: 'merge' | 'remove';
}

/** Applies a merge plan to the kept contact (locked); returns whether it changed (version bumped, event emitted). */
async function applyMerge(client: PoolClient, workspaceId: string, keptId: string, plan: MergePlan): Promise<boolean> {
  const fieldsChanged = await updateContactFields(client, workspaceId, keptId, plan.fields, plan.customFields);
  const tagsAdded = plan.tagIds.length > 0 ? ((await addContactTags(client, workspaceId, [keptId], plan.tagIds)).get(keptId) ?? []) : [];
  const labelsSet = plan.labels.size > 0 ? (await setLabels(client, workspaceId, [keptId], Object.fromEntries(plan.labels))).get(keptId) : undefined;
  let statusChanged = false;
  for (const channel of ['email', 'phone'] as const) {
    const stricter = plan.statuses[channel];
    if (
      stricter &&
      (await setChannelStatus(client, workspaceId, keptId, channel, stricter.status, `merged: the stricter status of duplicate ${stricter.from}`))
    )
      statusChanged = true;
  }
  // The suppressions of the merged contacts were kept when they were deleted; the kept contact's own
  // (possibly new) address and status join them.
  await keepSuppressionsOf(client, workspaceId, [keptId], 'kept by a duplicates merge');
  const changed = fieldsChanged || tagsAdded.length > 0 || !!labelsSet || statusChanged;
  if (!changed) return false;
  if (tagsAdded.length > 0 || labelsSet) await touchContacts(client, workspaceId, [keptId]);
  await emitContactEvents(client, workspaceId, [keptId], 'contact.upserted', () => ({ created: false }));
  return true;
}

export function createDuplicatesService(deps: { pool: Pool }) {
  const { pool } = deps;
  return {
    values: (workspaceId: string, field: DuplicateField, limit: number, cursor?: string) => duplicateValues(pool, workspaceId, field, limit, cursor),
    contacts: (workspaceId: string, field: DuplicateField, value: string) => contactsWithValue(pool, workspaceId, field, value),

    async resolve(workspaceId: string, r: ResolveDuplicates) {
      return inTransaction(pool, async (client) => {
        const holders = await contactsWithValue(client, workspaceId, r.field, r.value, true);
        if (holders.length < 2) throw new NotFoundError(`A duplicate ${r.field} "${r.value}"`);
        const kept = r.keep === 'earliest' ? holders[0]! : holders[holders.length - 1]!;
        const others = holders.filter((h) => h.id !== kept.id);
        // Oldest first, so an empty field is filled from the earliest duplicate that has it.
        const byAge = new Map(others.map((o, i) => [o.id, i]));
        const merged =
          r.action === 'merge'
            ? (
                await loadSnapshots(
                  client,
                  workspaceId,
                  others.map((o) => o.id),
                )
              ).sort((a, b) => byAge.get(a.id)! - byAge.get(b.id)!)
            : [];
        const plan = r.action === 'merge' ? planMerge((await loadSnapshot(client, workspaceId, kept.id))!, merged) : undefined;

        // The duplicates go first: a deleted contact leaves the unique index of live emails, so the
        // kept contact can take a duplicate's email in the same transaction.
        const reason = `duplicate ${r.field}: ${r.action === 'merge' ? 'merged into' : 'removed in favour of'} ${kept.id}`;
        for (const other of others) await softDeleteContact(client, workspaceId, other.id, reason);
        await emitContactEvents(
          client,
          workspaceId,
          others.map((o) => o.id),
          'contact.deleted',
          () => ({ reason }),
        );

        const changed = plan ? await applyMerge(client, workspaceId, kept.id, plan) : false;
        return {
          action: r.action,
          kept: kept.id,
          deleted: others.map((o) => o.id),
          keptChanged: changed,
          notCarriedOver: plan?.notCarriedOver ?? [],
          labelsLeftBehind: plan ? labelsLeftBehind(plan) : [],
        };
      });
    },
  };
}
export type DuplicatesService = ReturnType<typeof createDuplicatesService>;
