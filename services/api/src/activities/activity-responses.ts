// Answers of the activity endpoints (activities/): a contact's engagement history and the batch
// results.
import { z } from 'zod';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES } from '@segmenter/shared';
import { FieldProblem } from '../errors/problem';
import { answer, pageOf, timestamp } from '../http/answer-schemas';

const activityFields = {
  channel: z.enum(ACTIVITY_CHANNELS),
  status: z.enum(ACTIVITY_STATUSES),
  messageName: z.string().nullish(),
  language: z.string().nullish(),
  occurredAt: timestamp,
};
export const Activity = answer({ id: z.string(), ...activityFields });
export const ActivityHistory = pageOf(Activity);
export const BatchActivitiesAnswer = answer({
  summary: answer({ stored: z.number().int(), failed: z.number().int() }),
  results: z.array(
    answer({ index: z.number().int(), status: z.enum(['stored', 'error']), id: z.string().optional(), errors: z.array(FieldProblem).optional() }),
  ),
});
