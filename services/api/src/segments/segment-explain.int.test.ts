// POST /v1/segments/explain over HTTP on the whole real path: every number it answers is checked
// against POST /v1/segments/count of the sub-segment it stands for (a node alone, the first k
// conditions of an AND, the first k branches of an OR), on seeded random data with deleted contacts
// and a second workspace whose contacts must never be counted.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { MAX_EXPLAIN_SEARCHES } from './segment-explain';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
/** Live contacts of each workspace (some of `ws`'s are deleted after being written). */
let live = 0;
let otherLive = 0;

/** A small deterministic generator (mulberry32): random-ish data, the same every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAGS = ['Alpha', 'Beta', 'Gamma', 'Été ☀'];
const CITIES = ['Paris', 'Lyon', 'Berlin', 'Zürich'];

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

/** Writes `n` random contacts into the workspace of `key`, deletes `deleted` of them; the ids of those kept. */
async function seedContacts(key: string, n: number, deleted: number, seed: number): Promise<number> {
  const random = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (const name of TAGS) expect((await h.request('POST', '/v1/tags', { key, body: { name } })).status).toBe(201);
  expect((await h.request('POST', '/v1/custom-fields', { key, body: { key: 'score', type: 'number' } })).status).toBe(201);
  const contacts = Array.from({ length: n }, (_, i) => ({
    email: `x${seed}-${i}@example.com`,
    ...(random() < 0.4 ? { phone: `+1415555${String(1000 + i).slice(-4)}` } : {}),
    address: { city: pick(CITIES) },
    ...(random() < 0.8 ? { customFields: { score: Math.floor(random() * 100) } } : {}),
    tags: TAGS.filter(() => random() < 0.45),
    ...(random() < 0.7 ? { labels: { tier: pick(['gold', 'silver', 'bronze']) } } : {}),
    ...(random() < 0.15 ? { emailStatus: 'unsubscribed' } : {}),
  }));
  const batch = await h.request('POST', '/v1/contacts/batch-upsert', { key, body: { matchBy: 'email', contacts } });
  expect(batch.status).toBe(200);
  expect(batch.body.results.filter((r: { status: string }) => r.status === 'error')).toEqual([]);
  const ids: string[] = batch.body.results.map((r: { id: string }) => r.id);
  for (const id of ids.slice(0, deleted)) {
    const res = await h.request('DELETE', `/v1/contacts/${id}`, { key, body: { reason: 'test' } });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  }
  return n - deleted;
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  live = await seedContacts(ws.key, 80, 6, 7);
  // The other workspace: the same tags and fields, so every text query means something there too.
  otherLive = await seedContacts(other.key, 25, 0, 99);
  await expectSearchIndexConverges(h.env, ws.id);
  await expectSearchIndexConverges(h.env, other.id);
});
afterAll(async () => h?.stop());

interface ExplainNode {
  kind: string;
  text: string;
  span?: { start: number; end: number; line: number; column: number };
  count: number;
  conditions?: ExplainNode[];
  funnel?: { remaining: number; removed: number }[];
  biggestCut?: number;
  union?: { total: number; added: number }[];
  condition?: ExplainNode;
  segment?: { id: string; name: string };
  expanded?: ExplainNode;
}

/** One number of the answer and the sub-segment whose count it must equal. */
interface Check {
  what: string;
  text: string;
  expected: number;
}

