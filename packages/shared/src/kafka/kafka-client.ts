// The only module that imports kafkajs. kafkajs has been unmaintained since 2023, so the services
// see just these few functions and types; swapping the client means rewriting this file alone.
import { Admin, CompressionTypes, Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import type { Logger } from 'pino';

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
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      log[level]({ kafka: extra, namespace: entry.namespace }, message);
    },
  });
}

export async function ensureTopics(
  settings: KafkaSettings,
  log: Logger,
  topics: { topic: string; partitions: number }[],
): Promise<void> {
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
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = Buffer.byteLength(message.value) + Buffer.byteLength(message.key) + 64;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
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
export const REBUILD_PRODUCER_AFTER_FAILURES = 3;

/**
 * A publisher that replaces its producer after `rebuildAfterFailures` publishes in a row failed.
 * kafkajs reconnects a producer on its own after a broker restart, but an idempotent producer can
 * also end up stuck (an out-of-order sequence or a fenced epoch after the broker lost its state):
 * every retry of the same instance then fails the same way. A new producer gets a new producer id
 * and starts clean; a batch it republishes may duplicate one the old producer did get through,
 * which the at-least-once contract (the indexer's versions) absorbs.
 */
export function selfHealingPublisher(
  newProducer: () => ProducerConnection,
  log: Logger,
  rebuildAfterFailures = REBUILD_PRODUCER_AFTER_FAILURES,
): EventPublisher & { connect(): Promise<void>; readonly rebuilds: number } {
  let connecting: Promise<ProducerConnection> | undefined;
  let failuresInARow = 0;
  let rebuilds = 0;
  let closed = false;

  /** One producer at a time, even when publishes overlap while it connects. */
  function connected(): Promise<ProducerConnection> {
    connecting ??= (async () => {
      let fresh: ProducerConnection | undefined;
      try {
        fresh = newProducer();
        await fresh.connect();
        return fresh;
      } catch (err) {
        connecting = undefined; // a failed connect counts as a failed publish; the next one tries anew
        fresh?.disconnect().catch(() => undefined);
        throw err;
      }
    })();
    return connecting;
  }

  function retire(): void {
    const old = connecting;
    connecting = undefined;
    rebuilds += 1;
    failuresInARow = 0;
    // Not awaited: a stuck producer may also hang on disconnect, and nothing needs to wait for it.
    old
      ?.then(
        (producer) => producer.disconnect(),
        () => undefined, // it never connected: nothing to close
      )
      .catch((err) => log.warn({ err }, 'retired kafka producer did not disconnect cleanly'));
  }

  return {
    get rebuilds() {
      return rebuilds;
    },
    async connect() {
      await connected();
    },
    async publish(topic, messages) {
      if (closed) throw new Error('publisher is closed');
      try {
        const current = await connected();
        // Sends in chunks well under the broker's default 1 MiB message.max.bytes, so a batch of
        // large snapshots can never be refused as a whole, over and over.
        for (const chunk of chunkByBytes(messages, PUBLISH_CHUNK_BYTES)) await current.send(topic, chunk);
        failuresInARow = 0;
      } catch (err) {
        failuresInARow += 1;
        if (failuresInARow >= rebuildAfterFailures) {
          log.warn({ err, failuresInARow }, 'kafka publishes keep failing: replacing the producer');
          retire();
        }
        throw err;
      }
    },
    async close() {
      closed = true;
      const last = connecting;
      connecting = undefined;
      if (last) await (await last.catch(() => undefined))?.disconnect();
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
}

export interface EventConsumer {
  run(handler: (messages: IncomingMessage[], ctx: BatchHandlerContext) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  connected(): boolean;
}

export async function createEventConsumer(
  settings: KafkaSettings & { groupId: string; topic: string; fromBeginning?: boolean; maxBytes: number; maxWaitMs: number; sessionTimeoutMs?: number },
  log: Logger,
  /** Called when the consumer crashed and kafkajs will not restart it: the process must not live on as a zombie. */
  onFatal: (err: unknown) => void,
): Promise<EventConsumer> {
  const consumer: Consumer = kafkaFor(settings, log).consumer({
    groupId: settings.groupId,
    maxBytes: settings.maxBytes,
    maxWaitTimeInMs: settings.maxWaitMs,
    allowAutoTopicCreation: false,
    ...(settings.sessionTimeoutMs === undefined
      ? {}
      : // several heartbeats fit in a session, so one late heartbeat does not cost a rebalance
        { sessionTimeout: settings.sessionTimeoutMs, heartbeatInterval: Math.min(3000, Math.floor(settings.sessionTimeoutMs / 5)) }),
  });
  let isConnected = false;
  consumer.on(consumer.events.CONNECT, () => (isConnected = true));
  consumer.on(consumer.events.DISCONNECT, () => (isConnected = false));
  consumer.on(consumer.events.CRASH, (event) => {
    isConnected = false;
    if (!event.payload.restart) onFatal(event.payload.error);
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
            headers: Object.fromEntries(
              Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]),
            ),
          }));
          await handler(messages, {
            markProcessed: (m) => resolveOffset(m.offset),
            heartbeat,
            isRunning: () => isRunning() && !isStale(),
          });
        },
      });
    },
    close: () => consumer.disconnect(),
    connected: () => isConnected,
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
  /** Messages not yet committed by the group, per partition (the latest offset minus the committed one). */
  lag(): Promise<{ partition: number; lag: number }[]>;
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
        return { partition: p.partition, lag: Math.max(0, Number(p.high) - from) };
      });
    },
    close: () => admin.disconnect(),
  };
}
