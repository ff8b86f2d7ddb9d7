// The index's freshness against real Postgres, Kafka and Elasticsearch: first what of() makes of
// given progress rows (live, behind, stopped, several groups), then with a real indexer that is
// caught up, stopped while writes go on, and started again.
import { randomUUID } from 'node:crypto';
import { startApiHarness, ApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { startSlowElasticsearchProxy } from '../../../../test/support/slow-elasticsearch-proxy';
import { createTestEnvironment, eventually, TestEnvironment } from '../../../../test/support/test-environment';
import { RunningIndexer, startIndexerService } from '../../../indexer/src/indexer-service';
import { createMirrorFreshness, MirrorFreshness } from './mirror-freshness';

describe('what of() makes of the recorded progress', () => {
  let env: TestEnvironment;
  const workspaceId = randomUUID();
  const STALE_AFTER_MS = 5000;

  beforeAll(async () => {
    env = await createTestEnvironment();
  });
  afterAll(async () => env?.cleanup());
  beforeEach(async () => env.pool.query('truncate indexer_progress, outbox'));

  /** A partition's row: written `writtenAgo` ms ago, with its oldest unindexed event `pendingAgo` ms old (null: caught up). */
  interface Row {
    group?: string;
    topic?: string;
    partition: number;
    writtenAgo: number;
    pendingAgo: number | null;
  }

  async function given(rows: Row[]): Promise<void> {
    for (const r of rows) {
      await env.pool.query(
        `insert into indexer_progress (consumer_group, topic, partition, owner, processed_offset, high_watermark, oldest_pending_at, updated_at)
         values ($1, $2, $3, 'member', 10, $4, now() - $5 * interval '1 millisecond', now() - $6 * interval '1 millisecond')`,
        [r.group ?? 'g', r.topic ?? 't', r.partition, r.pendingAgo === null ? 11 : 20, r.pendingAgo, r.writtenAgo],
      );
    }
  }

  const cases: { description: string; rows: Row[]; scope?: { consumerGroup?: string; topic?: string }; lagMs: number; stalled: number }[] = [
    {
      description: 'a live group, caught up everywhere',
      rows: [0, 1, 2].map((partition) => ({ partition, writtenAgo: 500, pendingAgo: null })),
      lagMs: 0,
      stalled: 0,
    },
    {
      description: 'a live group with one partition behind: the age of its oldest unindexed event',
      rows: [
        { partition: 0, writtenAgo: 500, pendingAgo: null },
        { partition: 1, writtenAgo: 500, pendingAgo: 30_000 },
        { partition: 2, writtenAgo: 500, pendingAgo: 12_000 },
      ],
      lagMs: 30_000,
      stalled: 0,
    },
    {
      description: 'a stopped indexer that was caught up: counted from its last write',
      rows: [0, 1].map((partition) => ({ partition, writtenAgo: 20_000, pendingAgo: null })),
      lagMs: 20_000,
      stalled: 2,
    },
    {
      description: 'a stopped indexer that was behind: counted from its oldest unindexed event',
      rows: [
        { partition: 0, writtenAgo: 20_000, pendingAgo: 60_000 },
        { partition: 1, writtenAgo: 20_000, pendingAgo: null },
      ],
      lagMs: 60_000,
      stalled: 2,
    },
    {
      description: 'one partition without a live owner (a failover) while the others are live',
      rows: [
        { partition: 0, writtenAgo: 500, pendingAgo: null },
        { partition: 1, writtenAgo: 8000, pendingAgo: null },
      ],
      lagMs: 8000,
      stalled: 1,
    },
    {
      description: 'a retired group stops counting while another group is live',
      rows: [
        { group: 'old', partition: 0, writtenAgo: 3_600_000, pendingAgo: null },
        { group: 'new', partition: 0, writtenAgo: 500, pendingAgo: null },
      ],
      lagMs: 0,
      stalled: 0,
    },
    {
      description: 'two live groups read the same topic into the same index: the one further ahead counts',
      rows: [
        { group: 'main', partition: 0, writtenAgo: 500, pendingAgo: 2000 },
        { group: 'replay', partition: 0, writtenAgo: 500, pendingAgo: 90_000 },
      ],
      lagMs: 2000,
      stalled: 0,
    },
    {
      description: 'no group live: the one written last counts, not an older one',
      rows: [
        { group: 'recent', partition: 0, writtenAgo: 10_000, pendingAgo: null },
        { group: 'ancient', partition: 0, writtenAgo: 3_600_000, pendingAgo: null },
      ],
      lagMs: 10_000,
      stalled: 1,
    },
    {
      description: 'scoped to the group that feeds the index: a stopped one counts even when another is live',
      rows: [
        { group: 'feeds', partition: 0, writtenAgo: 15_000, pendingAgo: null },
        { group: 'other', partition: 0, writtenAgo: 500, pendingAgo: null },
      ],
      scope: { consumerGroup: 'feeds', topic: 't' },
      lagMs: 15_000,
      stalled: 1,
    },
    {
      description: "scoped to a topic: another topic's rows of the same group do not count",
      rows: [
        { topic: 'contacts', partition: 0, writtenAgo: 500, pendingAgo: null },
        { topic: 'elsewhere', partition: 0, writtenAgo: 500, pendingAgo: 40_000 },
      ],
      scope: { consumerGroup: 'g', topic: 'contacts' },
      lagMs: 0,
      stalled: 0,
    },
  ];

  test.each(cases)('$description', async ({ rows, scope, lagMs, stalled }) => {
    await given(rows);
    const freshness = await createMirrorFreshness({ pool: env.pool, indexer: scope, staleAfterMs: STALE_AFTER_MS }).of(workspaceId);
    // The rows were written a moment ago: allow for the time since.
    expect(freshness.indexerLagMs).toBeGreaterThanOrEqual(lagMs);
    expect(freshness.indexerLagMs).toBeLessThan(lagMs + (lagMs === 0 ? 1 : 2000));
    expect(freshness).toMatchObject({ lagMs: freshness.indexerLagMs, relayLagMs: 0, pendingChanges: 0, stalledPartitions: stalled, indexerUnknown: false });
  });

  const unknownCases: { description: string; rows: Row[]; scope?: { consumerGroup?: string; topic?: string } }[] = [
    { description: 'no progress recorded at all (no indexer ever started)', rows: [] },
    {
      description: 'scoped, and only another group recorded progress (the group was renamed in config)',
      rows: [{ group: 'before-the-rename', partition: 0, writtenAgo: 500, pendingAgo: null }],
      scope: { consumerGroup: 'after-the-rename', topic: 't' },
    },
  ];

  test.each(unknownCases)("$description: the indexer's part is unknown, not 0, and lagMs is the relay's part", async ({ rows, scope }) => {
    await given(rows);
    await env.pool.query(
      `insert into outbox (workspace_id, aggregate_id, event_type, payload, created_at)
       values ($1, $2, 'contact.upserted', '{}', now() - interval '4 seconds')`,
      [workspaceId, randomUUID()],
    );
    const freshness = await createMirrorFreshness({ pool: env.pool, indexer: scope, staleAfterMs: STALE_AFTER_MS }).of(workspaceId);
    expect(freshness).toMatchObject({ indexerLagMs: null, indexerUnknown: true, stalledPartitions: 0, pendingChanges: 1 });
    expect(freshness.relayLagMs).toBeGreaterThanOrEqual(4000);
    expect(freshness.relayLagMs).toBeLessThan(6000);
    expect(freshness.lagMs).toBe(freshness.relayLagMs);
  });

  test("the relay's part is this workspace's oldest unpublished change, and lagMs the larger part", async () => {
    const other = randomUUID();
    const insert = (ws: string, agoMs: number) =>
      env.pool.query(
        `insert into outbox (workspace_id, aggregate_id, event_type, payload, created_at)
         values ($1, $2, 'contact.upserted', '{}', now() - $3 * interval '1 millisecond')`,
        [ws, randomUUID(), agoMs],
      );
    await insert(workspaceId, 7000);
    await insert(workspaceId, 1000);
    await insert(other, 100_000);
    await given([{ partition: 0, writtenAgo: 500, pendingAgo: 3000 }]);
    const freshness = await createMirrorFreshness({ pool: env.pool }).of(workspaceId);
    expect(freshness.pendingChanges).toBe(2);
    expect(freshness.relayLagMs).toBeGreaterThanOrEqual(7000);
    expect(freshness.relayLagMs).toBeLessThan(9000);
    expect(freshness.indexerLagMs).toBeGreaterThanOrEqual(3000);
    expect(freshness.indexerLagMs).toBeLessThan(5000);
    expect(freshness.lagMs).toBe(freshness.relayLagMs);
    expect(Date.parse(freshness.asOf)).toBeGreaterThan(Date.now() - 5000);
  });
});

describe('with a real indexer: caught up, stopped while writes go on, started again', () => {
  let h: ApiHarness;
  let ws: Workspace;
  let indexer: RunningIndexer | undefined;
  let freshness: ReturnType<typeof createMirrorFreshness>;

  beforeAll(async () => {
    h = await startApiHarness({ relay: true });
    ws = await h.createWorkspace();
    freshness = createMirrorFreshness({
      pool: h.env.pool,
      indexer: { consumerGroup: h.env.config.indexer.consumerGroup, topic: h.env.config.kafka.topics.contactEvents },
      staleAfterMs: 2000,
    });
    indexer = await startIndexerService(h.env.config, h.env.log);
  });
  afterAll(async () => {
    await indexer?.stop();
    await h?.stop();
  });

  const write = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await h.request('POST', '/v1/contacts', { key: ws.key, body: { email: `fresh-${randomUUID()}@example.com` } });
      expect(res.status).toBe(201);
    }
  };
  const of = () => freshness.of(ws.id);

  test('lag is 0 once the indexer caught up, grows while it is stopped, and is 0 again after it resumes', async () => {
    await write(5);
    await expectSearchIndexConverges(h.env, ws.id);
    // Every partition is recorded, idle ones included, and nothing is behind.
    await eventually(
      async () => (await h.env.pool.query('select count(*)::int as n from indexer_progress')).rows[0].n,
      (n) => n === h.env.config.kafka.partitions,
    );
    const caughtUp = await eventually(of, (f) => f.lagMs === 0);
    expect(caughtUp).toMatchObject({ pendingChanges: 0, relayLagMs: 0, indexerLagMs: 0, stalledPartitions: 0 });

    await indexer!.stop();
    indexer = undefined;
    await write(3);
    // The relay still publishes (nothing pending in the outbox), but nobody indexes.
    const stopped = await eventually(of, (f) => f.lagMs > 0 && f.pendingChanges === 0, 20_000);
    expect(stopped.stalledPartitions).toBe(h.env.config.kafka.partitions);
    await new Promise((r) => setTimeout(r, 1000));
    await write(1);
    const later: MirrorFreshness = await of();
    expect(later.lagMs).toBeGreaterThanOrEqual(stopped.lagMs + 900);
    expect(later.relayLagMs).toBeLessThan(later.lagMs);

    indexer = await startIndexerService(h.env.config, h.env.log);
    await eventually(of, (f) => f.lagMs === 0 && f.stalledPartitions === 0, 60_000);
    await expectSearchIndexConverges(h.env, ws.id);
  });

  test('an indexer that is up but slow to write shows the age of the event it is working on, and no stalled partition', async () => {
    const node = await startSlowElasticsearchProxy(h.env.config.elasticsearch.url);
    try {
      await indexer?.stop();
      indexer = await startIndexerService({ ...h.env.config, elasticsearch: { ...h.env.config.elasticsearch, url: node.url } }, h.env.log);
      await eventually(of, (f) => f.lagMs === 0 && f.stalledPartitions === 0, 30_000);
      // Each answer of the node now takes 5 s: the indexer holds a fetched batch it cannot finish.
      node.setDelayMs(5000);
      await write(1);
      const behind = await eventually(of, (f) => f.indexerLagMs! >= 1500, 20_000);
      expect(behind).toMatchObject({ stalledPartitions: 0, pendingChanges: 0 });
      node.setDelayMs(0);
      await eventually(of, (f) => f.lagMs === 0, 60_000);
      await expectSearchIndexConverges(h.env, ws.id);
    } finally {
      await indexer?.stop();
      indexer = undefined;
      await node.stop();
    }
  });
});