/** What every number of `node` must equal, as counts of sub-segments; the arithmetic between them is asserted here. */
function checksOf(node: ExplainNode, contacts: number, source?: string): Check[] {
  const checks: Check[] = [{ what: node.text, text: node.text, expected: node.count }];
  if (node.span && source !== undefined)
    checks.push({ what: `span of ${node.text}`, text: source.slice(node.span.start, node.span.end), expected: node.count });
  const group = (op: 'AND' | 'OR', k: number) =>
    node
      .conditions!.slice(0, k + 1)
      .map((c) => `(${c.text})`)
      .join(` ${op} `);
  if (node.kind === 'and') {
    expect(node.funnel).toHaveLength(node.conditions!.length);
    node.funnel!.forEach((step, k) => {
      checks.push({ what: `funnel ${k} of ${node.text}`, text: group('AND', k), expected: step.remaining });
      expect(step.removed).toBe((k === 0 ? contacts : node.funnel![k - 1]!.remaining) - step.remaining);
    });
    const most = Math.max(...node.funnel!.map((s) => s.removed));
    expect(node.biggestCut).toBe(node.funnel!.findIndex((s) => s.removed === most));
    expect(node.funnel![node.funnel!.length - 1]!.remaining).toBe(node.count);
  }
  if (node.kind === 'or') {
    expect(node.union).toHaveLength(node.conditions!.length);
    node.union!.forEach((step, k) => {
      checks.push({ what: `union ${k} of ${node.text}`, text: group('OR', k), expected: step.total });
      expect(step.added).toBe(step.total - (k === 0 ? 0 : node.union![k - 1]!.total));
    });
  }
  if (node.kind === 'segment') expect(node.expanded!.count).toBe(node.count);
  for (const child of [...(node.conditions ?? []), ...(node.condition ? [node.condition] : [])]) checks.push(...checksOf(child, contacts, source));
  // A saved segment's own nodes have no spans: they were not written in this text.
  if (node.expanded) checks.push(...checksOf(node.expanded, contacts));
  return checks;
}

/** Counts texts through POST /v1/segments/count, 50 at a time. */
async function countTexts(texts: string[], key = ws.key): Promise<number[]> {
  const totals: number[] = [];
  for (let i = 0; i < texts.length; i += 50) {
    const res = await h.request('POST', '/v1/segments/count', { key, body: { queries: texts.slice(i, i + 50).map((text) => ({ text })) } });
    expect(res.status).toBe(200);
    for (const r of res.body.results) {
      expect(r).toHaveProperty('total');
      totals.push(r.total);
    }
  }
  return totals;
}

/** Explains `query` and checks every number of the answer against counts of its sub-segments; the answer. */
async function explainAndCheck(query: object, key = ws.key, source?: string) {
  const res = await h.request('POST', '/v1/segments/explain', { key, body: { query } });
  expect(res.status).toBe(200);
  const { tree, contacts } = res.body as { tree: ExplainNode; contacts: number };
  const checks = checksOf(tree, contacts, source);
  // Everyone, counted as a condition and its negation, is what the first condition of an AND removes from.
  const [yes, no] = await countTexts([tree.text, `NOT (${tree.text})`], key);
  expect(yes! + no!).toBe(contacts);
  const counted = await countTexts(
    checks.map((c) => c.text),
    key,
  );
  expect(checks.map((c, i) => ({ what: c.what, count: counted[i] }))).toEqual(checks.map((c) => ({ what: c.what, count: c.expected })));
  return res.body as { tree: ExplainNode; contacts: number; searches: number; tookMs: number };
}

