// Answers of the webhook endpoints: a webhook (never its secret), the secret once on create and
// rotation, and the delivery log.
import { z } from 'zod';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { DELIVERY_STATUSES, WEBHOOK_STATUSES } from './webhook-schemas';

export const Webhook = answer({
  id: uuid,
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  segmentIds: z.array(uuid).nullable(),
  status: z.enum(WEBHOOK_STATUSES),
  /** Why it is paused: by request, or the failures that paused it. */
  pausedReason: z.string().nullable(),
  pausedAt: timestamp.nullable(),
  consecutiveFailures: z.number().int(),
  /** When the current streak of failed attempts began (null without one): a streak pauses the webhook once long enough in attempts and in time. */
  failingSince: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const WebhookPage = pageOf(Webhook);
/** Create and rotate: the only answers that hold the secret. */
export const WebhookWithSecret = Webhook.extend({ secret: z.string() });

export const WebhookDelivery = answer({
  id: uuid,
  webhookId: uuid,
  eventType: z.string(),
  /** The event's deduplication key: the body's `id`. */
  eventKey: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastResponseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: timestamp,
  lastAttemptAt: timestamp.nullable(),
  /** When a pending delivery is next tried; null once it ended, or while its webhook is paused. */
  nextAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
});
export const WebhookDeliveryPage = pageOf(WebhookDelivery);
