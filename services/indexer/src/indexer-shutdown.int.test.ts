// SIGTERM mid-stream: the indexer process finishes its batch, commits only offsets whose events
// Elasticsearch acknowledged, and exits cleanly; a restart then completes the stream.
import type { ChildProcess } from 'node:child_process';
import { contactUpserted, newId } from '../../../test/support/contact-events';
import { committedOffsets, ensureTestTopics, publishRaw, readTopic } from '../../../test/support/kafka-helpers';
import { spawnIndexer } from '../../../test/support/indexer-process';
import { createTestEnvironment, eventually, TestEnvironment } from '../../../test/support/test-environment';

let env: TestEnvironment;
const children: ChildProcess[] = [];
const workspaceId = newId();

function startIndexerProcess(): ChildProcess {
  // Small fetches make many batches, so the signal lands mid-stream.
  const { child } = spawnIndexer(env.config, { LOG_LEVEL: 'warn', INDEXER_MAX_BATCH_BYTES: '20000' });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function indexedCount(): Promise<number> {
  // Before the indexer created the index there is nothing to count.
  const index = env.config.elasticsearch.contactsAlias;
  await env.es.indices.refresh({ index, ignore_unavailable: true });
  return (await env.es.count({ index, ignore_unavailable: true })).count;
}

beforeAll(async () => {
  env = await createTestEnvironment({ KAFKA_PARTITIONS: '2' });
  await ensureTestTopics(env.config, env.log);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await env?.cleanup();
});

test('SIGTERM commits nothing that is not in Elasticsearch, and a restart finishes the stream', async () => {
  const total = 3000;
  const ids = Array.from({ length: total }, newId);
  await publishRaw(
    env.config,
    ids.map((id) => ({ key: id, value: JSON.stringify(contactUpserted(workspaceId, id, 1)) })),
  );

  const first = startIndexerProcess();
  const firstExit = exited(first);
  await eventually(indexedCount, (n) => n > 0, 60_000);
  first.kill('SIGTERM');
  expect(await firstExit).toBe(0);

  // Every event below a committed offset must already be searchable.
  const committed = await committedOffsets(env.config.kafka.brokers, env.config.indexer.consumerGroup, env.config.kafka.topics.contactEvents);
  const messages = await readTopic(env.config.kafka.brokers, env.config.kafka.topics.contactEvents, total);
  const mustBeIndexed = messages.filter((m) => BigInt(m.offset) < (committed.get(m.partition) ?? -1n)).map((m) => m.key!);
  const indexedNow = await indexedCount();
  expect(mustBeIndexed.length).toBeLessThanOrEqual(indexedNow);
  if (mustBeIndexed.length > 0) {
    const { docs } = await env.es.mget({ index: env.config.elasticsearch.contactsAlias, ids: mustBeIndexed, routing: workspaceId });
    expect(docs.filter((d) => !('found' in d && d.found))).toEqual([]);
  }

  const second = startIndexerProcess();
  try {
    await eventually(indexedCount, (n) => n === total, 60_000);
  } finally {
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  }
});
