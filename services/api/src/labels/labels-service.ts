// Labels: key-value pairs on contacts, at most LIMITS.labelsPerContact each. A write that would
// pass the limit is refused naming the keys that do not fit. One write bumps the version once;
// removals and sets go out as contact.labels_removed then contact.labels_set, both carrying the
// final snapshot.
import { ContactSnapshot, inTransaction, LIMITS, Pool, PoolClient } from '@segmenter/shared';
import { answerUnchanged, changeLiveContactsInChunks, emitContactEvents, lockLiveContact } from '../contacts/contact-changes';
import { loadSnapshot, touchContacts } from '../contacts/contacts-store';
import { ValidationError } from '../errors/app-error';
import { textKeyedPage } from '../http/list-keys';
import type { ListQuery } from '../http/list-page';
import { labelKeyCounts, labelKeysOf, labelValueCounts, removeLabels, setLabels } from './labels-store';

/** The keys of `set` that do not fit beside `current` (minus `removing`), in the order given. */
export function keysOverLimit(current: Set<string>, set: Record<string, string>, removing: string[] = []): string[] {
  const kept = new Set([...current].filter((k) => !removing.includes(k)));
  const over: string[] = [];
  for (const key of Object.keys(set)) {
    if (kept.has(key)) continue;
    if (kept.size >= LIMITS.labelsPerContact) over.push(key);
    else kept.add(key);
  }
  return over;
}

async function applyLabelChange(client: PoolClient, workspaceId: string, contactIds: string[], set: Record<string, string>, remove: string[]) {
  const removed = await removeLabels(client, workspaceId, contactIds, remove);
  const changed = await setLabels(client, workspaceId, contactIds, set);
  const touched = [...new Set([...removed.keys(), ...changed.keys()])].sort();
  await touchContacts(client, workspaceId, touched);
  const removedIds = touched.filter((id) => removed.has(id));
  const setIds = touched.filter((id) => changed.has(id));
  await emitContactEvents(client, workspaceId, removedIds, 'contact.labels_removed', (c) => ({ keys: removed.get(c.id)! }));
  await emitContactEvents(client, workspaceId, setIds, 'contact.labels_set', (c) => ({ labels: changed.get(c.id)! }));
  return touched;
}

export interface LabelRejection {
  contactId: string;
  keys: string[];
  rule: string;
}

/** Sets and removes labels on locked live contacts; those it would take past the limit are left alone and reported. */
export async function changeLockedContactsLabels(client: PoolClient, workspaceId: string, live: string[], set: Record<string, string>, remove: string[]) {
  const current = await labelKeysOf(client, workspaceId, live);
  const rejected: LabelRejection[] = [];
  const fitting = live.filter((id) => {
    const over = keysOverLimit(current.get(id)!, set, remove);
    if (over.length > 0) rejected.push({ contactId: id, keys: over, rule: `a contact holds at most ${LIMITS.labelsPerContact} labels` });
    return over.length === 0;
  });
  return { changed: (await applyLabelChange(client, workspaceId, fitting, set, remove)).length, rejected };
}

export function createLabelsService(deps: { pool: Pool }) {
  const { pool } = deps;
  return {
    /** Sets and removes labels on one contact; with `replace`, every label not in `set` is removed. */
    async changeLabels(
      workspaceId: string,
      contactId: string,
      change: { set?: Record<string, string>; remove?: string[] },
      replace = false,
    ): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, contactId);
        const set = change.set ?? {};
        const current = (await labelKeysOf(client, workspaceId, [contactId])).get(contactId)!;
        const remove = replace ? [...current].filter((k) => !Object.hasOwn(set, k)) : (change.remove ?? []);
        const over = keysOverLimit(current, set, remove);
        if (over.length > 0) {
          throw new ValidationError(
            over.map((key) => ({
              field: `body.${replace ? 'labels' : 'set'}.${key}`,
              rule: `does not fit: a contact holds at most ${LIMITS.labelsPerContact} labels`,
            })),
          );
        }
        await applyLabelChange(client, workspaceId, [contactId], set, remove);
        // Changed or not, the answer's version is what a read with its token must see.
        return answerUnchanged(client, workspaceId, (await loadSnapshot(client, workspaceId, contactId))!);
      });
    },

    /** Bulk set or remove by id list, in chunks that commit one by one; contacts over the limit are reported, not changed. */
    async bulkChangeLabels(workspaceId: string, contactIds: string[], set: Record<string, string>, remove: string[]) {
      let changed = 0;
      const rejected: LabelRejection[] = [];
      const { matched, notFound } = await changeLiveContactsInChunks(pool, workspaceId, contactIds, async (client, live) => {
        const outcome = await changeLockedContactsLabels(client, workspaceId, live, set, remove);
        changed += outcome.changed;
        rejected.push(...outcome.rejected);
      });
      return { requested: contactIds.length, matched, changed, notFound, rejected };
    },

    /** A page of the label keys in use, by key. */
    keys: (workspaceId: string, page: ListQuery) =>
      textKeyedPage(
        page,
        'labels',
        (range) => labelKeyCounts(pool, workspaceId, range),
        (k) => k.key,
      ),
    /** A page of one key's values in use, by value; the list is named after the key, so a cursor of another key's values is refused. */
    values: (workspaceId: string, key: string, page: ListQuery) =>
      textKeyedPage(
        page,
        `labels/${key}/values`,
        (range) => labelValueCounts(pool, workspaceId, key, range),
        (v) => v.value,
      ),
  };
}
export type LabelsService = ReturnType<typeof createLabelsService>;
