// Test-side Kafka helpers: publish raw events and read a topic back, through kafkajs directly
// (the services themselves only see packages/shared/src/kafka).
import { Kafka, logLevel } from 'kafkajs';
import type { ChangeEvent, Config } from '@segmenter/shared';
import { aggregateIdOf, chunkByBytes, ensureTopics } from '@segmenter/shared';
import type { Logger } from 'pino';

export async function ensureTestTopics(config: Config, log: Logger): Promise<void> {
  await ensureTopics({ brokers: config.kafka.brokers, clientId: 'test' }, log, [
    { topic: config.kafka.topics.contactEvents, partitions: config.kafka.partitions },
    { topic: config.kafka.topics.deadLetter, partitions: 1 },
  ]);
}

export async function publishRaw(config: Config, messages: { key: string; value: string }[]): Promise<void> {
  const producer = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    for (const chunk of chunkByBytes(messages, 512 * 1024)) {
      await producer.send({ topic: config.kafka.topics.contactEvents, acks: -1, messages: chunk });
    }
  } finally {
    await producer.disconnect();
  }
}

export const publishEvents = (config: Config, events: ChangeEvent[]) =>
  publishRaw(
    config,
    events.map((e) => ({ key: aggregateIdOf(e), value: JSON.stringify(e) })),
  );

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(brokers: string[], topic: string, count: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${Math.random().toString(36).slice(2)}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${count} messages from ${topic}`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
        if (messages.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  }).finally(() => consumer.disconnect());
  return messages;
}

/** The group's committed offsets per partition (-1 when nothing was committed). */
export async function committedOffsets(brokers: string[], groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}
