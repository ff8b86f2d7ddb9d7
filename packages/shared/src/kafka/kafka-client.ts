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

export interface EventPublisher {
  /** Resolves only once every message is acknowledged by all in-sync replicas. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export async function createEventPublisher(settings: KafkaSettings, log: Logger): Promise<EventPublisher> {
  const producer: Producer = kafkaFor(settings, log).producer({
    idempotent: true, // broker de-duplicates retried sends within a producer session
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return {
    async publish(topic, messages) {
      if (messages.length === 0) return;
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    },
    close: () => producer.disconnect(),
  };
}

export interface BatchHandlerContext {
  /** Marks every message up to and including this one as done; only these offsets get committed. */
  markProcessed(message: IncomingMessage): void;
  /** Commits the marked offsets now. */
  commit(): Promise<void>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

export interface EventConsumer {
  run(handler: (messages: IncomingMessage[], ctx: BatchHandlerContext) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  connected(): boolean;
}

export async function createEventConsumer(
  settings: KafkaSettings & { groupId: string; topic: string; fromBeginning?: boolean; maxBytes: number; maxWaitMs: number },
  log: Logger,
): Promise<EventConsumer> {
  const consumer: Consumer = kafkaFor(settings, log).consumer({
    groupId: settings.groupId,
    maxBytes: settings.maxBytes,
    maxWaitTimeInMs: settings.maxWaitMs,
    allowAutoTopicCreation: false,
  });
  let isConnected = false;
  consumer.on(consumer.events.CONNECT, () => (isConnected = true));
  consumer.on(consumer.events.DISCONNECT, () => (isConnected = false));
  consumer.on(consumer.events.CRASH, () => (isConnected = false));
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topic, fromBeginning: settings.fromBeginning ?? true });
  return {
    async run(handler) {
      await consumer.run({
        // Offsets are resolved by the handler only after Elasticsearch acknowledged the batch,
        // so a crash mid-batch replays it (at-least-once; indexing is idempotent by version).
        eachBatchAutoResolve: false,
        autoCommit: true,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
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
            commit: () => commitOffsetsIfNecessary(),
            heartbeat,
            isRunning: () => isRunning() && !isStale(),
          });
          await commitOffsetsIfNecessary();
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