test('every number equals the count of its sub-segment: nested groups, NOT, OR, multi-line text with spans', async () => {
  const text = [
    'tag:Alpha',
    '  AND (city = Paris OR city = "Zürich" OR tag:"Été ☀")',
    '  AND NOT label:tier = bronze',
    '  AND (custom:score > 40 AND (sendable:email OR NOT tag:Beta))',
    'OR label:tier IN [gold] AND tag:Gamma',
  ].join('\n');
  const answer = await explainAndCheck({ text }, ws.key, text);
  expect(answer.contacts).toBe(live);
  const { tree } = answer;
  expect(tree.kind).toBe('or');
  expect(tree.span).toEqual({ start: 0, end: text.length, line: 1, column: 1 });
  const firstAnd = tree.conditions![0]!;
  expect(firstAnd.conditions!.map((c) => c.kind)).toEqual(['tag', 'or', 'not', 'and']);
  // Spans point at the text as written, with its lines and columns.
  const at = (n: ExplainNode) => ({ text: text.slice(n.span!.start, n.span!.end), line: n.span!.line, column: n.span!.column });
  expect(at(firstAnd.conditions![1]!)).toEqual({ text: '(city = Paris OR city = "Zürich" OR tag:"Été ☀")', line: 2, column: 7 });
  expect(at(firstAnd.conditions![1]!.conditions![2]!)).toEqual({ text: 'tag:"Été ☀"', line: 2, column: 43 });
  expect(at(firstAnd.conditions![2]!)).toEqual({ text: 'NOT label:tier = bronze', line: 3, column: 7 });
  expect(at(firstAnd.conditions![2]!.condition!)).toEqual({ text: 'label:tier = bronze', line: 3, column: 11 });
  expect(at(tree.conditions![1]!)).toEqual({ text: 'label:tier IN [gold] AND tag:Gamma', line: 5, column: 4 });
  // Texts are printed with tag names.
  expect(firstAnd.conditions![0]!.text).toBe('tag:Alpha');

  // The root's count is the count's total, for the same query.
  const count = await call('POST', '/v1/segments/count', { queries: [{ text }] });
  expect(count.body.results[0].total).toBe(tree.count);
});

test('a JSON tree is explained alike, without spans', async () => {
  const tags = (await call('GET', '/v1/tags')).body.items as { id: string; name: string }[];
  const alpha = tags.find((t) => t.name === 'Alpha')!.id;
  const condition = {
    kind: 'and',
    conditions: [
      { kind: 'tag', op: 'has', tags: [alpha] },
      { kind: 'label', key: 'tier', op: 'in', values: ['gold', 'silver'] },
      { kind: 'not', condition: { kind: 'sendable', channel: 'phone' } },
    ],
  };
  const { tree } = await explainAndCheck({ condition });
  expect(tree.span).toBeUndefined();
  expect(tree.conditions![0]!.text).toBe('tag:Alpha');
  expect(tree.funnel).toHaveLength(3);
});

test('saved segments referenced inside are shown expanded (and a saved segment by id is the root)', async () => {
  const gold = (await call('POST', '/v1/segments', { name: 'Gold or silver', text: 'label:tier = gold OR label:tier = silver' })).body;
  const hot = (await call('POST', '/v1/segments', { name: 'Hot gold', text: `segment:${gold.id} AND tag:Alpha AND NOT tag:Beta` })).body;
  const text = `segment:${hot.id} OR (city = Lyon AND segment:${gold.id})`;
  const { tree } = await explainAndCheck({ text }, ws.key, text);
  const ref = tree.conditions![0]!;
  expect(ref).toMatchObject({ kind: 'segment', segment: { id: hot.id, name: 'Hot gold' }, span: { start: 0, line: 1, column: 1 } });
  expect(ref.text).toContain(hot.id);
  expect(ref.expanded!.kind).toBe('and');
  expect(ref.expanded!.span).toBeUndefined();
  const inner = ref.expanded!.conditions![0]!;
  expect(inner).toMatchObject({ kind: 'segment', segment: { id: gold.id, name: 'Gold or silver' } });
  expect(inner.expanded!.union).toHaveLength(2);

  const byId = await explainAndCheck({ segmentId: hot.id });
  expect(byId.tree).toMatchObject({ kind: 'segment', segment: { id: hot.id, name: 'Hot gold' } });
  expect(byId.tree.expanded!.funnel).toHaveLength(3);
  const count = await call('POST', '/v1/segments/count', { queries: [{ segmentId: hot.id }] });
  expect(count.body.results[0].total).toBe(byId.tree.count);
});

