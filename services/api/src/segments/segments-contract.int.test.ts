// The contract a campaign tool relies on (issue 11): saved segments never break silently, they
// can be written before the data exists, a multi-query count answers per query, and the list
// pages. Written as a client calls the API, on the whole real path to Elasticsearch.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
let ws: Workspace;
let contactIds: string[] = [];

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    createMissing: true,
    contacts: Array.from({ length: 6 }, (_, i) => ({ email: `c${i}@example.com`, tags: i < 4 ? ['VIP'] : ['Regular'] })),
  });
  expect(batch.status).toBe(200);
  contactIds = batch.body.results.map((r: { id: string }) => r.id);
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

const countOf = async (query: object) => (await call('POST', '/v1/segments/count', { queries: [query] })).body.results[0];

describe('deleting a tag that saved segments use', () => {
  let vipTag: string;
  let direct: { id: string };
  let indirect: { id: string };

  beforeAll(async () => {
    vipTag = (await call('GET', '/v1/tags?limit=1000')).body.items.find((t: { name: string }) => t.name === 'VIP').id;
    direct = (await call('POST', '/v1/segments', { name: 'VIPs', text: 'tag:VIP OR tag:Regular' })).body;
    indirect = (await call('POST', '/v1/segments', { name: 'VIP reachable', text: `segment:${direct.id} AND sendable:email` })).body;
    expect(await countOf({ segmentId: indirect.id })).toMatchObject({ total: 6 });
  });

  it('is refused with 409 naming every segment that uses it, directly or through another', async () => {
    const refused = await call('DELETE', `/v1/tags/${vipTag}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      {
        field: 'params.id',
        rule: `is used by saved segments "VIPs" (${direct.id}); change them first, or pass force=true to delete anyway and mark them broken`,
      },
      { field: 'params.id', rule: `is used through those by saved segments "VIP reachable" (${indirect.id})` },
    ]);
    expect((await call('GET', `/v1/tags/${vipTag}`)).status).toBe(200);
    expect((await call('DELETE', `/v1/tags/${vipTag}?force=maybe`)).body.errors).toEqual([{ field: 'query.force', rule: 'must be true or false' }]);
  });

  it('forced, marks the segments broken: they print the name, and counting, previews, streams and snapshots answer 409', async () => {
    const deleted = await call('DELETE', `/v1/tags/${vipTag}?force=true`);
    expect(deleted.status).toBe(202);
    await eventually(
      async () => (await call('GET', `/v1/jobs/${deleted.body.id}`)).body.status,
      (status) => status === 'succeeded',
    );

    const saved = (await call('GET', `/v1/segments/${direct.id}`)).body;
    expect(saved.text).toBe('tag:VIP OR tag:Regular');
    expect(saved.broken).toEqual({ reason: 'tag "VIP" was deleted', missing: [{ kind: 'tag', id: vipTag, name: 'VIP' }], since: expect.any(String) });
    expect((await call('GET', `/v1/segments/${indirect.id}`)).body.broken).toBeNull();

    const count = await countOf({ segmentId: direct.id });
    expect(count).toMatchObject({
      status: 409,
      errors: [{ field: 'body.queries.0.segmentId', rule: 'segment "VIPs" names what no longer exists: tag "VIP"; edit its condition to mend it' }],
    });
    const throughIt = await countOf({ segmentId: indirect.id });
    expect(throughIt.status).toBe(409);
    expect(throughIt.detail).toBe('Segment "VIPs" (used by this one through "VIP reachable") is broken: tag "VIP" was deleted');
    expect((await call('POST', '/v1/segments/preview', { query: { segmentId: direct.id } })).status).toBe(409);
    expect((await call('GET', `/v1/segments/${direct.id}/members`)).status).toBe(409);
    expect((await call('POST', `/v1/segments/${indirect.id}/snapshots`)).status).toBe(409);
    expect((await call('POST', `/v1/segments/${direct.id}/snapshots`)).status).toBe(409);
    expect((await call('POST', `/v1/segments/${direct.id}/actions`, { action: 'add_tags', tagIds: [] })).status).toBeGreaterThanOrEqual(400);
    // An export of it too: never a file with only its header.
    const exported = await call('POST', '/v1/exports/contacts', { segment: { segmentId: direct.id } });
    expect([exported.status, exported.body.errors?.[0]?.field]).toEqual([409, 'body.segment.segmentId']);
    expect((await call('POST', '/v1/segments/count', { queries: [{ text: `segment:${direct.id}` }] })).body.results[0].status).toBe(409);
    // A contact's segment list leaves broken segments out rather than guessing.
    expect((await call('GET', `/v1/contacts/${contactIds[4]}/segments`)).body.items).toEqual([]);
  });

  it('edits clearly: the printed text names the missing tag, and a new condition mends the segment', async () => {
    const again = await call('PATCH', `/v1/segments/${direct.id}`, { text: 'tag:VIP OR tag:Regular' });
    expect([again.status, again.body.errors]).toEqual([400, [{ field: 'body.text', rule: 'names tags that do not exist in this workspace: "VIP"' }]]);
    const mended = await call('PATCH', `/v1/segments/${direct.id}`, { text: 'tag:Regular' });
    expect(mended.status).toBe(200);
    expect(mended.body).toMatchObject({ broken: null, text: 'tag:Regular' });
    expect(await countOf({ segmentId: direct.id })).toMatchObject({ total: 2 });
    expect(await countOf({ segmentId: indirect.id })).toMatchObject({ total: 2 });
  });

  it('a tag no segment uses is deleted without force', async () => {
    const free = (await call('POST', '/v1/tags', { name: 'Unused' })).body.id;
    expect((await call('DELETE', `/v1/tags/${free}`)).status).toBe(202);
  });
});

test('a segment can be saved before any contact has its label keys: accepted, with a warning', async () => {
  const saved = await call('POST', '/v1/segments', { name: 'Churned', text: 'label:tier IN [gold, silver] AND label:churned NOT EXISTS' });
  expect(saved.status).toBe(201);
  expect(saved.body.warnings).toEqual([
    {
      field: 'body.text',
      rule: 'names label keys no contact in this workspace has yet: tier, churned; the segment matches no one on them until some contact does',
    },
  ]);
  expect(await countOf({ segmentId: saved.body.id })).toMatchObject({ total: 0 });
  await call('POST', '/v1/labels/bulk-set', { contactIds: contactIds.slice(0, 2), labels: { tier: 'gold' } });
  expect(
    await eventually(
      () => countOf({ segmentId: saved.body.id }),
      (r) => r.total === 2,
    ),
  ).toMatchObject({ total: 2 });
  const renamed = await call('PATCH', `/v1/segments/${saved.body.id}`, { text: 'label:tier = gold' });
  expect(renamed.body.warnings).toEqual([]);
});

test("a multi-query count answers each query: a count, or that query's own errors", async () => {
  const queries = [
    { text: 'sendable:email' },
    { text: 'email_status = bogus' },
    { segmentId: '00000000-0000-4000-8000-000000000000' },
    { condition: { kind: 'tag', op: 'has', tags: ['not-a-uuid'] } },
    { text: 'tag:Regular' },
  ];
  const res = await call('POST', '/v1/segments/count', { queries });
  expect(res.status).toBe(200);
  const [ok, bogus, missing, badTag, last] = res.body.results;
  expect(ok).toMatchObject({ total: 6 });
  expect(bogus).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: expect.stringMatching(/^body\.queries\.1\.text/) })] });
  expect(missing).toMatchObject({ status: 404 });
  expect(badTag).toMatchObject({ status: 400 });
  expect(last).toMatchObject({ total: 2 });
});

test('the segment list pages by name with limit and cursor', async () => {
  const other = await h.createWorkspace();
  for (const n of ['a', 'b', 'c', 'd', 'e'])
    expect((await call('POST', '/v1/segments', { name: `page ${n}`, text: 'sendable:email' }, other.key)).status).toBe(201);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await call(
      'GET',
      `/v1/segments?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      undefined,
      other.key,
    );
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.body.items.map((s) => s.name));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(seen).toEqual(['page a', 'page b', 'page c', 'page d', 'page e']);
  expect((await call('GET', '/v1/segments?limit=0', undefined, other.key)).body.errors).toEqual([{ field: 'query.limit', rule: 'must be at least 1' }]);
  expect((await call('GET', '/v1/segments?cursor=nope', undefined, other.key)).body.errors).toEqual([
    { field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' },
  ]);
});

test('a tag whose deletion job has not finished cannot be used by a segment saved meanwhile', async () => {
  // No job runner here: the deletion stays queued, as it would while a big tag is being removed.
  const paused = await startApiHarness({ jobRunner: false });
  try {
    const own = await paused.createWorkspace();
    const ask = (method: string, path: string, body?: unknown) => paused.request(method, path, { key: own.key, body });
    const tag = (await ask('POST', '/v1/tags', { name: 'Going' })).body.id;
    expect((await ask('DELETE', `/v1/tags/${tag}`)).status).toBe(202);
    const saved = await ask('POST', '/v1/segments', { name: 'Too late', text: 'tag:Going' });
    expect([saved.status, saved.body.errors]).toEqual([400, [{ field: 'body.text', rule: 'names tags that are being deleted: "Going"' }]]);
    // Counting ad hoc still works while the tag exists.
    expect((await ask('POST', '/v1/segments/count', { queries: [{ text: 'tag:Going' }] })).body.results[0]).toMatchObject({ total: 0 });
  } finally {
    await paused.stop();
  }
});

test('a chain of saved segment references is bounded (16): a longer one is a 400 when saved, never a stack overflow', async () => {
  const other = await h.createWorkspace();
  let previous = (await call('POST', '/v1/segments', { name: 'chain 0', text: 'sendable:email' }, other.key)).body;
  for (let i = 1; i <= 16; i++) {
    const saved = await call('POST', '/v1/segments', { name: `chain ${i}`, text: `segment:${previous.id}` }, other.key);
    expect([i, saved.status]).toEqual([i, 201]);
    previous = saved.body;
  }
  const tooLong = await call('POST', '/v1/segments', { name: 'chain 17', text: `segment:${previous.id}` }, other.key);
  expect([tooLong.status, tooLong.body.errors[0].rule]).toEqual([
    400,
    'refers to saved segments more than 16 deep (a segment using one that uses another, and so on)',
  ]);
  const counted = await call('POST', '/v1/segments/count', { queries: [{ segmentId: previous.id }] }, other.key);
  expect(counted.body.results[0]).toMatchObject({ total: 0 });
});

test('segment names and descriptions hold only characters people can see', async () => {
  const bidi = await call('POST', '/v1/segments', { name: 'VIP\u202e', text: 'sendable:email' });
  expect([bidi.status, bidi.body.errors]).toEqual([
    400,
    [{ field: 'body.name', rule: 'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)' }],
  ]);
  const described = await call('POST', '/v1/segments', { name: 'Described', description: 'line one\nline two', text: 'sendable:email' });
  expect(described.status).toBe(201);
  expect((await call('PATCH', `/v1/segments/${described.body.id}`, { description: 'zero\u200bwidth' })).body.errors[0].field).toBe('body.description');
});
