// Answers of the label endpoints (labels/): label keys and values in use, and the bulk changes with
// the contacts they left alone.
import { z } from 'zod';
import { BulkChangeAnswer } from '../contacts/contact-responses';
import { answer, pageOf, uuid } from '../http/answer-schemas';

export const LabelKeys = pageOf(answer({ key: z.string(), contactCount: z.number().int() }));
export const LabelValues = pageOf(answer({ value: z.string(), contactCount: z.number().int() })).extend({ key: z.string() });
/** Contacts a bulk label change would have taken past the per-contact label limit are left alone and listed. */
export const BulkLabelAnswer = BulkChangeAnswer.extend({
  rejected: z.array(answer({ contactId: uuid, keys: z.array(z.string()), rule: z.string() })),
});
