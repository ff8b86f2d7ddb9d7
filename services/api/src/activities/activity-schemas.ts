// Engagement events: what happened to a message on a channel, and when.
import { z } from 'zod';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES, LIMITS } from '@segmenter/shared';
import { Language, Timestamp } from '../contacts/contact-schemas';

export { ACTIVITY_CHANNELS, ACTIVITY_STATUSES };

export const ActivityFields = z.strictObject({
  channel: z.enum(ACTIVITY_CHANNELS),
  status: z.enum(ACTIVITY_STATUSES),
  messageName: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  language: Language.optional(),
  occurredAt: Timestamp.refine((t) => Date.parse(t) <= Date.now() + 5 * 60_000, 'must not be in the future'),
});
export type ActivityFields = z.infer<typeof ActivityFields>;

export const BatchActivityItem = ActivityFields.extend({ contactId: z.uuid('must be a contact id (UUID)') });
export type BatchActivityItem = z.infer<typeof BatchActivityItem>;
export const BatchActivitiesRequest = z.strictObject({
  activities: z.array(z.unknown()).min(1, 'must hold at least one activity').max(LIMITS.batchUpsert, `must hold at most ${LIMITS.batchUpsert} activities`),
});
export const ActivityHistoryQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a cursor returned by this endpoint')
    .optional(),
});
