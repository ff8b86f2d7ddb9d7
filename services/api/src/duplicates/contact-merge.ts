// What a merge of duplicates carries onto the kept contact, planned without I/O: fields empty on
// the kept contact are filled from the merged ones (oldest first), its own values always win, the
// strictest channel status of the address it ends with wins, and whatever cannot be carried over is reported, never dropped
// silently. Label keys come from users (`__proto__` is a valid key), so they live in Maps.
import { CONTACT_FIELDS, contactFieldsWith, ContactSnapshot, LIMITS, pathOf, snapshotValueOf, StatusChannel } from '@segmenter/shared';
import type { ContactFields } from '../contacts/contact-schemas';
import { strictnessOf } from '../suppressions/status-strictness';

export interface NotCarriedOver {
  contactId: string;
  field: string;
  rule: string;
}

export interface MergePlan {
  /** Profile fields to set on the kept contact (only the ones it lacked). */
  fields: ContactFields;
  /** The kept contact's custom fields after the merge, when any was added. */
  customFields?: Record<string, ContactSnapshot['customFields'][string]>;
  tagIds: string[];
  labels: Map<string, string>;
  /** A stricter status per channel, with the contact it comes from. */
  statuses: Partial<Record<StatusChannel, { status: string; from: string }>>;
  notCarriedOver: NotCarriedOver[];
}

/** The profile fields a merge fills when the kept contact has none: the contact field table's, in its order. */
const FILLED_FIELDS = contactFieldsWith({ fillOnMerge: true });

/** A filled field's value on a contact, and the write that sets it (address fields under `address`). */
const readField = (c: ContactSnapshot, name: (typeof FILLED_FIELDS)[number]): string | null => snapshotValueOf(c, name);
function writeField(f: ContactFields, name: (typeof FILLED_FIELDS)[number], value: string) {
  if (CONTACT_FIELDS[name].inAddress) f.address = { ...f.address, [name]: value };
  else (f as Record<string, unknown>)[name] = value;
}

const OWN_VALUE_KEPT = "the kept contact's own value is kept";
const LABELS_FULL = `does not fit: a contact holds at most ${LIMITS.labelsPerContact} labels`;

export function planMerge(kept: ContactSnapshot, merged: ContactSnapshot[]): MergePlan {
  const plan: MergePlan = { fields: {}, tagIds: [], labels: new Map(), statuses: {}, notCarriedOver: [] };
  const skip = (contactId: string, field: string, rule: string) => plan.notCarriedOver.push({ contactId, field, rule });

  for (const name of FILLED_FIELDS) {
    let value = readField(kept, name);
    for (const source of merged) {
      const theirs = readField(source, name);
      if (theirs === null || theirs === '') continue;
      if (value === null || value === '') {
        value = theirs;
        writeField(plan.fields, name, theirs);
      } else if (theirs !== value) skip(source.id, pathOf(name), OWN_VALUE_KEPT);
    }
  }

  const custom = new Map(Object.entries(kept.customFields));
  let customAdded = false;
  for (const source of merged) {
    for (const [key, theirs] of Object.entries(source.customFields)) {
      const ours = custom.get(key);
      if (ours === undefined || ours === null) {
        custom.set(key, theirs);
        customAdded = true;
      } else if (ours !== theirs) skip(source.id, `customFields.${key}`, OWN_VALUE_KEPT);
    }
  }
  if (customAdded) plan.customFields = Object.fromEntries(custom);

  const keptTags = new Set(kept.tagIds);
  plan.tagIds = [...new Set(merged.flatMap((s) => s.tagIds))].filter((id) => !keptTags.has(id));

  const labels = new Map(Object.entries(kept.labels));
  for (const source of merged) {
    for (const [key, theirs] of Object.entries(source.labels)) {
      const ours = labels.get(key);
      if (ours !== undefined) {
        if (ours !== theirs) skip(source.id, `labels.${key}`, OWN_VALUE_KEPT);
      } else if (labels.size >= LIMITS.labelsPerContact) skip(source.id, `labels.${key}`, LABELS_FULL);
      else {
        labels.set(key, theirs);
        plan.labels.set(key, theirs);
      }
    }
  }

  // A status belongs to its address: a duplicate's status counts only where its address is the
  // one the kept contact ends with (shared, or carried over). Another address's opt-out stays on
  // the suppression list with that address, and must not suppress this one.
  for (const channel of ['email', 'phone'] as const) {
    let status: string = channel === 'email' ? kept.emailStatus : kept.phoneStatus;
    const finalAddress = plan.fields[channel] ?? kept[channel];
    for (const source of merged) {
      if (source[channel] === null || source[channel] !== finalAddress) continue;
      const theirs = channel === 'email' ? source.emailStatus : source.phoneStatus;
      if (strictnessOf(channel, theirs) > strictnessOf(channel, status)) {
        status = theirs;
        plan.statuses[channel] = { status, from: source.id };
      }
    }
  }
  return plan;
}

/** Labels left behind for lack of room (the answer's older `labelsLeftBehind`). */
export const labelsLeftBehind = (plan: MergePlan) =>
  plan.notCarriedOver.filter((n) => n.rule === LABELS_FULL).map((n) => ({ contactId: n.contactId, key: n.field.slice('labels.'.length) }));
