// Fault injection on real processes: a private Elasticsearch node and Kafka broker (so stopping
// them disturbs no other test file), the api in-process with its relay, and the indexer as a child
// process. A writer keeps changing contacts over HTTP throughout. After each fault heals,
// Elasticsearch must equal Postgres exactly (every contact, version, tag, label) and the outbox
// must be empty: nothing lost, nothing resurrected.
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { RunningApi, startApiService } from '../services/api/src/api-service';
import { IndexerProcess, spawnIndexer } from './support/indexer-process';
import { expectSearchIndexConverges } from './support/search-index-equality';
import { PrivateStack, startPrivateStack } from './support/private-stack';
import { createTestEnvironment, eventually, TestEnvironment } from './support/test-environment';

// Ports apart from the shared stack's (9200/9300, 9092/9093) and from other instances.
const PORTS = { es: 9210, esTransport: 9310, kafka: 9096, kafkaController: 9097 };
const CONVERGE_MS = 120_000;

// The private stack is built from the launcher's local binaries; with TEST_INFRA=containers there
// are none, and these tests are skipped (say so rather than pass silently).
const describeWithLocalStack = process.env.TEST_INFRA === 'containers' ? describe.skip : describe;

describeWithLocalStack('faults', () => {
  let stack: PrivateStack;
  let env: TestEnvironment;
  let api: RunningApi;
  let indexer: IndexerProcess | undefined;
  let workspace: { id: string; key: string };
  const writer = { running: false, done: 0, failures: [] as string[], loop: Promise.resolve() };

  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': workspace.key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** Varied writes, one after another: creates, labels, tags, deletes, restores, activities. */
  function startWriter(): void {
    writer.running = true;
    writer.loop = (async () => {
      const live: string[] = [];
      const deleted: string[] = [];
      const tags: string[] = [];
      for (const name of ['A', 'B']) tags.push((await request('POST', '/v1/tags', { name: `${name}-${Date.now()}` })).body.id);
      let n = 0;
      while (writer.running) {
        n += 1;
        const pick = <T>(items: T[]) => items[n % items.length]!;
        let res: { status: number; body: any };
        if (live.length < 10 || n % 5 === 0) {
          res = await request('POST', '/v1/contacts', { email: `w${n}-${Date.now()}@example.com` });
          if (res.status === 201) live.push(res.body.id);
        } else if (n % 5 === 1) {
          res = await request('PATCH', `/v1/contacts/${pick(live)}/labels`, { set: { round: `r${n}` } });
        } else if (n % 5 === 2) {
          res = await request('POST', n % 2 ? '/v1/tags/bulk-add' : '/v1/tags/bulk-remove', { contactIds: live.slice(-5), tagIds: [pick(tags)] });
        } else if (n % 5 === 3 && n % 3 === 0) {
          const id = live.shift()!;
          res = await request('DELETE', `/v1/contacts/${id}`, { reason: 'fault test' });
          deleted.push(id);
        } else if (n % 5 === 3 && deleted.length > 0) {
          const id = deleted.shift()!;
          res = await request('POST', `/v1/contacts/${id}/restore`);
          live.push(id);
        } else {
          res = await request('POST', `/v1/contacts/${pick(live)}/activities`, { channel: 'email', status: 'opened', occurredAt: new Date().toISOString() });
        }
        if (res.status >= 300) writer.failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        else writer.done += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  }

  async function stopWriter(): Promise<number> {
    writer.running = false;
    await writer.loop;
    return writer.done;
  }

  /** Lets the writer make at least `count` more writes. */
  const writesGoOn = async (count: number, timeoutMs = 60_000) => {
    const target = writer.done + count;
    await eventually(
      async () => writer.done,
      (n) => n >= target,
      timeoutMs,
    );
  };

  const outboxBacklog = async () => (await env.pool.query('select count(*)::int as n from outbox')).rows[0].n as number;

  /** What each fault did, written to .cache/test-reports/faults.json for the record. */
  const report: Record<string, Record<string, unknown>> = {};

  /** The fault is over: stop writing, then the search index must equal Postgres and the outbox be empty. */
  async function expectConverged(fault: string, facts: Record<string, unknown>): Promise<void> {
    const writes = await stopWriter();
    expect(writer.failures).toEqual([]);
    const started = Date.now();
    await eventually(outboxBacklog, (n) => n === 0, CONVERGE_MS);
    await expectSearchIndexConverges(env, workspace.id, CONVERGE_MS);
    const contacts = (await env.pool.query('select count(*)::int as n from contacts where workspace_id = $1', [workspace.id])).rows[0].n;
    report[fault] = { ...facts, acceptedWritesSoFar: writes, contactsCompared: contacts, secondsToConvergeAfterWritesStopped: (Date.now() - started) / 1000 };
  }

  function startIndexer(): void {
    indexer = spawnIndexer(env.config, { INDEXER_MAX_BATCH_BYTES: '50000' });
  }

  async function stopIndexer(signal: NodeJS.Signals): Promise<void> {
    if (!indexer || indexer.child.exitCode !== null) return;
    indexer.child.kill(signal);
    await indexer.exited;
  }

  beforeAll(async () => {
    stack = await startPrivateStack('faults', PORTS);
    env = await createTestEnvironment({ ELASTICSEARCH_URL: stack.esUrl, KAFKA_BROKERS: stack.kafkaBrokers });
    api = await startApiService(env.config, env.log);
    const res = await fetch(`${api.url}/v1/admin/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.config.api.operatorKey}` },
      body: JSON.stringify({ name: 'faults' }),
    });
    const created = (await res.json()) as { workspace: { id: string }; apiKey: { key: string } };
    workspace = { id: created.workspace.id, key: created.apiKey.key };
    startIndexer();
  }, 240_000);

  afterAll(async () => {
    const dir = path.resolve(__dirname, '..', '.cache', 'test-reports');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'faults.json'), JSON.stringify(report, null, 2));
    writer.running = false;
    await writer.loop.catch(() => undefined);
    await stopIndexer('SIGKILL');
    await api?.stop();
    await env?.cleanup().catch(() => undefined);
    await stack?.shutdown();
  }, 120_000);

  beforeEach(() => {
    writer.failures = [];
    startWriter();
  });

  test('the indexer killed (SIGKILL) mid-stream and restarted loses nothing', async () => {
    await writesGoOn(100);
    await stopIndexer('SIGKILL');
    const down = writer.done;
    await writesGoOn(100); // written while no indexer runs
    const writesWhileDown = writer.done - down;
    startIndexer();
    await writesGoOn(50);
    await expectConverged('indexer SIGKILL', { writesWhileDown });
  }, 300_000);

  test('Elasticsearch killed while writes continue, then restarted: the indexer holds its batch and catches up', async () => {
    await writesGoOn(50);
    await stack.stopElasticsearch({ graceMs: 0 });
    const down = writer.done;
    const downAt = Date.now();
    await writesGoOn(100);
    await stack.startElasticsearch();
    const writesWhileDown = writer.done - down;
    const secondsDown = (Date.now() - downAt) / 1000;
    await writesGoOn(50);
    await expectConverged('Elasticsearch SIGKILL', { writesWhileDown, secondsDown });
    expect(indexer!.child.exitCode).toBeNull(); // it waited; it did not give up
  }, 300_000);

  test('the Kafka broker killed while the api keeps accepting writes; the outbox holds them until it is back', async () => {
    await writesGoOn(50);
    await stack.stopKafka({ graceMs: 0 });
    const down = writer.done;
    const downAt = Date.now();
    await writesGoOn(100);
    // Every write was accepted (the writer checks each status) and waits in the outbox.
    const backlogWhileDown = await outboxBacklog();
    expect(backlogWhileDown).toBeGreaterThan(0);
    await stack.startKafka();
    const writesWhileDown = writer.done - down;
    const secondsDown = (Date.now() - downAt) / 1000;
    await writesGoOn(50);
    // A supervisor restarts an indexer whose Kafka client gave up; so does the test.
    const indexerGaveUp = indexer!.child.exitCode !== null;
    if (indexerGaveUp) startIndexer();
    await expectConverged('Kafka SIGKILL', { writesWhileDown, secondsDown, backlogWhileDown, indexerGaveUp });
  }, 300_000);

  test('replaying the whole topic from the start changes nothing: older events are refused by version', async () => {
    await writesGoOn(50);
    await stopIndexer('SIGTERM');
    const admin = new Kafka({ brokers: env.config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    let eventsReplayed: number;
    try {
      await admin.resetOffsets({ groupId: env.config.indexer.consumerGroup, topic: env.config.kafka.topics.contactEvents, earliest: true });
      const [committed] = await admin.fetchOffsets({ groupId: env.config.indexer.consumerGroup, topics: [env.config.kafka.topics.contactEvents] });
      expect(committed!.partitions.every((p) => Number(p.offset) <= 0)).toBe(true);
      eventsReplayed = (await admin.fetchTopicOffsets(env.config.kafka.topics.contactEvents)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
    startIndexer();
    await writesGoOn(50);
    await expectConverged('topic replayed from the start', { eventsReplayed });
  }, 300_000);
});
