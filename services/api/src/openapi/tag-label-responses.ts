// Answers of the tag and label endpoints (tags/, labels/): tags with their counts, label keys and
// values in use, and the bulk changes with what they left alone.
import { z } from 'zod';
import { answer, pageOf, timestamp, uuid } from './schema-kit';
import { BulkChangeAnswer } from './contact-responses';

export const Tag = answer({ id: uuid, name: z.string(), protected: z.boolean(), createdAt: timestamp });
export const TagList = pageOf(Tag.extend({ contactCount: z.number().int() }));
export const BulkTagAnswer = BulkChangeAnswer.extend({ tagIds: z.array(uuid) });

export const LabelKeys = pageOf(answer({ key: z.string(), contactCount: z.number().int() }));
export const LabelValues = pageOf(answer({ value: z.string(), contactCount: z.number().int() })).extend({ key: z.string() });
/** Contacts a bulk label change would have taken past the per-contact label limit are left alone and listed. */
export const BulkLabelAnswer = BulkChangeAnswer.extend({
  rejected: z.array(answer({ contactId: uuid, keys: z.array(z.string()), rule: z.string() })),
});
