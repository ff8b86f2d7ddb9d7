// Duplicates request shapes: which field (email or phone), one shared value, normalized as
// contacts store it, and how to resolve it (keep the earliest or latest; merge or remove).
import { z } from 'zod';
import { normalizeEmail, normalizePhone, PHONE_RULE } from '@segmenter/shared';

export const DuplicateField = z.enum(['email', 'phone']);
export const DuplicateFieldParams = z.object({ field: DuplicateField });
export const DuplicateListQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  cursor: z.string().max(300, 'must be at most 300 characters').optional(),
});
const rawValue = z.string().min(1, 'must not be empty').max(300, 'must be at most 300 characters');

/** The value as contacts store it (emails lower-cased, phones in E.164), so `+1 415 555 0199` finds `+14155550199`. */
function normalizedValue<T extends { field: 'email' | 'phone'; value: string }>(part: T, ctx: z.RefinementCtx): T {
  if (part.field === 'email') return { ...part, value: normalizeEmail(part.value) };
  const phone = normalizePhone(part.value);
  if (phone === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: PHONE_RULE });
    return z.NEVER;
  }
  return { ...part, value: phone };
}

export const DuplicateValueParams = z.object({ field: DuplicateField, value: rawValue }).transform(normalizedValue);
export const ResolveDuplicatesRequest = z
  .strictObject({
    field: DuplicateField,
    value: rawValue,
    keep: z.enum(['earliest', 'latest'], 'must be one of earliest, latest'),
    // Required: a merge and a removal differ in what survives, so neither is chosen for the client.
    action: z.enum(['merge', 'remove'], { error: (issue) => (issue.input === undefined ? 'is required: merge or remove' : 'must be one of merge, remove') }),
  })
  .transform(normalizedValue);
