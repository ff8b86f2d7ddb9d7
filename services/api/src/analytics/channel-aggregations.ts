// Channel statuses as the index counts them: a status is counted only for contacts that have the
// channel. The status columns default to 'active', so a contact without a phone number is
// 'active' by phone in its document; counted as it is, every contact would look reachable by phone.
// GET /v1/counts and GET /v1/analytics/channels read their per-status numbers from here.
import { EMAIL_STATUSES, estypes, PHONE_STATUSES } from '@segmenter/shared';
import { SENDABLE_AGGREGATIONS } from '../segments/segment-counts';

/** The channels and every status each can be in, declared once for the channel answers. */
export const CHANNEL_STATUSES = { email: EMAIL_STATUSES, phone: PHONE_STATUSES } as const;
export type Channel = keyof typeof CHANNEL_STATUSES;
export const CHANNELS = Object.keys(CHANNEL_STATUSES) as Channel[];

/** Contacts that have the channel (the address is in the document), per status, and how many of them are sendable. */
export const channelAggregation = (channel: Channel): estypes.AggregationsAggregationContainer => ({
  filter: { exists: { field: channel } },
  aggs: {
    statuses: { terms: { field: `${channel}_status`, size: 20 } },
    sendable: SENDABLE_AGGREGATIONS[`sendable_${channel}`],
  },
});

export interface ChannelAggregation {
  doc_count: number;
  statuses: { buckets: { key: string; doc_count: number }[] };
  sendable: { doc_count: number };
}

/** Per status as the index found them (statuses no contact is in are absent). */
export const statusCountsOf = (agg: ChannelAggregation): Record<string, number> => Object.fromEntries(agg.statuses.buckets.map((b) => [b.key, b.doc_count]));

/** The channel's numbers, every known status listed (0 when no contact is in it). */
export function channelBreakdown(channel: Channel, agg: ChannelAggregation) {
  const found = statusCountsOf(agg);
  const statuses = Object.fromEntries(CHANNEL_STATUSES[channel].map((s): [string, number] => [s, found[s] ?? 0]));
  return { contacts: agg.doc_count, statuses: { ...statuses, ...found }, sendable: agg.sendable.doc_count };
}
