// Answers of the suppression endpoints (suppressions/): an entry of the suppression list and a page
// of them.
import { z } from 'zod';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';

/** An entry of the suppression list; `address` is null once its contact was erased (only a hash is kept). */
export const Suppression = answer({
  id: uuid,
  channel: z.enum(['email', 'phone']),
  address: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  contactId: uuid.nullable(),
  suppressedAt: timestamp,
  erasedAt: timestamp.nullable(),
});
export const SuppressionPage = pageOf(Suppression);
