// Label request shapes. Keys and values are checked entry by entry so an error names the
// offending key (`body.set.tier`), not just "labels".
import { z } from 'zod';
import { LabelKey, LabelValue, LIMITS } from '@segmenter/shared';
import { ContactIdList } from '../tags/tag-schemas';

/** A key -> value map whose every entry is checked, with at most `LIMITS.labelsPerContact` entries. */
// z.custom, not z.record: a record copies keys by assignment, which would turn a "__proto__" key
// into a prototype change and drop it.
export const LabelMap = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be an object of key: value labels')
  .transform((map, ctx) => {
  const entries = Object.entries(map);
  if (entries.length > LIMITS.labelsPerContact) {
    ctx.addIssue({ code: 'custom', message: `must hold at most ${LIMITS.labelsPerContact} labels` });
    return z.NEVER;
  }
  const labels: [string, string][] = [];
  for (const [key, value] of entries) {
    const keyCheck = LabelKey.safeParse(key);
    if (!keyCheck.success) {
      ctx.addIssue({ code: 'custom', path: [key], message: `key ${keyCheck.error.issues[0]!.message}` });
      continue;
    }
    const valueCheck = LabelValue.safeParse(value);
    if (!valueCheck.success) {
      ctx.addIssue({ code: 'custom', path: [key], message: `value ${valueCheck.error.issues[0]!.message}` });
      continue;
    }
    labels.push([key, valueCheck.data]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain label.
  return Object.fromEntries(labels) as Record<string, string>;
});

const LabelKeys = z.array(LabelKey).min(1, 'must hold at least one key').max(LIMITS.labelsPerContact, `must hold at most ${LIMITS.labelsPerContact} keys`);

export const ChangeLabelsRequest = z
  .strictObject({ set: LabelMap.optional(), remove: LabelKeys.optional() })
  .refine((r) => Object.keys(r.set ?? {}).length + (r.remove?.length ?? 0) > 0, { message: 'must set or remove at least one label' })
  .superRefine((r, ctx) => {
    r.remove?.forEach((key, i) => {
      if (r.set && Object.hasOwn(r.set, key)) ctx.addIssue({ code: 'custom', path: ['remove', i], message: 'is also in set: a key is either set or removed' });
    });
  });
export type ChangeLabelsRequest = z.infer<typeof ChangeLabelsRequest>;

export const ReplaceLabelsRequest = z.strictObject({ labels: LabelMap });
export const LabelKeyParams = z.object({ key: LabelKey });
export const BulkSetLabelsRequest = z.strictObject({ contactIds: ContactIdList, labels: LabelMap.refine((l) => Object.keys(l).length > 0, 'must hold at least one label') });
export const BulkRemoveLabelsRequest = z.strictObject({ contactIds: ContactIdList, keys: LabelKeys });
