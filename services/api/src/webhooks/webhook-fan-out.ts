// Turns segment and tag events into webhook deliveries: a Kafka consumer per source topic (each
// its own group, `<prefix>webhooks.<source>`) writes one delivery row per event and matching
// webhook, and marks the batch processed only after those rows committed. At least once: a crash
// replays the batch, and the unique (webhook, event key) makes the replay write nothing new.
import {
  createEventConsumer,
  EventConsumer,
  IncomingMessage,
  KafkaSettings,
  Logger,
  parseChangeEvent,
  parseMembershipEvent,
  Pool,
  type BatchHandlerContext,
} from '@segmenter/shared';
import { isWebhookEventType, WEBHOOK_EVENT_SOURCES, WebhookEventSource } from './webhook-event-types';
import { QueuedEvent, queueDeliveries } from './webhook-deliveries-store';

/** The body a webhook receives: the event's key as `id`, its type, workspace and time, and the event itself. */
export function deliveryBody(event: { key: string; type: string; workspaceId: string; occurredAt: string }, data: unknown) {
  return { id: event.key, type: event.type, workspaceId: event.workspaceId, occurredAt: event.occurredAt, data };
}

/**
 * The webhook events in a message of `source`; none for events webhooks do not carry (most of the
 * contact-events topic). Throws for a message that is not a valid event.
 */
export function webhookEventOf(source: WebhookEventSource, value: Buffer | null, headers: Record<string, string> = {}): QueuedEvent | undefined {
  if (source === 'segment-events') {
    const e = parseMembershipEvent(value);
    const event = { key: e.eventKey, type: e.type, workspaceId: e.workspaceId, occurredAt: e.occurredAt };
    // Ids only: no data of the contact, so it is delivered even after an erasure (the exits it causes).
    return { ...event, segmentId: e.segmentId, contactId: e.contactId, personal: false, payload: deliveryBody(event, e) };
  }
  // Most contact events are not for webhooks: the relay's event-type header says so without parsing
  // anything (every contact event passes through this api process: an import's million of them too);
  // without the header, the type is looked at before validating a whole snapshot.
  const typeHeader = headers['event-type'];
  if (typeHeader !== undefined && !isWebhookEventType(typeHeader)) return undefined;
  const type = value === null ? undefined : (JSON.parse(value.toString()) as { type?: unknown }).type;
  if (typeof type !== 'string' || !isWebhookEventType(type)) return undefined;
  const e = parseChangeEvent(value);
  if (e.type !== 'contact.tags_added' && e.type !== 'contact.tags_removed') return undefined;
  // The outbox id is unique per event and the same on every replay.
  const event = { key: e.eventId, type: e.type, workspaceId: e.workspaceId, occurredAt: e.occurredAt };
  return { ...event, segmentId: null, contactId: e.contactId, personal: true, payload: deliveryBody(event, e) };
}

/**
 * The wait before the `failures`-th retry of a batch's write: doubling from 250 ms, never more
 * than 5 s, so the member heartbeats (after each wait) well inside its session.
 */
export function fanOutRetryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(failures, 10));
}
const MAX_RETRY_DELAY_MS = 5_000;

export interface FanOutDependencies {
  pool: Pool;
  log: Logger;
  /** WEBHOOK_DELIVERY_RETENTION_HOURS: older events make no delivery (queueDeliveries). */
  retentionHours: number;
  /** Told how many deliveries a batch made (the sender looks for due ones at once). */
  onQueued(deliveries: number, events: number): void;
  onInvalid(): void;
}

