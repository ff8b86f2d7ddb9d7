// Handles one Kafka batch: parse, bulk-write to Elasticsearch, dead-letter what cannot be indexed,
// and only then mark the batch processed, so committed offsets never run ahead of the index.
import {
  BatchHandlerContext,
  ChangeEvent,
  EsClient,
  EventPublisher,
  IncomingMessage,
  type IndexOperation,
  indexOperationOf,
  Logger,
  parseChangeEvent,
  secondsSince,
  writeChangeEvents,
  writeTargets,
} from '@segmenter/shared';
import type { IndexerMetrics } from './indexer-metrics';
import type { PublishTransitions } from './membership/membership-tracker';
import type { SearchableSample } from './searchable-tracker';

export interface EventBatchHandlerOptions {
  es: EsClient;
  /** The read alias; writes go to every index behind its write alias. */
  alias: string;
  /** Kafka hands over whatever fits in maxBytes; we write at most this many events per bulk request. */
  maxBatchEvents: number;
  metrics: IndexerMetrics;
  /** Told about each acknowledged batch, to measure commit-to-searchable. */
  onIndexed: (sample: SearchableSample, committedAt: number[]) => void;
  /** Told the workspaces each acknowledged batch wrote to (change-notices.ts). */
  onWorkspacesWritten?: (workspaceIds: Set<string>) => void;
  deadLetters: EventPublisher;
  deadLetterTopic: string;
  /** Publishes the batch's segment membership transitions; called before the batch is written (membership-tracker.ts). */
  publishTransitions?: PublishTransitions;
  log: Logger;
  /** Backoff while Elasticsearch is unreachable; the batch is retried until it succeeds or we stop. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface DeadLetter {
  message: IncomingMessage;
  reason: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Often enough for the shortest session the config allows (6 s); kafkajs sends at most one per heartbeat interval. */
const HEARTBEAT_EVERY_MS = 1000;

/**
 * Runs `work` while heartbeating the group every second. kafkajs heartbeats only between batches
 * or when asked, so without this a slow bulk request, a long backoff or a dead-letter publish
 * would look like a dead member and cost a rebalance. A heartbeat that fails (a rebalance began)
 * stops the timer; the batch's own checks then end it and it is replayed, as before.
 */
export async function whileHeartbeating<T>(ctx: BatchHandlerContext, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    ctx.heartbeat().catch(() => clearInterval(timer));
  }, HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function createEventBatchHandler(options: EventBatchHandlerOptions) {
  const { es, alias, deadLetters, deadLetterTopic, log, metrics } = options;
  const resolveTargets = () => writeTargets(es, alias);
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 10_000;

  async function sendToDeadLetters(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await deadLetters.publish(
      deadLetterTopic,
      letters.map(({ message, reason }) => ({
        key: message.key ?? '',
        value: message.value?.toString() ?? '',
        headers: {
          ...message.headers,
          'dead-letter-reason': reason.slice(0, 1000),
          'original-topic': message.topic,
          'original-partition': String(message.partition),
          'original-offset': message.offset,
        },
      })),
    );
    metrics.events.inc({ outcome: 'dead_lettered' }, letters.length);
    for (const l of letters) metrics.deadLettered.inc({ kind: l.reason.startsWith('unparseable') ? 'unparseable' : 'rejected' });
    log.warn({ count: letters.length, reasons: letters.slice(0, 5).map((l) => l.reason) }, 'events dead-lettered');
  }

  function reportIndexed(events: ChangeEvent[]): void {
    if (events.length > 0) options.onWorkspacesWritten?.(new Set(events.map((e) => e.workspaceId)));
    const last = [...events]
      .reverse()
      .map(indexOperationOf)
      .find((op) => op !== undefined);
    if (!last) return;
    options.onIndexed(
      { workspaceId: last.workspaceId, contactId: last.contactId, version: last.version },
      events.map((e) => Date.parse(e.occurredAt)),
    );
  }

  return async function handleEventBatch(messages: IncomingMessage[], ctx: BatchHandlerContext): Promise<void> {
    // One bulk request per slice, each slice committed on its own: a big fetch never becomes one
    // huge bulk request, and a crash replays at most one slice. With membership events, a slice's
    // transitions are published while the slice before it is written: each slice still publishes
    // before its own write, and starts from the states the one before published (membership-tracker.ts).
    await whileHeartbeating(ctx, async () => {
      let published: Promise<boolean> = Promise.resolve(true);
      let written: Promise<boolean> = Promise.resolve(true);
      for (let start = 0; start < messages.length; start += options.maxBatchEvents) {
        if (!ctx.isRunning()) break;
        const slice = parseSlice(messages.slice(start, start + options.maxBatchEvents));
        const previousWritten = written;
        // A contact the tracker must read from the index is read once the previous slice is written.
        published = published.then((ok) => ok && publishSlice(slice, ctx, () => previousWritten));
        written = Promise.all([previousWritten, published]).then(([w, p]) => w && p && writeSlice(slice, ctx));
        // Observed below or by the next slice; these handlers only keep a failure from counting as unhandled meanwhile.
        published.catch(() => undefined);
        written.catch(() => undefined);
        // At most one slice ahead: this slice's publish may overlap the previous slice's write, no more.
        try {
          if (!(await previousWritten)) break;
        } catch (err) {
          // Nothing of this batch runs on after it ends: the publish in flight settles first.
          await Promise.allSettled([published]);
          throw err;
        }
      }
      await written;
    });
  };

  interface ParsedSlice {
    messages: IncomingMessage[];
    events: ChangeEvent[];
    messageOf: Map<ChangeEvent, IncomingMessage>;
    letters: DeadLetter[];
    /** Each event's document, built once for the membership tracker and the bulk write alike. */
    operationOf: (event: ChangeEvent) => IndexOperation | undefined;
  }

  function parseSlice(messages: IncomingMessage[]): ParsedSlice {
    const events: ChangeEvent[] = [];
    const messageOf = new Map<ChangeEvent, IncomingMessage>();
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      try {
        const event = parseChangeEvent(message.value);
        events.push(event);
        messageOf.set(event, message);
      } catch (err) {
        letters.push({ message, reason: `unparseable event: ${(err as Error).message}` });
      }
    }
    const operations = new Map<ChangeEvent, IndexOperation | undefined>();
    const operationOf = (event: ChangeEvent) => {
      if (!operations.has(event)) operations.set(event, indexOperationOf(event));
      return operations.get(event);
    };
    return { messages, events, messageOf, letters, operationOf };
  }

