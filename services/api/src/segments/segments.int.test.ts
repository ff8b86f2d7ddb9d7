// Saved segments, counts and previews over HTTP on the whole real path (writes flow through the
// outbox, Kafka and the indexer; counts come from Elasticsearch).
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectMirrorConverges } from '../../../../test/support/mirror';

let h: ApiHarness;
let ws: Workspace;
const ids: string[] = [];
let lastToken = '';

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
  expect((await call('POST', '/v1/custom-fields', { key: 'score', type: 'number' })).status).toBe(201);
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: Array.from({ length: 10 }, (_, i) => ({ email: `s${i}@example.com`, ...(i < 3 ? { phone: `+1415555010${i}` } : {}), customFields: { score: i * 10 } })),
  });
  ids.push(...batch.body.results.map((r: { id: string }) => r.id));
  await call('POST', '/v1/tags/bulk-add', { contactIds: ids.slice(0, 6), tags: ['Hot Lead'], createMissing: true });
  await call('POST', '/v1/labels/bulk-set', { contactIds: ids.slice(0, 4), labels: { tier: 'gold' } });
  await call('POST', '/v1/labels/bulk-set', { contactIds: ids.slice(4, 8), labels: { tier: 'silver' } });
  await call('POST', '/v1/labels/bulk-set', { contactIds: [ids[0]!], labels: { churned: 'yes' } });
  lastToken = (await call('POST', `/v1/contacts/${ids[1]}/actions/unsubscribe-email`)).headers.get('consistency-token')!;
  await expectMirrorConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

const ISSUE_EXAMPLE = 'label:tier IN [gold, silver] AND tag:"Hot Lead" AND label:churned NOT EXISTS AND created > now-30d';

test("the issue's example, saved from text, counts and previews from the index", async () => {
  const saved = await call('POST', '/v1/segments', { name: 'Warm', text: ISSUE_EXAMPLE });
  expect(saved.status).toBe(201);
  expect(saved.body.text).toBe('label:tier IN [gold, silver] AND tag:"Hot Lead" AND label:churned NOT EXISTS AND created IN LAST 30 DAYS');
  // Stored with the tag's id, not its name.
  const tagLeaf = saved.body.condition.conditions[1];
  expect(tagLeaf.tags[0]).toMatch(/^[0-9a-f-]{36}$/);

  const counts = await call('POST', '/v1/segments/count', { queries: [{ segmentId: saved.body.id }, { text: 'tag:"Hot Lead"' }, { text: 'sendable:phone' }] });
  expect(counts.status).toBe(200);
  // ids 0..5 are hot, 0..7 have a tier, 0 has churned: 1..5.
  expect(counts.body.results).toEqual([
    { total: 5, sendable: { email: 4, phone: 2 } }, // 1 is unsubscribed; 1 and 2 have phones
    { total: 6, sendable: { email: 5, phone: 3 } },
    { total: 3, sendable: { email: 2, phone: 3 } },
  ]);
  expect(typeof counts.body.tookMs).toBe('number');

  const preview = await call('POST', '/v1/segments/preview', { query: { segmentId: saved.body.id }, limit: 2 });
  expect(preview.body.total).toBe(5);
  expect(preview.body.contacts).toHaveLength(2);
  expect(ids.slice(1, 6)).toEqual(expect.arrayContaining(preview.body.contacts.map((c: { id: string }) => c.id)));
});

test('a renamed tag shows its new name in the saved segment', async () => {
  const tag = (await call('POST', '/v1/tags', { name: 'Old Name' })).body.id;
  const saved = (await call('POST', '/v1/segments', { name: 'Renamed', text: 'tag:"Old Name"' })).body;
  await call('PATCH', `/v1/tags/${tag}`, { name: 'New Name' });
  expect((await call('GET', `/v1/segments/${saved.id}`)).body.text).toBe('tag:"New Name"');
});

test('saving names unknown tags, label keys and custom fields, and reports syntax errors with line and column', async () => {
  const cases: [unknown, string, string][] = [
    [{ text: 'tag:Nope OR tag:"Also nope"' }, 'body.text', 'names tags that do not exist in this workspace: "Nope", "Also nope"'],
    [{ text: 'label:zodiac = leo' }, 'body.text', 'names label keys no contact in this workspace has: zodiac'],
    [{ text: 'custom:shoe > 4' }, 'body.text', 'line 1, column 8: expected a custom field defined in this workspace, found "shoe"'],
    [{ text: 'label:tier IN [gold' }, 'body.text', 'line 1, column 20: expected "," or "]", found the end of the text'],
    [{ condition: { kind: 'custom', key: 'score', type: 'string', op: 'eq', values: ['1'] } }, 'body.condition', 'custom field score is a number field, not string'],
    [{ condition: { kind: 'label', key: 'tier', op: 'in', values: [] } }, 'body.condition.values', 'must hold 1 to 500 values for in'],
    [{ text: 'tag:a', condition: { kind: 'sendable', channel: 'email' } }, 'body', 'must hold either condition (a JSON tree) or text (the segment language), not both'],
  ];
  for (const [input, field, rule] of cases) {
    const res = await call('POST', '/v1/segments', { name: `bad-${field}-${rule.length}`, ...(input as object) });
    expect([res.status, res.body.errors]).toEqual([400, [{ field, rule }]]);
  }
  expect((await call('GET', '/v1/segments')).body.items.map((s: { name: string }) => s.name)).not.toContain(expect.stringMatching(/^bad-/));
});