/** The batch handler of one source topic; exported so tests can drive it without Kafka. */
export function createFanOutHandler(source: WebhookEventSource, deps: FanOutDependencies) {
  const { pool, log } = deps;
  return async (messages: IncomingMessage[], ctx: BatchHandlerContext): Promise<void> => {
    if (messages.length === 0) return;
    const events: QueuedEvent[] = [];
    for (const message of messages) {
      try {
        const event = webhookEventOf(source, message.value, message.headers);
        if (event) events.push(event);
      } catch (err) {
        // A poison message must not stop every webhook: it is logged and skipped.
        deps.onInvalid();
        log.warn({ err, topic: message.topic, partition: message.partition, offset: message.offset }, 'not a valid event; no webhook receives it');
      }
    }
    let queued = 0;
    for (let failures = 0; events.length > 0; failures++) {
      try {
        queued = await queueDeliveries(pool, events, deps.retentionHours);
        break;
      } catch (err) {
        // Not processed: if this member stops now, the batch is replayed by whoever gets the partition.
        if (!ctx.isRunning()) throw err;
        log.warn({ err, failures }, 'queueing webhook deliveries failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, fanOutRetryDelayMs(failures)));
        await ctx.heartbeat();
      }
    }
    ctx.markProcessed(messages[messages.length - 1]!);
    if (events.length > 0) deps.onQueued(queued, events.length);
  };
}

export interface WebhookFanOut {
  /** Looks at once for what the webhooks subscribe to (a webhook was created, changed or deleted here). */
  refresh(): void;
  close(): Promise<void>;
}

/** The sources some webhook of any workspace subscribes to: only these are consumed. */
export async function subscribedSources(pool: Pool): Promise<Set<WebhookEventSource>> {
  const { rows } = await pool.query<{ type: string }>('select distinct unnest(event_types) as type from webhooks');
  return new Set(rows.flatMap((r) => (isWebhookEventType(r.type) ? [WEBHOOK_EVENT_SOURCES[r.type]] : [])));
}

/**
 * Runs one consumer per source topic, and only while some webhook subscribes to an event of that
 * source (looked at every `checkIntervalMs`, and at once on refresh()). The contact-events topic
 * carries every write of every contact (an import's million snapshots): consuming it in the api
 * process for tag webhooks nobody registered cost imports a third of their speed (docs/performance.md).
 * A consumer started again resumes at its group's committed offset, so the events a new webhook
 * should see (those after its creation) are read however late it starts; the events in between,
 * older than every webhook, make no delivery (queueDeliveries).
 */
export async function startWebhookFanOut(
  settings: KafkaSettings & { groupPrefix: string; topics: Record<WebhookEventSource, string>; checkIntervalMs: number },
  deps: FanOutDependencies,
  onFatal: (err: unknown) => void,
): Promise<WebhookFanOut> {
  const running = new Map<WebhookEventSource, EventConsumer>();
  let closed = false;

  async function start(source: WebhookEventSource): Promise<void> {
    const consumer = await createEventConsumer(
      {
        brokers: settings.brokers,
        clientId: settings.clientId,
        groupId: `${settings.groupPrefix}.${source}`,
        topic: settings.topics[source],
        // A new group reads the topic's history; deliveries are made only for webhooks older than the event.
        fromBeginning: true,
        maxBytes: 5 * 1024 * 1024,
        maxWaitMs: 500,
      },
      deps.log,
      onFatal,
    );
    try {
      await consumer.run(createFanOutHandler(source, deps));
    } catch (err) {
      await consumer.close().catch(() => undefined);
      throw err;
    }
    running.set(source, consumer);
    deps.log.info({ source }, 'webhook fan-out consuming: a webhook subscribes to its events');
  }

  async function stop(source: WebhookEventSource): Promise<void> {
    const consumer = running.get(source);
    running.delete(source);
    await consumer?.close();
    deps.log.info({ source }, 'webhook fan-out stopped: no webhook subscribes to its events');
  }

  async function reconcile(): Promise<void> {
    if (closed) return;
    const wanted = await subscribedSources(deps.pool);
    for (const source of Object.keys(settings.topics) as WebhookEventSource[]) {
      if (closed) return;
      if (wanted.has(source) && !running.has(source)) await start(source);
      else if (!wanted.has(source) && running.has(source)) await stop(source);
    }
  }

  // One reconcile at a time, in order: a refresh during a start waits for it.
  let chain: Promise<void> = Promise.resolve();
  const refresh = () => {
    chain = chain.then(reconcile).catch((err: unknown) => deps.log.warn({ err }, 'webhook fan-out: looking at the subscriptions failed; trying again'));
    return chain;
  };
  await reconcile().catch(async (err: unknown) => {
    await Promise.all([...running.values()].map((c) => c.close().catch(() => undefined)));
    throw err;
  });
  const timer = setInterval(() => void refresh(), settings.checkIntervalMs);
  timer.unref();
  return {
    refresh: () => void refresh(),
    close: async () => {
      closed = true;
      clearInterval(timer);
      await chain;
      await Promise.all([...running.keys()].map((source) => stop(source)));
    },
  };
}
