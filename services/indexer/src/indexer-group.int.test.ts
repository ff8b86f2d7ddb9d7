// Two indexer processes in one consumer group, on a topic of four partitions: Kafka shares the
// partitions between them, and when one is killed (SIGKILL: no leave, no final commit) the other
// takes its partitions after the session timeout and indexes what was written meanwhile, until the
// index equals Postgres. Ownership is read twice: from the group (describeGroups) and from the
// indexers' own progress rows (indexer_progress), which must agree.
import type { ChildProcess } from 'node:child_process';
import { AssignerProtocol, Admin, Kafka, logLevel } from 'kafkajs';
import type { Config } from '@segmenter/shared';
import { ApiHarness, startApiHarness, Workspace } from '../../../test/support/api-harness';
import { spawnIndexer } from '../../../test/support/indexer-process';
import { expectSearchIndexConverges } from '../../../test/support/search-index-equality';
import { eventually } from '../../../test/support/test-environment';
import { createMirrorFreshness } from '../../api/src/consistency/mirror-freshness';

const PARTITIONS = 4;
let h: ApiHarness;
let ws: Workspace;
let config: Config;
let admin: Admin;
const children: ChildProcess[] = [];

beforeAll(async () => {
  h = await startApiHarness({ relay: true, configure: (c) => ({ ...c, kafka: { ...c.kafka, partitions: PARTITIONS } }) });
  config = { ...h.env.config, kafka: { ...h.env.config.kafka, partitions: PARTITIONS } };
  ws = await h.createWorkspace();
  admin = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await admin?.disconnect();
  await h?.stop();
});

/** An indexer process whose group member id starts with `<name>-indexer`, with the shortest session the broker allows (6 s): the failover time. */
function startIndexer(name: string): ChildProcess {
  const { child } = spawnIndexer(config, { KAFKA_CLIENT_ID: name, INDEXER_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'warn' });
  children.push(child);
  return child;
}

interface Member {
  memberId: string;
  clientId: string;
  partitions: number[];
}

async function group(): Promise<{ state: string; members: Member[] }> {
  const [described] = (await admin.describeGroups([config.indexer.consumerGroup])).groups;
  return {
    state: described!.state,
    members: described!.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      partitions:
        m.memberAssignment.length > 0
          ? [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[config.kafka.topics.contactEvents] ?? [])].sort()
          : [],
    })),
  };
}

async function progressRows(): Promise<{ partition: number; owner: string; processed: number | null }[]> {
  const { rows } = await h.env.pool.query(
    'select partition, owner, processed_offset from indexer_progress where consumer_group = $1 and topic = $2 order by partition',
    [config.indexer.consumerGroup, config.kafka.topics.contactEvents],
  );
  return rows.map((r) => ({ partition: r.partition, owner: r.owner, processed: r.processed_offset === null ? null : Number(r.processed_offset) }));
}

/** Each partition's row is written by the member the group gave it to. */
const rowsAgreeWith = (members: Member[]) => (rows: Awaited<ReturnType<typeof progressRows>>) =>
  rows.length === PARTITIONS && rows.every((r) => members.find((m) => m.partitions.includes(r.partition))?.memberId === r.owner);

async function writeContacts(prefix: string, count: number, firstName = prefix): Promise<{ created: number; updated: number }> {
  const res = await h.request('POST', '/v1/contacts/batch-upsert', {
    key: ws.key,
    body: {
      matchBy: 'email',
      createMissing: true,
      contacts: Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@example.com`, firstName })),
    },
  });
  expect(res.status).toBe(200);
  return res.body.summary;
}

test('two indexers share the partitions; when one is killed the other takes them over and the index equals Postgres', async () => {
  const victim = startIndexer('indexer-a');
  startIndexer('indexer-b');
  const victimExit = new Promise((resolve) => victim.once('exit', resolve));

  // (a) Both members hold partitions, none twice, all of them between the two.
  const shared = await eventually(group, (g) => g.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.partitions.length > 0), 60_000);
  expect(shared.members.flatMap((m) => m.partitions).sort()).toEqual([0, 1, 2, 3]);
  await eventually(progressRows, rowsAgreeWith(shared.members), 20_000);

  await writeContacts('before', 200);
  await expectSearchIndexConverges(h.env, ws.id);
  // Both indexed some of it: every partition has moved past its start, whoever owns it.
  await eventually(progressRows, (rows) => rows.every((r) => (r.processed ?? -1) >= 0), 20_000);

  // (b) A real kill: the member neither leaves the group nor commits, so the broker notices only
  // when its session times out; writes made meanwhile wait in Kafka for the survivor.
  const lost = shared.members.find((m) => m.clientId === 'indexer-a-indexer')!;
  const survivor = shared.members.find((m) => m.clientId === 'indexer-b-indexer')!;
  const atKill = new Map((await progressRows()).map((r) => [r.partition, r.processed ?? -1]));
  victim.kill('SIGKILL');
  await victimExit;
  await writeContacts('after', 200);
  // Contacts indexed before the kill, changed while no one consumes their partitions.
  expect(await writeContacts('before', 100, 'updated')).toMatchObject({ updated: 100 });

  const alone = await eventually(group, (g) => g.state === 'Stable' && g.members.length === 1, 60_000);
  expect(alone.members).toEqual([expect.objectContaining({ memberId: survivor.memberId, partitions: [0, 1, 2, 3] })]);
  // The survivor writes the lost partitions' rows now, past where the killed member left them.
  await eventually(
    progressRows,
    (rows) => rowsAgreeWith(alone.members)(rows) && lost.partitions.every((p) => rows.find((r) => r.partition === p)!.processed! > atKill.get(p)!),
    60_000,
  );

  // (c) The index equals Postgres, and says it is caught up.
  await expectSearchIndexConverges(h.env, ws.id, 60_000);
  const freshness = createMirrorFreshness({
    pool: h.env.pool,
    indexer: { consumerGroup: config.indexer.consumerGroup, topic: config.kafka.topics.contactEvents },
  });
  await eventually(
    () => freshness.of(ws.id),
    (f) => f.lagMs === 0 && f.stalledPartitions === 0,
    20_000,
  );
});
