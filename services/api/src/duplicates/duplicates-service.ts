// Duplicates: find values shared by several live contacts, list them, and resolve one value by
// keeping the earliest or latest created contact. `merge` moves the others' tags and labels onto
// the kept contact (its own label values win; labels that would pass the limit are left behind
// and reported) before soft-deleting them; `remove` only soft-deletes them. One transaction.
import { inTransaction, LIMITS, Pool } from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { loadSnapshot, loadSnapshots, softDeleteContact, touchContacts } from '../contacts/contacts-store';
import { NotFoundError } from '../errors/app-error';
import { setLabels } from '../labels/labels-store';
import { addContactTags } from '../tags/tags-store';
import { contactsWithValue, DuplicateField, duplicateValues } from './duplicates-store';

export interface ResolveDuplicates {
  field: DuplicateField;
  value: string;
  keep: 'earliest' | 'latest';
  action: 'merge' | 'remove';
}

export function createDuplicatesService(pool: Pool) {
  return {
    values: (workspaceId: string, field: DuplicateField, limit: number, cursor?: string) => duplicateValues(pool, workspaceId, field, limit, cursor),
    contacts: (workspaceId: string, field: DuplicateField, value: string) => contactsWithValue(pool, workspaceId, field, value),

    async resolve(workspaceId: string, r: ResolveDuplicates) {
      return inTransaction(pool, async (client) => {
        const holders = await contactsWithValue(client, workspaceId, r.field, r.value, true);
        if (holders.length < 2) throw new NotFoundError(`A duplicate ${r.field} "${r.value}"`);
        const kept = r.keep === 'earliest' ? holders[0]! : holders[holders.length - 1]!;
        const others = holders.filter((h) => h.id !== kept.id);
        const leftBehind: { contactId: string; key: string }[] = [];
        if (r.action === 'merge') {
          const sources = await loadSnapshots(client, workspaceId, others.map((o) => o.id));
          const target = (await loadSnapshot(client, workspaceId, kept.id))!;
          const tagIds = [...new Set(sources.flatMap((s) => s.tagIds))];
          const addedTags = tagIds.length > 0 ? (await addContactTags(client, workspaceId, [kept.id], tagIds)).get(kept.id) ?? [] : [];
          const labels: Record<string, string> = {};
          let room = LIMITS.labelsPerContact - Object.keys(target.labels).length;
          for (const source of sources) {
            for (const [key, value] of Object.entries(source.labels)) {
              if (Object.hasOwn(target.labels, key) || Object.hasOwn(labels, key)) continue;
              if (room > 0) {
                labels[key] = value;
                room -= 1;
              } else leftBehind.push({ contactId: source.id, key });
            }
          }
          const setLabelsChanged = (await setLabels(client, workspaceId, [kept.id], labels)).get(kept.id);
          if (addedTags.length > 0 || setLabelsChanged) {
            await touchContacts(client, workspaceId, [kept.id]);
            if (addedTags.length > 0) await emitContactEvents(client, workspaceId, [kept.id], 'contact.tags_added', () => ({ tagIds: addedTags }));
            if (setLabelsChanged) await emitContactEvents(client, workspaceId, [kept.id], 'contact.labels_set', () => ({ labels: setLabelsChanged }));
          }
        }
        const reason = `duplicate ${r.field}: ${r.action === 'merge' ? 'merged into' : 'removed in favour of'} ${kept.id}`;
        for (const other of others) await softDeleteContact(client, workspaceId, other.id, reason);
        await emitContactEvents(client, workspaceId, others.map((o) => o.id), 'contact.deleted', () => ({ reason }));
        return { kept: kept.id, deleted: others.map((o) => o.id), labelsLeftBehind: leftBehind };
      });
    },
  };
}
export type DuplicatesService = ReturnType<typeof createDuplicatesService>;
