// Label hygiene jobs and segment membership events, on the whole real path (api, outbox, Kafka,
// indexer, segment-events topic). With updateSegments the segments naming the old key or values are
// widened before any contact changes, so a contact the job moves stays a member: no exit, no entry.
// Without it the segments keep naming what contacts lose, and those members genuinely exit.
import { Kafka, logLevel } from 'kafkajs';
import { MembershipEvent, parseMembershipEvent } from '@segmenter/shared';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
const received: MembershipEvent[] = [];
let stopConsumer: () => Promise<void>;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  const consumer = new Kafka({ brokers: h.env.config.kafka.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `test-${h.env.id}-label-hygiene-reader`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: h.env.config.kafka.topics.segmentEvents, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void received.push(parseMembershipEvent(message.value)) });
  stopConsumer = () => consumer.disconnect();
}, 120_000);
afterAll(async () => {
  await stopConsumer?.();
  await h?.stop();
});

const call = (ws: Workspace, method: string, path: string, body?: unknown) => h.request(method, path, { key: ws.key, body });

/** A workspace with four contacts from `FB`, one from `ads` and one without the label, and its segments saved. */
async function workspaceWith(segments: Record<string, string>) {
  const ws = await h.createWorkspace();
  const sources = ['FB', 'FB', 'FB', 'FB', 'ads', undefined];
  const batch = await call(ws, 'POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: sources.map((source, i) => ({ email: `h${i}@example.com`, labels: source ? { source } : {} })),
  });
  expect(batch.status).toBe(200);
  // Indexed before the segments exist: their creation enters no segment.
  await expectSearchIndexConverges(h.env, ws.id);
  const ids = new Map<string, string>();
  for (const [name, text] of Object.entries(segments)) {
    const res = await call(ws, 'POST', '/v1/segments', { name, text });
    expect(res.status).toBe(201);
    ids.set(name, res.body.id);
  }
  return { ws, ids };
}

/**
 * The membership events of the workspace once everything before now is published: the index has
 * converged (the indexer publishes before it writes), then a marker contact's own entry is awaited
 * on the topic, and a moment more for the other partitions.
 */
async function eventsOf(ws: Workspace): Promise<string[]> {
  await expectSearchIndexConverges(h.env, ws.id);
  const marker = await call(ws, 'POST', '/v1/segments', { name: 'Marker', text: 'label:marker EXISTS' });
  const contact = await call(ws, 'POST', '/v1/contacts', { email: 'marker@example.com', labels: { marker: 'yes' } });
  await eventually(
    async () => received.some((e) => e.segmentId === marker.body.id && e.contactId === contact.body.id),
    (seen) => seen,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const names = new Map((await call(ws, 'GET', '/v1/segments')).body.items.map((s: { id: string; name: string }) => [s.id, s.name]));
  const byKey = new Map(received.filter((e) => e.workspaceId === ws.id && e.contactId !== contact.body.id).map((e) => [e.eventKey, e]));
  return [...byKey.values()].map((e) => `${names.get(e.segmentId)} ${e.type}`).sort();
}

const textOf = async (ws: Workspace, id: string) => (await call(ws, 'GET', `/v1/segments/${id}`)).body.text;

test('a merge with updateSegments moves no member: no exit, no entry, and the segments end in their final form', async () => {
  const { ws, ids } = await workspaceWith({ FB: 'label:source = FB', 'Not FB': 'label:source NOT IN [FB]', 'Not ads': 'label:source != ads' });
  const started = await call(ws, 'POST', '/v1/labels/source/merge-values', { from: ['FB'], to: 'facebook', updateSegments: true });
  expect(started.status).toBe(202);
  // Widened in the transaction that queued the job, before any contact changed.
  expect(started.body.job.result.segmentsWidened.map((s: { name: string }) => s.name).sort()).toEqual(['FB', 'Not FB']);
  const job = await h.jobEnded(ws.key, started.body.job.id);
  expect(job).toMatchObject({ status: 'succeeded', result: { changed: 4 } });
  expect(job.result.segmentsRewritten.map((s: { name: string }) => s.name).sort()).toEqual(['FB', 'Not FB']);
  expect(await eventsOf(ws)).toEqual([]);
  expect(await textOf(ws, ids.get('FB')!)).toBe('label:source = facebook');
  expect(await textOf(ws, ids.get('Not FB')!)).toBe('label:source NOT IN [facebook]');
  expect(await textOf(ws, ids.get('Not ads')!)).toBe('label:source != ads');
});

test('a rename with updateSegments moves no member either, NOT EXISTS included', async () => {
  const { ws, ids } = await workspaceWith({ FB: 'label:source = FB', 'No source': 'label:source NOT EXISTS' });
  const started = await call(ws, 'POST', '/v1/labels/source/rename', { to: 'channel', updateSegments: true });
  expect(started.status).toBe(202);
  expect((await h.jobEnded(ws.key, started.body.job.id)).status).toBe('succeeded');
  expect(await eventsOf(ws)).toEqual([]);
  expect(await textOf(ws, ids.get('FB')!)).toBe('label:channel = FB');
  expect(await textOf(ws, ids.get('No source')!)).toBe('label:channel NOT EXISTS');
});

test('without updateSegments the segments keep the old values, and the contacts that lose them exit', async () => {
  const { ws, ids } = await workspaceWith({ FB: 'label:source = FB', 'Not FB': 'label:source NOT IN [FB]' });
  const started = await call(ws, 'POST', '/v1/labels/source/merge-values', { from: ['FB'], to: 'facebook' });
  expect(started.status).toBe(202);
  expect((await h.jobEnded(ws.key, started.body.job.id)).status).toBe('succeeded');
  expect(await eventsOf(ws)).toEqual([...Array(4).fill('FB segment.exited'), ...Array(4).fill('Not FB segment.entered')]);
  expect(await textOf(ws, ids.get('FB')!)).toBe('label:source = FB');
});
