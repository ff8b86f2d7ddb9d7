// Records how far this indexer has got in each partition it owns (table indexer_progress), so the
// api can say how fresh the search index is without asking Kafka (consistency/mirror-freshness.ts).
// It watches the batch handler from outside: what each batch brings and what the handler marks
// processed. A timer writes every owned partition in one statement about once a second. Marking
// runs once per message, so it only notes offsets: the events' times are parsed when a row is
// written, from the one or two messages it needs (settle).
import { hostname } from 'node:os';
import type { BatchHandlerContext, ConsumerAssignment, ConsumerLagProbe, IncomingMessage, Logger, Pool } from '@segmenter/shared';

type BatchHandler = (messages: IncomingMessage[], ctx: BatchHandlerContext) => Promise<void>;

interface PartitionProgress {
  /** The last offset marked processed (indexed or dead-lettered); -1 when none. */
  processedOffset: bigint;
  /** The message at processedOffset until a write reads its time into lastEventAt. */
  processedMessage?: IncomingMessage;
  /** The highest high watermark seen in a batch: the partition is behind while processedOffset + 1 < it. */
  highWatermark: bigint;
  /**
   * occurredAt of the event at processedOffset, when known (as of the last write: the latest event
   * time read then, should the message at processedOffset be no event).
   */
  lastEventAt: Date | null;
  /** The batch being handled, while it is: the next event to index is looked up in it. */
  batch?: IncomingMessage[];
  /** The batch's first unprocessed message when it ended half way (a rebalance), until a write reads it. */
  leftOver?: IncomingMessage;
  /** occurredAt of the oldest event fetched and not yet processed (an estimate, see pendingSince); null when caught up. As of the last write. */
  oldestPendingAt: Date | null;
  /** Something changed since the last write worked out the times: only then are they worked out again. */
  unsettled?: boolean;
}

/**
 * Once a second: often enough that the api's view trails the truth by about a second, rarely enough
 * that an indexer costs Postgres one small statement a second whatever its event rate. The api
 * treats a row unwritten for several periods as an indexer that stopped (mirror-freshness.ts).
 */
const FLUSH_EVERY_MS = 1000;

/** The event's occurredAt (the outbox row's insert time), or null for a message that is not an event. */
function occurredAtOf(message: IncomingMessage): Date | null {
  try {
    const at = (JSON.parse(message.value?.toString() ?? '') as { occurredAt?: unknown }).occurredAt;
    const date = typeof at === 'string' ? new Date(at) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  } catch {
    return null;
  }
}

/** The batch's message at `offset`; offsets are contiguous in our topics, with a search as fallback. */
function messageAt(batch: IncomingMessage[], offset: bigint): IncomingMessage | undefined {
  if (batch.length === 0) return undefined;
  const guess = batch[Number(offset - BigInt(batch[0]!.offset))];
  if (guess && BigInt(guess.offset) === offset) return guess;
  return batch.find((m) => BigInt(m.offset) === offset);
}

/**
 * When the oldest unprocessed event was committed. Exact when it is in the batch at hand; when it
 * is not (the batch is done and the next one not fetched yet), the last processed event's time
 * stands in: events enter a partition in about commit order, so that overstates the age by at most
 * the gap between the two events, until the next batch arrives and gives the exact time.
 */
function pendingSince(state: PartitionProgress): Date | null {
  const nextOffset = state.processedOffset + 1n;
  if (nextOffset >= state.highWatermark) return null;
  const batch = state.batch ?? [];
  const next = messageAt(batch, nextOffset) ?? (state.leftOver?.offset === String(nextOffset) ? state.leftOver : undefined);
  return (next && occurredAtOf(next)) ?? state.lastEventAt ?? (batch[0] ? occurredAtOf(batch[0]) : null);
}

