// The indexer's progress record against real Postgres, batch by batch: what it writes while a
// batch is half done, once it is done, for owned partitions it has no batch of, and for partitions
// given to another member. The handler here is a stand-in that marks what the test says. The
// takeover case reads the group's committed offsets from a real Kafka topic.
import { Kafka, logLevel } from 'kafkajs';
import { createConsumerLagProbe, createEventPublisher, ensureTopics } from '@segmenter/shared';
import type { BatchHandlerContext, ConsumerAssignment, IncomingMessage } from '@segmenter/shared';
import { createTestEnvironment, TestEnvironment } from '../../../test/support/test-environment';
import { createMirrorFreshness } from '../../api/src/consistency/mirror-freshness';
import { createIndexerProgress } from './indexer-progress';

let env: TestEnvironment;
const group = 'progress-group';
const topic = 'progress-topic';

beforeAll(async () => {
  env = await createTestEnvironment();
});

afterAll(async () => {
  await env?.cleanup();
});

const workspaceId = '00000000-0000-4000-8000-000000000001';
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

/** Messages of `partition` at the given offsets, each event committed at second = its offset. */
function batch(partition: number, offsets: number[]): IncomingMessage[] {
  return offsets.map((offset) => ({
    topic,
    partition,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify({ type: 'contact.upserted', occurredAt: at(offset).toISOString() })),
    headers: {},
  }));
}

const context = (highWatermark: number): BatchHandlerContext => ({
  markProcessed: () => undefined,
  heartbeat: async () => undefined,
  isRunning: () => true,
  highWatermark: String(highWatermark),
});

async function rows(): Promise<
  Record<number, { owner: string; processed: string | null; hw: string | null; last: Date | null; pending: Date | null; updated: Date }>
> {
  const { rows: found } = await env.pool.query(
    `select partition, owner, processed_offset, high_watermark, last_event_at, oldest_pending_at, updated_at
       from indexer_progress where consumer_group = $1 and topic = $2`,
    [group, topic],
  );
  return Object.fromEntries(
    found.map((r) => [
      r.partition,
      { owner: r.owner, processed: r.processed_offset, hw: r.high_watermark, last: r.last_event_at, pending: r.oldest_pending_at, updated: r.updated_at },
    ]),
  );
}

test('a partition is behind from the next event to index while a batch runs, and caught up once it is done', async () => {
  let assignment: ConsumerAssignment | undefined = { memberId: 'member-a', partitions: [1, 2] };
  const progress = createIndexerProgress({
    pool: env.pool,
    consumerGroup: group,
    topic,
    consumer: { assignment: () => assignment },
    log: env.log,
    flushEveryMs: 60_000,
  });
  // Another member left partition 2 behind: we own it now but have had no batch of it yet.
  await env.pool.query(
    `insert into indexer_progress (consumer_group, topic, partition, owner, processed_offset, high_watermark, last_event_at, oldest_pending_at)
     values ($1, $2, 2, 'member-old', 4, 9, $3, $4)`,
    [group, topic, at(4), at(5)],
  );
  let midBatch: Awaited<ReturnType<typeof rows>> | undefined;
  let endOfBatch: Awaited<ReturnType<typeof rows>> | undefined;

  // Offsets 10..14 of 20: the handler marks 12 and the record is written mid-batch, then 14.
  const first = batch(1, [10, 11, 12, 13, 14]);
  await progress.recording(async (messages, ctx) => {
    ctx.markProcessed(messages[2]!);
    await progress.flush();
    midBatch = await rows();
    ctx.markProcessed(messages[4]!);
    await progress.flush();
    endOfBatch = await rows();
  })(first, context(20));

  expect(midBatch![1]).toMatchObject({ owner: 'member-a', processed: '12', hw: '20', last: at(12), pending: at(13) });
  // The next event (15) is not in the batch: the last indexed one's time stands in for it.
  expect(endOfBatch![1]).toMatchObject({ processed: '14', hw: '20', last: at(14), pending: at(14) });
  // Owned without a batch: the row is ours and fresh, and keeps what the previous owner recorded.
  expect(endOfBatch![2]).toMatchObject({ owner: 'member-a', processed: '4', hw: '9', last: at(4), pending: at(5) });
  expect(endOfBatch![2]!.updated.getTime()).toBeGreaterThan(Date.now() - 5000);

  // The next batch reaches the high watermark: caught up.
  await progress.recording(async (messages, ctx) => ctx.markProcessed(messages[messages.length - 1]!))(batch(1, [15, 16, 17, 18, 19]), context(20));
  await progress.flush();
  expect((await rows())[1]).toMatchObject({ processed: '19', hw: '20', last: at(19), pending: null });

  // A rebalance gives partition 1 to another member: we stop writing its row.
  assignment = { memberId: 'member-a', partitions: [2] };
  const before = (await rows())[1]!.updated;
  await progress.flush();
  expect((await rows())[1]!.updated).toEqual(before);
  // Stopping after the consumer left the group: the final write has nothing to say of partition 1 either.
  assignment = undefined;
  await progress.stop();
  expect((await rows())[1]!.updated).toEqual(before);
});

