// Answers of the analytics endpoints (analytics/): numbers aggregated by the search index, each with
// the time the search took and how fresh the index was for the workspace when it answered.
import { z } from 'zod';
import { Waited } from '../consistency/consistency-responses';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';
import { QueryProblem } from '../segments/segment-responses';
import { INTERVALS } from './analytics-calendar';
import { TAG_SORTS } from './analytics-schemas';

const count = z.number().int();

/**
 * How far the index may be behind Postgres for this workspace when it answered (consistency/
 * mirror-freshness.ts): changes not yet mirrored are not in the numbers. Open: it may gain fields.
 */
export const Freshness = answer({
  /** Milliseconds since the oldest change of the workspace the index may not show yet was committed; 0 when caught up. */
  lagMs: count,
  /** Changes of the workspace committed in Postgres and not yet on their way to the index. */
  pendingChanges: count,
  asOf: timestamp,
  indexerUnknown: z
    .boolean()
    .optional()
    .describe(
      "True when no indexer progress is recorded (no indexer ever ran, or its consumer group was renamed): how far the index is behind is unknown, and lagMs is only the relay's part, a lower bound",
    ),
});

/** What every analytics answer carries: the search's time in the api, the index's freshness, and the read-your-writes wait when a token was given. */
const served = { tookMs: count, freshness: Freshness, consistency: Waited.optional() };

/** The saved segment the numbers are narrowed to (`segmentId`). */
const scope = { segment: answer({ id: uuid, name: z.string() }).optional() };

const ChannelBreakdown = answer({
  /** Live contacts in scope that have this channel (an email address, a phone number). */
  contacts: count,
  /** Those contacts per status; every status is listed, 0 included. */
  statuses: z.record(z.string(), count),
  /** Those of them that may be messaged on the channel (docs/sendability.md). */
  sendable: count,
});
export const ChannelsAnswer = answer({
  /** Live contacts in scope, with or without either channel. */
  total: count,
  channels: answer({ email: ChannelBreakdown, phone: ChannelBreakdown }),
  ...scope,
  ...served,
});

export const TagCountsAnswer = pageOf(answer({ id: uuid, name: z.string(), contactCount: count })).extend({ sort: z.enum(TAG_SORTS), ...scope, ...served });

export const LabelKeyCountsAnswer = pageOf(answer({ key: z.string(), contactCount: count })).extend({ total: count, ...scope, ...served });

export const LabelValueCountsAnswer = pageOf(answer({ value: z.string(), contactCount: count })).extend({
  key: z.string(),
  /** Live contacts in scope; those without the key are total - contactsWithKey. */
  total: count,
  contactsWithKey: count,
  ...scope,
  ...served,
});

export const ContactsCreatedAnswer = answer({
  interval: z.enum(INTERVALS),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  /** Contacts in scope created from `from` to `to` (both days included, in timeZone). */
  total: count,
  /** One per day, week (from Monday) or month touched by the range, empty ones included. */
  buckets: z.array(answer({ date: z.string(), startsAt: timestamp, count })),
  ...scope,
  ...served,
});

const Sendable = answer({ email: count, phone: count });
export const SegmentCountsAnswer = pageOf(
  z.union([answer({ id: uuid, name: z.string(), total: count, sendable: Sendable }), answer({ id: uuid, name: z.string(), problem: QueryProblem })]),
).extend(served);
