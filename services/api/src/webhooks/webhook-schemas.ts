// Webhook request shapes: registration, update (url, events, segments, pause/resume), the id in
// the path and the delivery log's query. The URL rule (webhook-url.ts) is checked here, so a bad
// URL is a 400 naming body.url.
import { z } from 'zod';
import { listQueryFields } from '../http/list-page';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { webhookUrlProblem } from './webhook-url';

/** A workspace's webhooks at most: each is a sender's share and a fan-out row per event. */
export const MAX_WEBHOOKS_PER_WORKSPACE = 25;
/** Segments one webhook may be restricted to. */
export const MAX_WEBHOOK_SEGMENTS = 100;

export const WEBHOOK_STATUSES = ['active', 'paused'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const WebhookUrl = z.string('must be a URL').superRefine((value, ctx) => {
  const problem = webhookUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const EventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), 'must be a list of event types')
  .min(1, 'must name at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length, `must name at most ${WEBHOOK_EVENT_TYPES.length} event types`)
  .transform((types) => [...new Set(types)]);
const SegmentIds = z
  .array(
    z.uuid('must be a segment id (UUID)').transform((id) => id.toLowerCase()),
    'must be a list of segment ids',
  )
  .min(1, 'must name at least one segment (null: every segment)')
  .max(MAX_WEBHOOK_SEGMENTS, `must name at most ${MAX_WEBHOOK_SEGMENTS} segments`)
  .transform((ids) => [...new Set(ids)])
  .nullable();
const Description = z.string('must be text').trim().max(500, 'must be at most 500 characters').nullable();

export const CreateWebhookRequest = z.strictObject({
  url: WebhookUrl,
  events: EventTypes,
  /** Segment events only of these saved segments; omitted or null: every segment. */
  segmentIds: SegmentIds.optional(),
  description: Description.optional(),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

export const UpdateWebhookRequest = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: EventTypes.optional(),
    segmentIds: SegmentIds.optional(),
    description: Description.optional(),
    /** 'paused' stops deliveries (they wait); 'active' resumes them and retries the waiting ones now. */
    status: z.enum(WEBHOOK_STATUSES, { error: `must be one of ${WEBHOOK_STATUSES.join(', ')}` }).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one of url, events, segmentIds, description, status' });
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

export const WebhookIdParams = z.object({ id: z.uuid('must be a webhook id (UUID)').transform((id) => id.toLowerCase()) });

export const DeliveryListQuery = z.strictObject({
  ...listQueryFields,
  status: z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;