test('a batch that stops half way (a rebalance) leaves the partition behind from its first unprocessed event', async () => {
  const progress = createIndexerProgress({
    pool: env.pool,
    consumerGroup: group,
    topic,
    consumer: { assignment: () => ({ memberId: 'member-b', partitions: [3] }) },
    log: env.log,
    flushEveryMs: 60_000,
  });
  await progress.recording(async (messages, ctx) => ctx.markProcessed(messages[1]!))(batch(3, [0, 1, 2, 3]), context(4));
  // Written twice: the second write still knows the exact time it read from the batch the first time.
  await progress.flush();
  await progress.stop();
  expect((await rows())[3]).toMatchObject({ owner: 'member-b', processed: '1', hw: '4', last: at(1), pending: at(2) });
});

test('marking messages parses none of them: a write reads the times it records, of one or two messages', async () => {
  let reads = 0;
  // Each message counts the reads of its value: reading it is what parsing it starts with.
  const counted = batch(
    4,
    Array.from({ length: 1000 }, (_, i) => i),
  ).map((m) => {
    const { value, ...rest } = m;
    return Object.defineProperty(rest, 'value', { enumerable: true, get: () => (reads++, value) }) as IncomingMessage;
  });
  const progress = createIndexerProgress({
    pool: env.pool,
    consumerGroup: group,
    topic,
    consumer: { assignment: () => ({ memberId: 'member-c', partitions: [4] }) },
    log: env.log,
    flushEveryMs: 60_000,
  });
  let readsWhileHandling = -1;
  await progress.recording(async (messages, ctx) => {
    for (const m of messages) ctx.markProcessed(m);
    readsWhileHandling = reads;
  })(counted, context(2000));
  expect(readsWhileHandling).toBe(0);
  await progress.flush();
  expect(reads).toBeLessThanOrEqual(2);
  // The next event (1000) was not fetched: the last indexed one's time stands in for it.
  expect((await rows())[4]).toMatchObject({ processed: '999', hw: '2000', last: at(999), pending: at(999) });
  await progress.stop();
});

test('a partition taken over without a batch reads as caught up once the group has committed up to its end', async () => {
  // The environment's own topic and group, so that cleanup() deletes both.
  const kafkaTopic = env.config.kafka.topics.contactEvents;
  const kafkaGroup = env.config.indexer.consumerGroup;
  const settings = { brokers: env.config.kafka.brokers, clientId: `progress-${env.id}` };
  await ensureTopics(settings, env.log, [{ topic: kafkaTopic, partitions: 1 }]);
  const publisher = await createEventPublisher(settings, env.log);
  const admin = new Kafka({ brokers: env.config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const probe = createConsumerLagProbe(settings, env.log, kafkaGroup, kafkaTopic);
  const freshness = createMirrorFreshness({ pool: env.pool, indexer: { consumerGroup: kafkaGroup, topic: kafkaTopic } });
  const commit = (offset: number) => admin.setOffsets({ groupId: kafkaGroup, topic: kafkaTopic, partitions: [{ partition: 0, offset: String(offset) }] });
  try {
    await publisher.publish(
      kafkaTopic,
      [0, 1, 2].map((i) => ({ key: `k${i}`, value: JSON.stringify({ type: 'contact.upserted', occurredAt: at(i).toISOString() }) })),
    );
    // The old member's last write had it behind (offset 1 of 3 pending since ten minutes ago);
    // it left the group without writing again, and only offset 0 is committed yet.
    await commit(1);
    await env.pool.query(
      `insert into indexer_progress (consumer_group, topic, partition, owner, processed_offset, high_watermark, oldest_pending_at, updated_at)
       values ($1, $2, 0, 'member-old', 0, 3, now() - interval '10 minutes', now() - interval '2 seconds')`,
      [kafkaGroup, kafkaTopic],
    );
    const progress = createIndexerProgress({
      pool: env.pool,
      consumerGroup: kafkaGroup,
      topic: kafkaTopic,
      consumer: { assignment: () => ({ memberId: 'member-new', partitions: [0] }) },
      offsets: probe,
      log: env.log,
      flushEveryMs: 60_000,
    });
    const row = async () =>
      (
        await env.pool.query(
          'select owner, processed_offset, high_watermark, oldest_pending_at from indexer_progress where consumer_group = $1 and topic = $2',
          [kafkaGroup, kafkaTopic],
        )
      ).rows[0];

    // Still behind in Kafka: the new owner keeps what the old one recorded, and the lag stays.
    await progress.flush();
    expect(await row()).toMatchObject({ owner: 'member-new', processed_offset: '0', high_watermark: '3' });
    expect((await row()).oldest_pending_at).not.toBeNull();
    expect((await freshness.of(workspaceId)).lagMs).toBeGreaterThanOrEqual(600_000);

    // The old member had in fact finished the partition (its commit arrives): caught up, lag 0,
    // though no batch ever reaches the new owner.
    await commit(3);
    await progress.flush();
    expect(await row()).toMatchObject({ owner: 'member-new', processed_offset: '2', high_watermark: '3', oldest_pending_at: null });
    expect(await freshness.of(workspaceId)).toMatchObject({ lagMs: 0, indexerLagMs: 0, stalledPartitions: 0 });
    // And it stays so while the partition is idle.
    await progress.stop();
    expect((await freshness.of(workspaceId)).lagMs).toBe(0);
  } finally {
    await probe.close();
    await admin.disconnect();
    await publisher.close();
  }
});
