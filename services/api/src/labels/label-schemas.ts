// Label request shapes. Keys and values are checked entry by entry so an error names the
// offending key (`body.set.tier`), not just "labels".
import { z } from 'zod';
import { LabelKey, LabelValue, LIMITS, userKeyRecord } from '@segmenter/shared';
import { ContactIdList } from '../tags/tag-schemas';

/**
 * A key -> value map whose every entry is checked, with at most `LIMITS.labelsPerContact` entries.
 * userKeyRecord, not z.record: "__proto__", "constructor" and "prototype" are ordinary label keys.
 */
export const LabelMap = userKeyRecord(LabelKey, LabelValue, { noun: 'labels', maxEntries: LIMITS.labelsPerContact });

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
export const BulkSetLabelsRequest = z.strictObject({
  contactIds: ContactIdList,
  labels: LabelMap.refine((l) => Object.keys(l).length > 0, 'must hold at least one label'),
});
export const BulkRemoveLabelsRequest = z.strictObject({ contactIds: ContactIdList, keys: LabelKeys });

/** POST /v1/labels/{key}/rename: the new key; updateSegments also rewrites the saved segments naming the old one (when the job ends). */
export const RenameLabelKeyRequest = z.strictObject({ to: LabelKey, updateSegments: z.boolean().default(false) });

/** At most this many values merged by one job. */
export const MAX_MERGED_VALUES = 100;

/** POST /v1/labels/{key}/merge-values: the values to replace (the target among them is allowed and ignored) and the one they become. */
export const MergeLabelValuesRequest = z
  .strictObject({
    from: z.array(LabelValue).min(1, 'must hold at least one value').max(MAX_MERGED_VALUES, `must hold at most ${MAX_MERGED_VALUES} values`),
    to: LabelValue,
    updateSegments: z.boolean().default(false),
  })
  .refine((r) => r.from.some((v) => v !== r.to), { message: 'must hold at least one value other than to', path: ['from'] })
  .transform((r) => ({ ...r, from: [...new Set(r.from)].filter((v) => v !== r.to) }));