test('segments refer to segments: expanded for counting, cycles refused, a used segment cannot be deleted', async () => {
  const gold = (await call('POST', '/v1/segments', { name: 'Gold', text: 'label:tier = gold' })).body;
  const goldHot = (await call('POST', '/v1/segments', { name: 'Gold and hot', text: `segment:${gold.id} AND tag:"Hot Lead"` })).body;
  const counts = await call('POST', '/v1/segments/count', { queries: [{ segmentId: goldHot.id }] });
  expect(counts.body.results[0].total).toBe(4);
  const cycle = await call('PATCH', `/v1/segments/${gold.id}`, { text: `segment:${goldHot.id}` });
  expect(cycle.status).toBe(400);
  expect(cycle.body.errors[0].rule).toBe('refers to segments in a cycle: Gold -> Gold and hot -> Gold');
  const self = await call('PATCH', `/v1/segments/${gold.id}`, { text: `segment:${gold.id} OR sendable:email` });
  expect(self.body.errors[0].rule).toMatch(/cycle/);
  const used = await call('DELETE', `/v1/segments/${gold.id}`);
  expect(used.status).toBe(409);
  expect(used.body.detail).toContain('Gold and hot');
  expect((await call('DELETE', `/v1/segments/${goldHot.id}`)).status).toBe(204);
  expect((await call('DELETE', `/v1/segments/${gold.id}`)).status).toBe(204);
  expect((await call('GET', `/v1/segments/${gold.id}`)).status).toBe(404);
});

test('names are unique per workspace; updates keep what they do not change', async () => {
  const a = (await call('POST', '/v1/segments', { name: 'Unique', text: 'sendable:email', description: 'd' })).body;
  expect((await call('POST', '/v1/segments', { name: 'Unique', text: 'sendable:phone' })).status).toBe(409);
  const renamed = await call('PATCH', `/v1/segments/${a.id}`, { name: 'Unique 2' });
  expect(renamed.body).toMatchObject({ name: 'Unique 2', description: 'd', text: 'sendable:email' });
});

test('counts honour a consistency token', async () => {
  const res = await call('POST', '/v1/segments/count', { queries: [{ text: 'email_status = unsubscribed' }], consistencyToken: lastToken, waitMs: 20000 });
  expect(res.body.results[0].total).toBe(1);
  expect(res.body.consistency.waitedMs).toBeGreaterThanOrEqual(0);
});

test("another workspace can neither count nor read this workspace's segments or contacts", async () => {
  const other = await h.createWorkspace();
  const mine = (await call('POST', '/v1/segments', { name: 'Mine', text: 'sendable:email' })).body;
  expect((await call('GET', `/v1/segments/${mine.id}`, undefined, other.key)).status).toBe(404);
  expect((await call('POST', '/v1/segments/count', { queries: [{ segmentId: mine.id }] }, other.key)).status).toBe(404);
  const theirs = await call('POST', '/v1/segments/count', { queries: [{ text: 'sendable:email' }, { condition: { kind: 'not', condition: { kind: 'sendable', channel: 'email' } } }] }, other.key);
  expect(theirs.body.results.map((r: { total: number }) => r.total)).toEqual([0, 0]);
  // A tag id of this workspace in the other workspace's tree is unknown there.
  const tagId = (await call('GET', '/v1/tags')).body.items[0].id;
  const foreignTag = await call('POST', '/v1/segments/count', { queries: [{ condition: { kind: 'tag', op: 'has', tags: [tagId] } }] }, other.key);
  expect(foreignTag.status).toBe(400);
});

test('bad count requests are 400s naming the query', async () => {
  const tooMany = await call('POST', '/v1/segments/count', { queries: Array.from({ length: 51 }, () => ({ text: 'sendable:email' })) });
  expect(tooMany.body.errors[0]).toEqual({ field: 'body.queries', rule: 'must hold at most 50 queries' });
  const bad = await call('POST', '/v1/segments/count', { queries: [{ text: 'sendable:email' }, { text: 'sendable:fax' }] });
  expect(bad.body.errors).toEqual([{ field: 'body.queries.1.text', rule: 'line 1, column 10: expected email or phone, found "fax"' }]);
});

test("a contact's segments: every saved segment it matches, from its latest state", async () => {
  const other = await h.createWorkspace();
  const hot = (await call('POST', '/v1/segments', { name: 'Profile hot', text: 'tag:"Hot Lead"' })).body;
  const gold = (await call('POST', '/v1/segments', { name: 'Profile gold', text: 'label:tier = gold' })).body;
  expect((await call('POST', '/v1/segments', { name: 'Profile both', text: `segment:${hot.id} AND segment:${gold.id}` })).status).toBe(201);
  expect((await call('POST', '/v1/segments', { name: 'Profile silver', text: 'label:tier = silver' })).status).toBe(201);
  const names = async (id: string) => (await call('GET', `/v1/contacts/${id}/segments`)).body.items.map((s: { name: string }) => s.name).filter((n: string) => n.startsWith('Profile')).sort();
  expect(await names(ids[2]!)).toEqual(['Profile both', 'Profile gold', 'Profile hot']);
  expect(await names(ids[5]!)).toEqual(['Profile hot', 'Profile silver']);
  expect(await names(ids[9]!)).toEqual([]);
  // The next read already reflects a write: it reads Postgres, not the index.
  await call('PATCH', `/v1/contacts/${ids[9]}/labels`, { set: { tier: 'silver' } });
  expect(await names(ids[9]!)).toEqual(['Profile silver']);
  expect((await call('GET', `/v1/contacts/${ids[2]}/segments`, undefined, other.key)).status).toBe(404);
});