  /**
   * Runs `work` until it succeeds, with backoff, while we keep the partitions. Elasticsearch or
   * Kafka unreachable, or items still failing with 429/5xx: nothing is committed, and we keep
   * retrying until it heals or we stop. Heartbeats keep our partitions; when one throws (a
   * rebalance), the error ends the batch so the group can move on. False: stopping (shutdown or
   * rebalance), so the caller returns without marking anything processed and whoever takes the
   * partition next replays it.
   */
  async function untilDone(ctx: BatchHandlerContext, slice: ParsedSlice, what: 'publish' | 'write', work: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (!ctx.isRunning()) return false;
      try {
        await work();
        return true;
      } catch (err) {
        if (what === 'write') {
          metrics.bulkFailures.inc();
          // Part of the bulk may have been written (and be searchable after the next refresh) before
          // it failed: noted now, so the api's cached counts for these workspaces are dropped then.
          options.onWorkspacesWritten?.(new Set(slice.events.map((e) => e.workspaceId)));
        } else metrics.membershipFailures.inc();
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 10));
        log.warn({ err, attempt, backoffMs: backoff }, `${what === 'write' ? 'the bulk write' : 'publishing membership transitions'} failed; retrying batch`);
        await sleep(backoff);
        await ctx.heartbeat();
      }
    }
  }

  /** The slice's membership transitions, published before its write and once (a retried write does not publish them again). */
  async function publishSlice(slice: ParsedSlice, ctx: BatchHandlerContext, previousWritten: () => Promise<unknown>): Promise<boolean> {
    const publishTransitions = options.publishTransitions;
    if (!publishTransitions || slice.events.length === 0) return true;
    return untilDone(ctx, slice, 'publish', async () => {
      const started = performance.now();
      const tracked = await publishTransitions(slice.events, { operationOf: slice.operationOf, indexCaughtUp: previousWritten });
      metrics.membershipSeconds.observe(secondsSince(started));
      metrics.membershipEvents.inc(tracked.transitions);
    });
  }

  async function writeSlice(slice: ParsedSlice, ctx: BatchHandlerContext): Promise<boolean> {
    const { messages, events, messageOf, letters } = slice;
    if (messages.length === 0) return true;
    metrics.batchEvents.observe(messages.length);
    if (events.length > 0) {
      const done = await untilDone(ctx, slice, 'write', async () => {
        const started = performance.now();
        const outcome = await writeChangeEvents(es, events, {
          resolveTargets,
          maxItemRetries: 5,
          retryBaseMs,
          requestTimeoutMs: 10_000,
          operationOf: slice.operationOf,
        });
        metrics.bulkSeconds.observe(secondsSince(started));
        metrics.events.inc({ outcome: 'indexed' }, outcome.indexed);
        metrics.events.inc({ outcome: 'stale' }, outcome.stale);
        metrics.events.inc({ outcome: 'skipped' }, outcome.skipped);
        letters.push(...outcome.failed.map(({ event, reason }) => ({ message: messageOf.get(event)!, reason })));
        const rejected = new Set(outcome.failed.map((f) => f.event));
        reportIndexed(events.filter((e) => !rejected.has(e)));
        log.debug({ indexed: outcome.indexed, stale: outcome.stale, skipped: outcome.skipped, failed: outcome.failed.length }, 'batch indexed');
      });
      if (!done) return false;
    }
    await sendToDeadLetters(letters);
    ctx.markProcessed(messages[messages.length - 1]!);
    return true;
  }
}