/** Reads the event times a write records: at most two messages parsed per partition and write. */
function settle(state: PartitionProgress): void {
  if (!state.unsettled) return;
  state.unsettled = false;
  if (state.processedMessage) state.lastEventAt = occurredAtOf(state.processedMessage) ?? state.lastEventAt;
  state.oldestPendingAt = pendingSince(state);
  // Once read, a message is not held: it may pin the whole fetch response it was cut from.
  state.processedMessage = undefined;
  state.leftOver = undefined;
}

export interface IndexerProgressOptions {
  pool: Pool;
  consumerGroup: string;
  topic: string;
  /** Which partitions this member owns now; the consumer answers from its last group join. */
  consumer: { assignment(): ConsumerAssignment | undefined };
  /**
   * The group's committed offsets and the partitions' high watermarks, read for owned partitions
   * this member has had no batch of (see settleUnbatched). Without it such a partition's row keeps
   * what its previous owner recorded until a batch arrives.
   */
  offsets?: Pick<ConsumerLagProbe, 'lag'>;
  log: Logger;
  flushEveryMs?: number;
}

export function createIndexerProgress(options: IndexerProgressOptions) {
  const { pool, consumerGroup, topic, consumer, log } = options;
  const states = new Map<number, PartitionProgress>();
  // Before the first join (and in tests without a group) the process stands for the member.
  let owner = `${hostname()}:${process.pid}`;
  let flushing: Promise<void> | undefined;
  let failing = false;
  let probeFailing = false;

  function batchStarted(batch: IncomingMessage[], highWatermark: string | undefined): void {
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    // The batch starts at the group's committed offset: everything before it was processed.
    const before = BigInt(first.offset) - 1n;
    let state = states.get(first.partition);
    if (!state) {
      state = { processedOffset: before, highWatermark: 0n, lastEventAt: null, oldestPendingAt: null };
      states.set(first.partition, state);
    } else if (before > state.processedOffset) {
      // Someone else processed the offsets in between (we lost the partition and got it back).
      state.processedOffset = before;
      state.processedMessage = undefined;
      state.lastEventAt = null;
    }
    const seen = highWatermark === undefined ? BigInt(last.offset) + 1n : BigInt(highWatermark);
    if (seen > state.highWatermark) state.highWatermark = seen;
    state.batch = batch;
    state.leftOver = undefined;
    state.unsettled = true;
  }

  /** Once per message, so nothing is parsed here: the message is kept for the next write. */
  function processed(message: IncomingMessage): void {
    const state = states.get(message.partition);
    if (!state) return; // the partition was taken from us meanwhile: its new owner writes its row
    const offset = BigInt(message.offset);
    if (offset > state.processedOffset) {
      state.processedOffset = offset;
      state.processedMessage = message;
      state.unsettled = true;
    }
  }

  /** The batch is done (or stopped half way): keep only the message a write may still need of it. */
  function batchEnded(batch: IncomingMessage[]): void {
    const state = states.get(batch[0]!.partition);
    if (state?.batch !== batch) return;
    state.leftOver = messageAt(batch, state.processedOffset + 1n);
    state.batch = undefined;
    state.unsettled = true;
  }

  /** Wraps the batch handler; the handler itself is untouched and sees the same messages and context. */
  function recording(handler: BatchHandler): BatchHandler {
    return async (messages, ctx) => {
      if (messages.length === 0) return handler(messages, ctx);
      batchStarted(messages, ctx.highWatermark);
      try {
        await handler(messages, {
          ...ctx,
          markProcessed: (message) => {
            ctx.markProcessed(message);
            processed(message);
          },
        });
      } finally {
        batchEnded(messages);
      }
    };
  }

  /**
   * A partition that changed owner: its previous owner dropped it without a last write, and this
   * member gets no batch of it while it has nothing new. Its row would keep the old owner's
   * oldest_pending_at under a fresh updated_at, so it would read as live and behind, the lag growing
   * (for every workspace) until an event lands in that partition. Kafka tells: when the group has
   * committed up to the high watermark there is nothing to index, and the partition starts here as
   * caught up; later batches carry on from it. Otherwise its batch is on its way and the row keeps
   * what it holds meanwhile (too old rather than too new). Only partitions without a state are read,
   * so this costs Kafka a request or two right after a rebalance, not every second.
   */
  async function settleUnbatched(): Promise<void> {
    const unknown = (consumer.assignment()?.partitions ?? []).filter((p) => !states.has(p));
    if (unknown.length === 0 || !options.offsets) return;
    let lags: Awaited<ReturnType<ConsumerLagProbe['lag']>>;
    try {
      lags = await options.offsets.lag();
      probeFailing = false;
    } catch (err) {
      if (!probeFailing) log.warn({ err }, 'committed offsets could not be read; partitions taken over without a batch keep their recorded progress');
      probeFailing = true;
      return;
    }
    for (const { partition, lag, highWatermark } of lags) {
      // A batch may have started meanwhile: what it recorded is newer than what we read.
      if (lag !== 0 || !unknown.includes(partition) || states.has(partition)) continue;
      const high = BigInt(highWatermark);
      states.set(partition, { processedOffset: high - 1n, highWatermark: high, lastEventAt: null, oldestPendingAt: null });
    }
  }

  async function write(): Promise<void> {
    await settleUnbatched();
    const assignment = consumer.assignment();
    if (assignment) {
      owner = assignment.memberId;
      // A partition given to another member is its to record: ours would only be older.
      for (const partition of states.keys()) if (!assignment.partitions.includes(partition)) states.delete(partition);
    }
    // Owned partitions we know nothing of yet (no batch, and not caught up in Kafka, see
    // settleUnbatched) are written too (nulls keep what the row holds): the fresh updated_at says a
    // live member owns them, so an idle partition is not a stopped one.
    const partitions = [...new Set([...(assignment?.partitions ?? []), ...states.keys()])];
    if (partitions.length === 0) return;
    const of = partitions.map((p) => states.get(p));
    for (const state of of) if (state) settle(state);
    await pool.query(
      `insert into indexer_progress as p (consumer_group, topic, partition, owner, processed_offset, high_watermark, last_event_at, oldest_pending_at, updated_at)
       select $1, $2, r.partition, $3, r.processed_offset, r.high_watermark, r.last_event_at, r.oldest_pending_at, clock_timestamp()
         from unnest($4::int[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::timestamptz[])
           as r(partition, processed_offset, high_watermark, last_event_at, oldest_pending_at)
       on conflict (consumer_group, topic, partition) do update set
         owner = excluded.owner,
         updated_at = excluded.updated_at,
         processed_offset = coalesce(excluded.processed_offset, p.processed_offset),
         high_watermark = coalesce(excluded.high_watermark, p.high_watermark),
         last_event_at = coalesce(excluded.last_event_at, p.last_event_at),
         oldest_pending_at = case when excluded.processed_offset is null then p.oldest_pending_at else excluded.oldest_pending_at end`,
      [
        consumerGroup,
        topic,
        owner,
        partitions,
        of.map((s) => s?.processedOffset.toString() ?? null),
        of.map((s) => s?.highWatermark.toString() ?? null),
        of.map((s) => s?.lastEventAt ?? null),
        of.map((s) => s?.oldestPendingAt ?? null),
      ],
    );
  }

  /** One write at a time; a failed write is logged and the next tick tries again (indexing never waits on it). */
  function flush(): Promise<void> {
    flushing ??= write()
      .then(() => {
        if (failing) log.info('indexer progress is recorded again');
        failing = false;
      })
      .catch((err: unknown) => {
        if (!failing) log.warn({ err }, 'indexer progress could not be recorded; the api sees this indexer as stopped until it is');
        failing = true;
      })
      .finally(() => (flushing = undefined));
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.flushEveryMs ?? FLUSH_EVERY_MS);
  timer.unref();

  return {
    recording,
    flush,
    /** After the consumer stopped: writes the final state once, so the row shows where this member left off. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}
