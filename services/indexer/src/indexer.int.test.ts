// The indexer against real Kafka and Elasticsearch: versions decide, not arrival order; poison
// events go to the dead-letter topic without stopping the stream; replays change nothing.
import { Kafka, logLevel } from 'kafkajs';
import { contactUpserted, newId } from '../../../test/support/contact-events';
import { ensureTestTopics, publishEvents, publishRaw, readTopic } from '../../../test/support/kafka-helpers';
import { createTestEnvironment, eventually, TestEnvironment } from '../../../test/support/test-environment';
import { RunningIndexer, startIndexerService } from './indexer-service';

let env: TestEnvironment;
let indexer: RunningIndexer | undefined;
const workspaceId = newId();

async function indexedVersions(ids: string[]): Promise<Record<string, number | null>> {
  const alias = env.config.elasticsearch.contactsAlias;
  await env.es.indices.refresh({ index: alias });
  const { docs } = await env.es.mget<{ version: number }>({ index: alias, ids, routing: workspaceId });
  return Object.fromEntries(docs.map((d) => [d._id, 'found' in d && d.found ? d._source!.version : null]));
}

beforeAll(async () => {
  env = await createTestEnvironment();
  await ensureTestTopics(env.config, env.log);
});

afterEach(async () => {
  await indexer?.stop();
  indexer = undefined;
});

afterAll(async () => {
  await env?.cleanup();
});

test('a stale event never overwrites a newer version, whatever the arrival order', async () => {
  const [a, b] = [newId(), newId()];
  await publishEvents(env.config, [contactUpserted(workspaceId, a, 3), contactUpserted(workspaceId, a, 1), contactUpserted(workspaceId, b, 1)]);
  indexer = await startIndexerService(env.config, env.log);
  await eventually(
    () => indexedVersions([a, b]),
    (v) => v[a] === 3 && v[b] === 1,
  );
  // Older and equal versions arriving later, in a later batch, are refused too.
  await publishEvents(env.config, [contactUpserted(workspaceId, a, 2), contactUpserted(workspaceId, b, 2), contactUpserted(workspaceId, a, 3)]);
  await eventually(
    () => indexedVersions([a, b]),
    (v) => v[b] === 2,
  );
  expect(await indexedVersions([a, b])).toEqual({ [a]: 3, [b]: 2 });
});

test('poison events are dead-lettered with the reason, and the stream goes on', async () => {
  const after = newId();
  await publishRaw(env.config, [
    { key: 'poison-1', value: '{not json' },
    { key: 'poison-2', value: JSON.stringify({ type: 'contact.upserted', schemaVersion: 99 }) },
  ]);
  await publishEvents(env.config, [contactUpserted(workspaceId, after, 1)]);
  indexer = await startIndexerService(env.config, env.log);
  await eventually(
    () => indexedVersions([after]),
    (v) => v[after] === 1,
  );
  const letters = await readTopic(env.config.kafka.brokers, env.config.kafka.topics.deadLetter, 2);
  expect(letters.map((l) => l.key).sort()).toEqual(['poison-1', 'poison-2']);
  const reasons = Object.fromEntries(letters.map((l) => [l.key, l.headers['dead-letter-reason']]));
  expect(reasons['poison-1']).toMatch(/^unparseable event: .*JSON/);
  expect(reasons['poison-2']).toMatch(/^unparseable event: /);
  expect(letters.every((l) => l.headers['original-topic'] === env.config.kafka.topics.contactEvents)).toBe(true);
});

test('replaying the whole topic from the start leaves the index unchanged', async () => {
  const alias = env.config.elasticsearch.contactsAlias;
  indexer = await startIndexerService(env.config, env.log);
  const ids = Array.from({ length: 50 }, newId);
  await publishEvents(
    env.config,
    ids.flatMap((id) => [contactUpserted(workspaceId, id, 1), contactUpserted(workspaceId, id, 2)]),
  );
  await eventually(
    () => indexedVersions(ids),
    (v) => ids.every((id) => v[id] === 2),
  );
  await indexer.stop();
  await env.es.indices.refresh({ index: alias });
  const before = await env.es.search({ index: alias, size: 1000, routing: workspaceId, query: { term: { workspace_id: workspaceId } }, sort: ['contact_id'] });

  // A fresh consumer group reads every event again, as after an offset reset.
  indexer = await startIndexerService(
    { ...env.config, indexer: { ...env.config.indexer, consumerGroup: `${env.config.indexer.consumerGroup}-replay` } },
    env.log,
  );
  const marker = newId();
  await publishEvents(env.config, [contactUpserted(workspaceId, marker, 1)]);
  await eventually(
    () => indexedVersions([marker]),
    (v) => v[marker] === 1,
  );
  await env.es.indices.refresh({ index: alias });
  const after = await env.es.search({
    index: alias,
    size: 1000,
    routing: workspaceId,
    query: { bool: { filter: [{ term: { workspace_id: workspaceId } }], must_not: [{ ids: { values: [marker] } }] } },
    sort: ['contact_id'],
  });
  expect(after.hits.hits.map((h) => [h._id, h._source])).toEqual(before.hits.hits.map((h) => [h._id, h._source]));
});

test('two indexer processes in one consumer group share the partitions and together index everything', async () => {
  const second = await startIndexerService({ ...env.config, indexer: { ...env.config.indexer, httpPort: 0 } }, env.log);
  indexer = await startIndexerService(env.config, env.log);
  try {
    const admin = new Kafka({ brokers: env.config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // Both members joined and each holds partitions before anything is published.
      await eventually(
        async () => (await admin.describeGroups([env.config.indexer.consumerGroup])).groups[0]!,
        (g) => g.state === 'Stable' && g.members.length === 2,
        60_000,
      );
    } finally {
      await admin.disconnect();
    }
    const ids = Array.from({ length: 300 }, newId);
    await publishEvents(
      env.config,
      ids.map((id) => contactUpserted(workspaceId, id, 1)),
    );
    await eventually(
      () => indexedVersions(ids),
      (v) => ids.every((id) => v[id] === 1),
      60_000,
    );
    const indexedBy = async (url: string) => {
      const line = (await (await fetch(`${url}/metrics`)).text())
        .split('\n')
        .find((l) => l.startsWith('segmenter_indexer_events_total{') && l.includes('outcome="indexed"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const [first, other] = [await indexedBy(indexer.url), await indexedBy(second.url)];
    expect(first).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(0);
    // At least once: a rebalance mid-stream may replay a batch, never skip one.
    expect(first + other).toBeGreaterThanOrEqual(300);
  } finally {
    await second.stop();
  }
});
