// Answers of the dashboard numbers (counts/): live contacts, sendable, per status, tag and label key.
import { z } from 'zod';
import { EMAIL_STATUSES, PHONE_STATUSES } from '@segmenter/shared';
import { Waited } from '../consistency/consistency-responses';
import { answer, uuid } from '../http/answer-schemas';

const countsBy = (keys: readonly string[]) => z.record(z.string(), z.number().int()).describe(`Count per status (${keys.join(', ')})`);
export const Counts = answer({
  total: z.number().int(),
  sendable: answer({ email: z.number().int(), phone: z.number().int() }),
  emailStatus: countsBy(EMAIL_STATUSES),
  phoneStatus: countsBy(PHONE_STATUSES),
  tags: z.array(answer({ id: uuid, name: z.string(), count: z.number().int() })),
  labelKeys: z.record(z.string(), z.number().int()),
  /** More label keys than listed: the rest are counted in GET /v1/labels. */
  labelKeysTruncated: z.boolean(),
  tookMs: z.number().int(),
  consistency: Waited.optional(),
});
