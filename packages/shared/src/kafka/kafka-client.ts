// The only module that imports kafkajs. kafkajs has been unmaintained since 2023, so the services
// see just these few functions and types; swapping the client means rewriting this file alone.
import { Admin, CompressionTypes, Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { chunkBySize } from '../lang/chunk-by-size';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

export interface OutgoingMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function kafkaFor(settings: KafkaSettings, log: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      // We bound the idempotent producer's retries on purpose (see createEventPublisher).
      const expected = message.startsWith('Limiting retries for the idempotent producer');
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN && !expected ? 'warn' : 'debug';
      log[level]({ kafka: extra, namespace: entry.namespace }, message);
    },
  });
}

export async function ensureTopics(settings: KafkaSettings, log: Logger, topics: { topic: string; partitions: number }[]): Promise<void> {
  const admin: Admin = kafkaFor(settings, log).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

const PUBLISH_CHUNK_BYTES = 512 * 1024;

export function chunkByBytes(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  return chunkBySize(messages, maxBytes, (message) => Buffer.byteLength(message.value) + Buffer.byteLength(message.key) + 64);
}

export interface EventPublisher {
  /** Resolves only once every message is acknowledged by all in-sync replicas. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The part of a kafkajs producer a publisher uses; lets the rebuild logic be tested on its own. */
export interface ProducerConnection {
  connect(): Promise<void>;
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Consecutive failed publishes after which the producer is replaced by a new one. */
const REBUILD_PRODUCER_AFTER_FAILURES = 3;

/**
 * A publisher that replaces its producer after `rebuildAfterFailures` sends in a row failed on it.
 * kafkajs reconnects a producer on its own after a broker restart, but an idempotent producer can
 * also end up stuck (an out-of-order sequence or a fenced epoch after the broker lost its state):
 * every retry of the same instance then fails the same way. A new producer gets a new producer id
 * and starts clean; a batch it republishes may duplicate one the old producer did get through,
 * which the at-least-once contract (the indexer's versions) absorbs.
 *
 * Failures count against the producer that was used: a late failure from a producer already
 * replaced never retires its healthy successor. A failed connect counts for nothing (there is no
 * producer to replace); the next publish simply connects again.
 */
export function selfHealingPublisher(
  newProducer: () => ProducerConnection,
  log: Logger,
  rebuildAfterFailures = REBUILD_PRODUCER_AFTER_FAILURES,
): EventPublisher & { connect(): Promise<void>; readonly rebuilds: number } {
  let current: Promise<ProducerConnection> | undefined;
  let failuresInARow = 0;
  let rebuilds = 0;
  let closed = false;
  const retiring = new Set<Promise<void>>();

  /** One producer at a time, even when publishes overlap while it connects. */
  function connected(): Promise<ProducerConnection> {
    if (closed) return Promise.reject(new Error('publisher is closed'));
    if (current) return current;
    const attempt = (async () => {
      let fresh: ProducerConnection | undefined;
      try {
        fresh = newProducer();
        await fresh.connect();
        return fresh;
      } catch (err) {
        fresh?.disconnect().catch(() => undefined);
        throw err;
      }
    })();
    current = attempt;
    attempt.catch(() => {
      if (current === attempt) current = undefined; // the next publish connects anew
    });
    return attempt;
  }

  function retire(producer: ProducerConnection): void {
    current = undefined;
    failuresInARow = 0;
    rebuilds += 1;
    // Not awaited by the publish: a stuck producer may also be slow to disconnect. close() waits.
    const disconnecting = producer.disconnect().catch((err) => log.warn({ err }, 'retired kafka producer did not disconnect cleanly'));
    retiring.add(disconnecting);
    void disconnecting.finally(() => retiring.delete(disconnecting));
  }

  return {
    get rebuilds() {
      return rebuilds;
    },
    async connect() {
      await connected();
    },
    async publish(topic, messages) {
      const attempt = connected();
      const producer = await attempt;
      try {
        // Sends in chunks well under the broker's default 1 MiB message.max.bytes, so a batch of
        // large snapshots can never be refused as a whole, over and over.
        for (const chunk of chunkByBytes(messages, PUBLISH_CHUNK_BYTES)) await producer.send(topic, chunk);
        if (current === attempt) failuresInARow = 0;
      } catch (err) {
        if (current === attempt && !closed) {
          failuresInARow += 1;
          if (failuresInARow >= rebuildAfterFailures) {
            log.warn({ err, failuresInARow }, 'kafka publishes keep failing: replacing the producer');
            retire(producer);
          }
        }
        throw err;
      }
    },
    async close() {
      closed = true;
      const last = current;
      current = undefined;
      const producer = await last?.catch(() => undefined);
      await Promise.all([producer?.disconnect(), ...retiring]);
    },
  };
}

export async function createEventPublisher(settings: KafkaSettings, log: Logger): Promise<EventPublisher> {
  const kafka = kafkaFor(settings, log);
  const newProducer = (): ProducerConnection => {
    const producer: Producer = kafka.producer({
      idempotent: true, // broker de-duplicates retried sends within a producer session
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // kafkajs retries an idempotent producer's sends forever by default, so a publish would hang
      // through a whole Kafka outage (holding the relay's transaction open) and a stuck producer
      // would never be noticed. Bounded, a send fails after about 10 s and the caller decides:
      // the relay backs off, and repeated failures replace the producer. Exactly-once is not
      // needed; versions make duplicates harmless.
      retry: { initialRetryTime: 200, retries: 5 },
    });
    return {
      connect: () => producer.connect(),
      send: async (topic, messages) => {
        await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
      },
      disconnect: () => producer.disconnect(),
    };
  };
  const publisher = selfHealingPublisher(newProducer, log);
  await publisher.connect(); // a service that cannot reach Kafka at start fails at start
  return publisher;
}

export interface BatchHandlerContext {
  /** Marks every message up to and including this one as done; only these offsets get committed (after the handler returns). */
  markProcessed(message: IncomingMessage): void;
  /** Lets the group know we are alive during a long retry; throws when a rebalance needs us to stop. */
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** The partition's high watermark when the batch was fetched (the offset its next message will get). Optional for test doubles. */
  highWatermark?: string;
}

export interface ConsumerAssignment {
  /** The group member id the broker gave this consumer at its last join. */
  memberId: string;
  /** The partitions of the subscribed topic this member was given at its last join. */
  partitions: number[];
}

export interface EventConsumer {
  run(handler: (messages: IncomingMessage[], ctx: BatchHandlerContext) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  connected(): boolean;
  /** The partitions this member owns since its last join; undefined before a join and once disconnected. */
  assignment(): ConsumerAssignment | undefined;
}

export async function createEventConsumer(
  settings: KafkaSettings & {
    groupId: string;
    topic: string;
    fromBeginning?: boolean;
    maxBytes: number;
    maxWaitMs: number;
    sessionTimeoutMs?: number;
    /** Told after every join of the group (a start, or a rebalance: a member joined, left or died). */
    onGroupJoin?: (assignment: ConsumerAssignment) => void;
  },
  log: Logger,
  /** Called when the consumer crashed and kafkajs will not restart it: the process must not live on as a zombie. */
  onFatal: (err: unknown) => void,
): Promise<EventConsumer> {
  let closed = false;
  const consumer: Consumer = kafkaFor(settings, log).consumer({
    groupId: settings.groupId,
    // kafkajs restarts a crashed consumer on a timer. A crash racing close() (its handler
    // disconnects, then schedules the restart) would start it again after we closed it, and it
    // would keep restarting for the life of the process: a closed consumer is never restarted.
    retry: { restartOnFailure: async () => !closed },
    maxBytes: settings.maxBytes,
    maxWaitTimeInMs: settings.maxWaitMs,
    allowAutoTopicCreation: false,
    ...(settings.sessionTimeoutMs === undefined
      ? {}
      : // several heartbeats fit in a session, so one late heartbeat does not cost a rebalance
        { sessionTimeout: settings.sessionTimeoutMs, heartbeatInterval: Math.min(3000, Math.floor(settings.sessionTimeoutMs / 5)) }),
  });
  let isConnected = false;
  let assignment: ConsumerAssignment | undefined;
  consumer.on(consumer.events.CONNECT, () => (isConnected = true));
  consumer.on(consumer.events.DISCONNECT, () => {
    isConnected = false;
    assignment = undefined;
  });
  // kafkajs says nothing when partitions are revoked, only what a (re)join assigned: between the two
  // (a rebalance) the previous assignment still shows, which is as long as the rebalance lasts.
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = { memberId: event.payload.memberId, partitions: [...(event.payload.memberAssignment[settings.topic] ?? [])] };
    settings.onGroupJoin?.(assignment);
  });
  consumer.on(consumer.events.CRASH, (event) => {
    isConnected = false;
    assignment = undefined;
    if (!event.payload.restart && !closed) onFatal(event.payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topic, fromBeginning: settings.fromBeginning ?? true });
  return {
    async run(handler) {
      await consumer.run({
        // Offsets are resolved by the handler only after Elasticsearch acknowledged the batch, and
        // kafkajs commits resolved offsets when the handler returns (or throws), so a crash
        // mid-batch replays it (at-least-once; indexing is idempotent by version).
        eachBatchAutoResolve: false,
        autoCommit: true,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          const messages: IncomingMessage[] = batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? null,
            value: m.value,
            headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)])),
          }));
          await handler(messages, {
            markProcessed: (m) => resolveOffset(m.offset),
            heartbeat,
            isRunning: () => isRunning() && !isStale(),
            highWatermark: batch.highWatermark,
          });
        },
      });
    },
    close: () => {
      closed = true;
      return consumer.disconnect();
    },
    connected: () => isConnected,
    assignment: () => assignment,
  };
}

