// Segment membership events on the whole real path: writes through the api, the outbox, Kafka and
// the indexer, which publishes segment.entered / segment.exited on the segment-events topic. The
// reference is SQL over Postgres: after each round of random changes (one per contact at most),
// the transitions consumed from Kafka, deduplicated by key, must be exactly the differences of
// each saved segment's SQL membership before and after the round. Then the scheduled
// re-evaluation, with a controlled clock, against the same SQL reference at two instants.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { type Condition, matchingContactsSql, MembershipEvent, normalizeCondition, type OutgoingMessage, parseMembershipEvent } from '@segmenter/shared';
import { createMembershipClock } from '../services/indexer/src/membership/membership-clock';
import { createMembershipTracker } from '../services/indexer/src/membership/membership-tracker';
import { createSavedSegmentsCache } from '../services/indexer/src/membership/saved-segments-cache';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { contactUpserted } from './support/contact-events';
import { expectSearchIndexConverges } from './support/search-index-equality';
import { eventually } from './support/test-environment';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
const received: MembershipEvent[] = [];
let stopConsumer: () => Promise<void>;

const SEED = Number(process.env.FUZZ_SEED ?? Date.now()) % 2 ** 31;
let state = SEED || 1;
/** mulberry32: the rounds replay from the seed printed on failure. */
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const TAGS = ['Hot Lead', 'VIP', 'Trial'];
const CONTACTS = 30;
const ids: string[] = [];

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  const consumer = new Kafka({ brokers: h.env.config.kafka.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `test-${h.env.id}-membership-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: h.env.config.kafka.topics.segmentEvents, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void received.push(parseMembershipEvent(message.value)) });
  stopConsumer = () => consumer.disconnect();

  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    createMissing: true,
    contacts: Array.from({ length: CONTACTS }, (_, i) => ({
      email: `m${i}@example.com`,
      ...(i % 3 === 0 ? { labels: { tier: pick(['gold', 'silver']) } } : {}),
      ...(i % 2 === 0 ? { tags: [pick(TAGS)] } : {}),
    })),
  });
  expect(batch.status).toBe(200);
  ids.push(...batch.body.results.map((r: { id: string }) => r.id));
  // The other workspace has the same segments and its contacts change too: none of its events may carry our ids, nor ours its.
  await call('POST', '/v1/contacts', { email: 'x@example.com', tags: ['Hot Lead'], createMissing: true }, other.key);
  await expectSearchIndexConverges(h.env, ws.id);
}, 120_000);
afterAll(async () => {
  await stopConsumer?.();
  await h?.stop();
});

interface Saved {
  id: string;
  condition: Condition;
}

async function save(name: string, text: string, key = ws.key): Promise<Saved> {
  const res = await call('POST', '/v1/segments', { name, text }, key);
  expect(res.status).toBe(201);
  return { id: res.body.id, condition: res.body.condition };
}

/** The saved tree with references inlined, as the api evaluates it. */
function expanded(tree: Condition, saved: Map<string, Saved>): Condition {
  if (tree.kind === 'and' || tree.kind === 'or') return { kind: tree.kind, conditions: tree.conditions.map((c) => expanded(c, saved)) };
  if (tree.kind === 'not') return { kind: 'not', condition: expanded(tree.condition, saved) };
  if (tree.kind === 'segment') return expanded(saved.get(tree.segmentId)!.condition, saved);
  return tree;
}

async function sqlMembers(segment: Saved, saved: Map<string, Saved>, now?: Date): Promise<Set<string>> {
  const { sql, params } = matchingContactsSql(ws.id, normalizeCondition(expanded(segment.condition, saved)), { now });
  return new Set((await h.env.pool.query(sql, params)).rows.map((r) => r.id as string));
}

async function membership(saved: Map<string, Saved>): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  for (const segment of saved.values()) result.set(segment.id, await sqlMembers(segment, saved));
  return result;
}

/** `segment contact in|out` for every difference between two memberships. */
function differences(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const [segmentId, members] of after) {
    const was = before.get(segmentId)!;
    for (const id of members) if (!was.has(id)) found.push(`${segmentId} ${id} in`);
    for (const id of was) if (!members.has(id)) found.push(`${segmentId} ${id} out`);
  }
  return found.sort();
}

/** The transitions received since `from`, deduplicated by key, in the same spelling. */
function transitionsSince(from: number, cause: MembershipEvent['cause']): string[] {
  const byKey = new Map(
    received
      .slice(from)
      .filter((e) => e.cause === cause && e.workspaceId === ws.id)
      .map((e) => [e.eventKey, e]),
  );
  return [...byKey.values()].map((e) => `${e.segmentId} ${e.contactId} ${e.type === 'segment.entered' ? 'in' : 'out'}`).sort();
}

/** One random change to one contact, through the public API. */
async function change(id: string, deleted: Set<string>): Promise<void> {
  if (deleted.has(id)) {
    deleted.delete(id);
    expect((await call('POST', `/v1/contacts/${id}/restore`)).status).toBe(200);
    return;
  }
  const kind = pick(['tag', 'untag', 'label', 'unlabel', 'status', 'delete'] as const);
  let res;
  switch (kind) {
    case 'tag':
      res = await call('POST', `/v1/contacts/${id}/tags/add`, { tags: [pick(TAGS)], createMissing: true });
      break;
    case 'untag':
      res = await call('POST', `/v1/contacts/${id}/tags/remove`, { tags: [pick(TAGS)] });
      break;
    case 'label':
      res = await call('PATCH', `/v1/contacts/${id}/labels`, { set: { tier: pick(['gold', 'silver', 'bronze']) } });
      break;
    case 'unlabel':
      res = await call('PATCH', `/v1/contacts/${id}/labels`, { remove: ['tier'] });
      break;
    case 'status':
      res = await call('POST', `/v1/contacts/${id}/status`, { channel: 'email', status: pick(['active', 'unsubscribed']) });
      break;
    case 'delete':
      deleted.add(id);
      res = await call('DELETE', `/v1/contacts/${id}`);
      break;
  }
  expect([200, 204]).toContain(res.status);
}

test('every round of random changes publishes exactly the transitions the SQL reference finds, once deduplicated', async () => {
  const saved = new Map<string, Saved>();
  const definitions: [string, string][] = [
    ['hot', 'tag:"Hot Lead"'],
    ['vip gold', 'tag:VIP AND label:tier = gold'],
    ['reachable', 'NOT email_status = unsubscribed'],
    ['tiered or trial', 'label:tier EXISTS OR tag:Trial'],
    ['sendable', 'sendable:email'],
    ['no tier', 'label:tier NOT EXISTS AND NOT tag:VIP'],
  ];
  for (const [name, text] of definitions) {
    const s = await save(name, text);
    saved.set(s.id, s);
  }
  const hot = [...saved.values()][0]!;
  const nested = await save('hot and reachable', `segment:"${hot.id}" AND segment:"${[...saved.values()][2]!.id}"`);
  saved.set(nested.id, nested);
  await save('hot', 'tag:"Hot Lead"', other.key);

  const deleted = new Set<string>();
  let crossings = 0;
  let before = await membership(saved);
  for (let round = 1; round <= 3; round++) {
    const from = received.length;
    const touched = ids.filter(() => random() < 0.6);
    for (const id of touched) await change(id, deleted);
    await call('POST', '/v1/contacts', { email: `x${round}@example.com`, tags: ['Hot Lead'], createMissing: true }, other.key);
    await expectSearchIndexConverges(h.env, ws.id);
    const after = await membership(saved);
    const expected = differences(before, after);
    // Published before the write reaches the index, but read by our consumer a moment later.
    await eventually(
      async () => transitionsSince(from, 'change'),
      (found) => found.length >= expected.length,
      20_000,
    ).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may come
    expect({ seed: SEED, round, transitions: transitionsSince(from, 'change') }).toEqual({ seed: SEED, round, transitions: expected });
    before = after;
    crossings += expected.length;
  }
  expect(crossings).toBeGreaterThan(0);
  expect(received.filter((e) => e.workspaceId !== ws.id && ids.includes(e.contactId))).toEqual([]);
  expect(received.filter((e) => e.workspaceId === ws.id).every((e) => ids.includes(e.contactId))).toBe(true);
}, 180_000);

test('a change that crosses no boundary publishes nothing', async () => {
  const s = await save(`gold-${randomUUID().slice(0, 6)}`, 'label:tier = gold');
  const member = ids[5]!;
  await call('POST', `/v1/contacts/${member}/restore`); // a no-op unless deleted
  await call('PATCH', `/v1/contacts/${member}/labels`, { set: { tier: 'gold' } });
  await expectSearchIndexConverges(h.env, ws.id);
  const from = received.length;
  // A write that changes a field no segment reads (the first name), and one that sets the same tier again.
  expect((await call('PATCH', `/v1/contacts/${member}`, { firstName: `Name${randomUUID().slice(0, 4)}` })).status).toBe(200);
  await call('PATCH', `/v1/contacts/${member}/labels`, { set: { tier: 'gold' } });
  await expectSearchIndexConverges(h.env, ws.id);
  await new Promise((r) => setTimeout(r, 500));
  expect(received.slice(from).filter((e) => e.segmentId === s.id)).toEqual([]);
}, 60_000);

test('a batch replayed before its write reached the index publishes the same transitions under the same keys', async () => {
  const hot = await save('hot, replayed', 'tag:"Hot Lead"');
  const hotTag = (hot.condition as { tags: string[] }).tags[0]!;
  const id = ids[7]!;
  const indexed = await h.env.es.get<{ version: number; tag_ids?: string[] }>({ index: h.env.config.elasticsearch.contactsAlias, id, routing: ws.id });
  const tagged = indexed._source!.tag_ids?.includes(hotTag) ?? false;
  // The next version of the contact, as the indexer would receive it, never written.
  const event = contactUpserted(ws.id, id, indexed._source!.version + 1, { tagIds: tagged ? [] : [hotTag] });
  const published: OutgoingMessage[][] = [];
  const publisher = { publish: async (_topic: string, messages: OutgoingMessage[]) => void published.push(messages), close: async () => undefined };
  // A tracker as a restarted indexer has it: nothing seen yet, every state read from the index.
  const restarted = () =>
    createMembershipTracker({
      es: h.env.es,
      alias: h.env.config.elasticsearch.contactsAlias,
      segments: createSavedSegmentsCache(h.env.pool),
      publisher,
      topic: 'unused',
      clock: createMembershipClock(h.env.pool, h.env.config.indexer.reevaluationIntervalMs),
    });
  const first = restarted();
  await first([event]);
  await restarted()([event]); // the replay after a crash: the same batch, the index still before it
  expect(published).toHaveLength(2);
  const keys = published.map((messages) => messages.map((m) => (JSON.parse(m.value) as MembershipEvent).eventKey).sort());
  expect(keys[0]).toEqual(keys[1]);
  expect(keys[0]).toContain(`${hot.id}:${id}:${indexed._source!.version + 1}:${tagged ? 'out' : 'in'}`);
  // The same process handing the batch again (a retried fetch): it knows the state it published, so nothing crosses again.
  await first([event]);
  expect(published).toHaveLength(2);
}, 60_000);

test('the scheduled re-evaluation publishes what the clock moved, once per run, against SQL at both instants', async () => {
  expect((await call('POST', '/v1/custom-fields', { key: 'renewal', type: 'date' })).status).toBe(201);
  const dates = ['2031-03-05', '2031-03-12', '2031-03-20', '2031-04-02'];
  const renewing = ids.slice(0, dates.length);
  for (const [i, id] of renewing.entries()) {
    await call('POST', `/v1/contacts/${id}/restore`);
    expect((await call('PATCH', `/v1/contacts/${id}`, { customFields: { renewal: dates[i] } })).status).toBe(200);
  }
  const soon = await save('renews soon', 'custom:renewal IN NEXT 10 DAYS');
  const lapsed = await save('lapsed', 'custom:renewal MORE THAN 5 DAYS AGO');
  const saved = new Map([soon, lapsed].map((s) => [s.id, s]));
  await expectSearchIndexConverges(h.env, ws.id);

  const reevaluation = h.indexer!.reevaluation;
  const first = await reevaluation.runAt(new Date('2031-03-01T00:10:00Z'));
  expect(first).toMatchObject({ evaluatedAt: new Date('2031-03-01T00:00:00Z'), comparedWith: new Date('2031-02-28T00:00:00Z'), failed: 0 });
  expect(await reevaluation.runAt(new Date('2031-03-01T09:00:00Z'))).toBeUndefined(); // that day's run is done

  const from = received.length;
  const run = await reevaluation.runAt(new Date('2031-03-15T00:05:00Z'));
  expect(run).toMatchObject({ comparedWith: new Date('2031-03-01T00:00:00Z'), failed: 0 });
  const expected: string[] = [];
  for (const segment of saved.values()) {
    const then = await sqlMembers(segment, saved, new Date('2031-03-01T00:00:00Z'));
    const now = await sqlMembers(segment, saved, new Date('2031-03-15T00:00:00Z'));
    for (const id of now) if (!then.has(id)) expected.push(`${segment.id} ${id} in`);
    for (const id of then) if (!now.has(id)) expected.push(`${segment.id} ${id} out`);
  }
  expect(expected.length).toBeGreaterThan(0);
  await eventually(
    async () => transitionsSince(from, 'time'),
    (found) => found.length >= expected.length,
    20_000,
  ).catch(() => undefined);
  expect(transitionsSince(from, 'time')).toEqual(expected.sort());
  expect(run!.events).toBe(expected.length);
  const keys = received
    .slice(from)
    .filter((e) => e.cause === 'time')
    .map((e) => e.eventKey);
  expect(keys.every((k) => /:(in|out):2031-03-15$/.test(k))).toBe(true);
}, 120_000);
