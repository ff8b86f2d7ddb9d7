// Answers of the dashboard numbers (counts/): live contacts, sendable, per status, tag and label key.
import { z } from 'zod';
import { EMAIL_STATUSES, PHONE_STATUSES } from '@segmenter/shared';
import { Waited } from '../consistency/consistency-responses';
import { answer, uuid } from '../http/answer-schemas';
import { Freshness } from '../analytics/analytics-responses';

/** Only contacts that have the channel are counted: a contact without a phone number is in no phone status. */
const countsBy = (channel: string, keys: readonly string[]) =>
  z
    .record(z.string(), z.number().int())
    .describe(`Live contacts that have ${channel}, per status (${keys.join(', ')}); statuses no such contact is in are left out`);
export const Counts = answer({
  total: z.number().int(),
  sendable: answer({ email: z.number().int(), phone: z.number().int() }),
  emailStatus: countsBy('an email address', EMAIL_STATUSES),
  phoneStatus: countsBy('a phone number', PHONE_STATUSES),
  tags: z.array(answer({ id: uuid, name: z.string(), count: z.number().int() })),
  labelKeys: z.record(z.string(), z.number().int()),
  /** More label keys than listed: the rest are counted in GET /v1/labels. */
  labelKeysTruncated: z.boolean(),
  tookMs: z.number().int(),
  /** How far the index was behind Postgres for the workspace when it answered. */
  freshness: Freshness,
  consistency: Waited.optional(),
});