/** A quick broker reachability probe for readiness checks. */
export async function kafkaReachable(settings: KafkaSettings, log: Logger): Promise<boolean> {
  const admin = kafkaFor(settings, log).admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ConsumerLagProbe {
  /**
   * Messages not yet committed by the group, per partition (the latest offset minus the committed
   * one), with the partition's high watermark (the offset its next message will get).
   */
  lag(): Promise<{ partition: number; lag: number; highWatermark: string }[]>;
  close(): Promise<void>;
}

/** A long-lived admin connection that reads a group's lag on demand (a metrics scrape). */
export function createConsumerLagProbe(settings: KafkaSettings, log: Logger, groupId: string, topic: string): ConsumerLagProbe {
  const admin = kafkaFor(settings, log).admin({ retry: { retries: 1 } });
  let connecting: Promise<void> | undefined;
  return {
    async lag() {
      connecting ??= admin.connect().catch((err) => {
        connecting = undefined;
        throw err;
      });
      await connecting;
      const [latest, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const committedOf = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return latest.map((p) => {
        const done = committedOf.get(p.partition) ?? -1;
        // -1: nothing committed yet, so everything from the low watermark is still to do.
        const from = done >= 0 ? done : Number(p.low);
        return { partition: p.partition, lag: Math.max(0, Number(p.high) - from), highWatermark: p.high };
      });
    },
    close: () => admin.disconnect(),
  };
}
