// The events a webhook can subscribe to, declared once: the request schema, the fan-out and the
// docs read this table. Each names the Kafka topic it comes from and how its deduplication key is made.
import { MEMBERSHIP_EVENT_TYPES } from '@segmenter/shared';

/** Where an event type is read: the indexer's segment-events topic, or the outbox's contact-events topic. */
export type WebhookEventSource = 'segment-events' | 'contact-events';

export const WEBHOOK_EVENT_SOURCES = {
  'segment.entered': 'segment-events',
  'segment.exited': 'segment-events',
  'contact.tags_added': 'contact-events',
  'contact.tags_removed': 'contact-events',
} as const satisfies Record<string, WebhookEventSource>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_SOURCES;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENT_SOURCES) as [WebhookEventType, ...WebhookEventType[]];

// A new membership event type fails to compile here until webhooks know where it comes from.
const _membershipTypesCovered: Record<(typeof MEMBERSHIP_EVENT_TYPES)[number], 'segment-events'> = {
  'segment.entered': WEBHOOK_EVENT_SOURCES['segment.entered'],
  'segment.exited': WEBHOOK_EVENT_SOURCES['segment.exited'],
};
void _membershipTypesCovered;

export const isWebhookEventType = (type: string): type is WebhookEventType => Object.hasOwn(WEBHOOK_EVENT_SOURCES, type);
