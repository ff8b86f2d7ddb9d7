// The relay against real Postgres and Kafka: rows committed out of id order are not skipped,
// rolled-back writes publish nothing, two relays never publish the same row, and per-contact
// order is kept within a partition.
import { createEventPublisher, EventPublisher, inTransaction, parseChangeEvent } from '@segmenter/shared';
import { contactUpserted, newId } from '../../../../test/support/contact-events';
import { ensureTestTopics, readTopic } from '../../../../test/support/kafka-helpers';
import { createTestEnvironment, eventually, TestEnvironment } from '../../../../test/support/test-environment';
import { appendOutboxEvent, outboxBacklog, PendingChangeEvent } from './outbox-store';
import { createOutboxRelay } from './outbox-relay';

let env: TestEnvironment;
let publisher: EventPublisher;
const workspaceId = newId();

function pending(contactId: string, version: number): PendingChangeEvent {
  const { schemaVersion: _s, eventId: _e, occurredAt: _o, ...event } = contactUpserted(workspaceId, contactId, version);
  return event;
}

function relay(batchSize = 50) {
  return createOutboxRelay({ pool: env.pool, publisher, topic: env.config.kafka.topics.contactEvents, batchSize, pollIntervalMs: 20, log: env.log });
}

beforeAll(async () => {
  env = await createTestEnvironment();
  await ensureTestTopics(env.config, env.log);
  publisher = await createEventPublisher({ brokers: env.config.kafka.brokers, clientId: 'relay-test' }, env.log);
  await env.pool.query('insert into workspaces (id, name) values ($1, $2)', [workspaceId, 'relay test']);
});

afterAll(async () => {
  await publisher?.close();
  await env?.cleanup();
});

test('a row whose transaction commits after a higher id was published is still published', async () => {
  const early = newId();
  const late = newId();
  const slow = await env.pool.connect();
  await slow.query('begin');
  await appendOutboxEvent(slow, pending(early, 1)); // lower id, commits last
  await inTransaction(env.pool, (c) => appendOutboxEvent(c, pending(late, 1)));
  const r = relay();
  expect(await r.relayOnce()).toBe(1); // only the committed row is visible
  await slow.query('commit');
  slow.release();
  expect(await r.relayOnce()).toBe(1);
  expect(await outboxBacklog(env.pool)).toBe(0);
  const published = await readTopic(env.config.kafka.brokers, env.config.kafka.topics.contactEvents, 2);
  expect(published.map((m) => m.key).sort()).toEqual([early, late].sort());
});

test('a rolled-back write publishes nothing', async () => {
  await expect(
    inTransaction(env.pool, async (c) => {
      await appendOutboxEvent(c, pending(newId(), 1));
      throw new Error('the contact write failed');
    }),
  ).rejects.toThrow('the contact write failed');
  expect(await outboxBacklog(env.pool)).toBe(0);
});

test('two relays publish every row exactly once, each contact on one partition', async () => {
  const contacts = Array.from({ length: 40 }, newId);
  const before = (await readTopic(env.config.kafka.brokers, env.config.kafka.topics.contactEvents, 2)).length;
  for (let version = 1; version <= 10; version++) {
    await inTransaction(env.pool, async (c) => {
      for (const id of contacts) await appendOutboxEvent(c, pending(id, version));
    });
  }
  const [r1, r2] = [relay(37), relay(37)];
  r1.start();
  r2.start();
  await eventually(
    () => outboxBacklog(env.pool),
    (n) => n === 0,
  );
  await Promise.all([r1.stop(), r2.stop()]);

  const messages = await readTopic(env.config.kafka.brokers, env.config.kafka.topics.contactEvents, before + 400);
  const ours = messages.filter((m) => m.key && contacts.includes(m.key));
  expect(ours).toHaveLength(400);
  const eventIds = ours.map((m) => parseChangeEvent(m.value).eventId);
  expect(new Set(eventIds).size).toBe(400);
  // Two relays may interleave one contact's events (the indexer's versions make that harmless);
  // what must hold is that every version arrived, all on the contact's partition.
  for (const id of contacts) {
    const versions = ours
      .filter((m) => m.key === id)
      .map((m) => {
        const e = parseChangeEvent(m.value);
        return e.type === 'contact.upserted' ? e.contact.version : 0;
      });
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(ours.filter((m) => m.key === id).map((m) => m.partition)).size).toBe(1);
  }
});
