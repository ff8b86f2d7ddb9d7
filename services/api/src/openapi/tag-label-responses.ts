// Answers of the tag and label endpoints (tags/, labels/): tags with their counts, label keys and
// values in use, and the bulk changes with what they left alone.
import { z } from 'zod';
import { answer, itemsOf, timestamp, uuid } from './schema-kit';
import { BulkChangeAnswer } from './contact-responses';

export const Tag = answer({ id: uuid, name: z.string(), protected: z.boolean(), createdAt: timestamp });
export const TagList = itemsOf(Tag.extend({ contactCount: z.number().int() }));
export const BulkTagAnswer = BulkChangeAnswer.extend({ tagIds: z.array(uuid) });

export const LabelKeys = itemsOf(answer({ key: z.string(), contactCount: z.number().int() }));
export const LabelValues = answer({ key: z.string(), items: z.array(answer({ value: z.string(), contactCount: z.number().int() })) });
/** Contacts a bulk label change would have taken past the per-contact label limit are left alone and listed. */
export const BulkLabelAnswer = BulkChangeAnswer.extend({
  rejected: z.array(answer({ contactId: uuid, keys: z.array(z.string()), rule: z.string() })),
});