test('a 10-condition segment: one search per condition and per funnel step, plus the workspace', async () => {
  const text = [
    'created IN LAST 30 DAYS',
    'sendable:email',
    'NOT tag:Gamma',
    'custom:score >= 10',
    'label:tier EXISTS',
    'city IN [Paris, Lyon, Berlin]',
    'tag:ANY [Alpha, Beta]',
    'email CONTAINS example',
    'custom:score < 95',
    'NOT label:tier = silver',
  ].join(' AND ');
  const answer = await explainAndCheck({ text }, ws.key, text);
  expect(answer.tree.conditions).toHaveLength(10);
  // 10 conditions and the 2 conditions inside the NOTs, the 8 funnel steps between the first and the last, the AND itself, the workspace.
  expect(answer.searches).toBe(10 + 2 + 8 + 1 + 1);
  expect(answer.tree.funnel![0]!.removed).toBe(0); // everyone was created in the last 30 days
});

test('bad inputs are 4xx naming the field', async () => {
  const tooMany = Array.from({ length: 40 }, (_, i) => `custom:score != ${i}`).join(' AND ');
  const cases: [unknown, number, string, RegExp][] = [
    [{}, 400, 'body.query', /^is required$/],
    [{ query: {} }, 400, 'body', /condition|text/],
    [{ query: { text: 'tag:' } }, 400, 'body.query.text', /line 1, column 5/],
    [{ query: { text: 'tag:Nope' } }, 400, 'body.query.text', /names tags that do not exist in this workspace: "Nope"/],
    [{ query: { text: 'tag:Alpha', condition: { kind: 'sendable', channel: 'email' } } }, 400, 'body', /either condition/],
    // SegmentQuery's union answers zod's own words here, as for counts and previews.
    [{ query: { segmentId: 'nope' } }, 400, 'body.query', /./],
    [{ query: { text: tooMany } }, 400, 'body.query.text', new RegExp(`needs more than ${MAX_EXPLAIN_SEARCHES} searches`)],
    [{ query: { text: 'tag:Alpha' }, extra: 1 }, 400, 'body', /Unrecognized key: "extra"/],
    [{ query: { text: 'tag:Alpha' }, waitMs: 10 ** 9 }, 400, 'body.waitMs', /must be at most/],
  ];
  for (const [body, status, field, rule] of cases) {
    const res = await call('POST', '/v1/segments/explain', body);
    expect({ body, status: res.status }).toEqual({ body, status });
    expect({ body, errors: res.body.errors }).toEqual({
      body,
      errors: expect.arrayContaining([{ field: expect.stringMatching(`^${field}`), rule: expect.stringMatching(rule) }]),
    });
  }
  const missing = await call('POST', '/v1/segments/explain', { query: { segmentId: '00000000-0000-4000-8000-000000000000' } });
  expect(missing.status).toBe(404);
});

test('tenant isolation: another workspace cannot explain this one’s segments, and counts only its own contacts', async () => {
  const mine = (await call('POST', '/v1/segments', { name: 'Mine', text: 'tag:Alpha' })).body;
  const byId = await call('POST', '/v1/segments/explain', { query: { segmentId: mine.id } }, other.key);
  expect(byId.status).toBe(404);
  const inText = await call('POST', '/v1/segments/explain', { query: { text: `segment:${mine.id} OR tag:Alpha` } }, other.key);
  expect(inText.status).toBe(400);
  expect(inText.body.errors[0]).toMatchObject({ field: 'body.query.text', rule: expect.stringContaining('do not exist in this workspace') });

  const text = 'tag:Alpha AND (city = Paris OR city = Berlin) AND NOT sendable:phone';
  const theirs = await explainAndCheck({ text }, other.key, text);
  expect(theirs.contacts).toBe(otherLive);
  const ours = await explainAndCheck({ text }, ws.key, text);
  expect(ours.contacts).toBe(live);
  expect(ours.tree.count + theirs.tree.count).toBeLessThanOrEqual(live + otherLive);
});
