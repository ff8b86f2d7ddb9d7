// Saved segments, counts and previews over HTTP on the whole real path (writes flow through the
// outbox, Kafka and the indexer; counts come from Elasticsearch).
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
let ws: Workspace;
const ids: string[] = [];
let lastToken = '';

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true, snapshotChunkSize: 700 });
  ws = await h.createWorkspace();
  expect((await call('POST', '/v1/custom-fields', { key: 'score', type: 'number' })).status).toBe(201);
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: Array.from({ length: 10 }, (_, i) => ({
      email: `s${i}@example.com`,
      ...(i < 3 ? { phone: `+1415555010${i}` } : {}),
      customFields: { score: i * 10 },
    })),
  });
  ids.push(...batch.body.results.map((r: { id: string }) => r.id));
  await call('POST', '/v1/tags/bulk-add', { contactIds: ids.slice(0, 6), tags: ['Hot Lead'], createMissing: true });
  await call('POST', '/v1/labels/bulk-set', { contactIds: ids.slice(0, 4), labels: { tier: 'gold' } });
  await call('POST', '/v1/labels/bulk-set', { contactIds: ids.slice(4, 8), labels: { tier: 'silver' } });
  await call('POST', '/v1/labels/bulk-set', { contactIds: [ids[0]!], labels: { churned: 'yes' } });
  lastToken = (await call('POST', `/v1/contacts/${ids[1]}/actions/unsubscribe-email`)).headers.get('consistency-token')!;
  await expectSearchIndexConverges(h.env, ws.id);
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

test('saving names unknown tags and custom fields, and reports syntax errors with line and column', async () => {
  const cases: [unknown, string, string][] = [
    [{ text: 'tag:Nope OR tag:"Also nope"' }, 'body.text', 'names tags that do not exist in this workspace: "Nope", "Also nope"'],
    [{ text: 'custom:shoe > 4' }, 'body.text', 'line 1, column 8: expected a custom field defined in this workspace, found "shoe"'],
    [{ text: 'label:tier IN [gold' }, 'body.text', 'line 1, column 20: expected "," or "]", found the end of the text'],
    [
      { condition: { kind: 'custom', key: 'score', type: 'string', op: 'eq', values: ['1'] } },
      'body.condition',
      'custom field score is a number field, not string',
    ],
    [{ condition: { kind: 'label', key: 'tier', op: 'in', values: [] } }, 'body.condition.values', 'must hold 1 to 500 values for in'],
    [
      { text: 'tag:a', condition: { kind: 'sendable', channel: 'email' } },
      'body',
      'must hold either condition (a JSON tree) or text (the segment language), not both',
    ],
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
  const foreignSegment = await call('POST', '/v1/segments/count', { queries: [{ segmentId: mine.id }] }, other.key);
  expect(foreignSegment.body.results[0]).toMatchObject({ status: 404, detail: `Segment ${mine.id} was not found` });
  const theirs = await call(
    'POST',
    '/v1/segments/count',
    { queries: [{ text: 'sendable:email' }, { condition: { kind: 'not', condition: { kind: 'sendable', channel: 'email' } } }] },
    other.key,
  );
  expect(theirs.body.results.map((r: { total: number }) => r.total)).toEqual([0, 0]);
  // A tag id of this workspace in the other workspace's tree is unknown there.
  const tagId = (await call('GET', '/v1/tags')).body.items[0].id;
  const foreignTag = await call('POST', '/v1/segments/count', { queries: [{ condition: { kind: 'tag', op: 'has', tags: [tagId] } }] }, other.key);
  expect(foreignTag.body.results[0]).toMatchObject({
    status: 400,
    errors: [{ field: 'body.queries.0.condition', rule: `names tags that do not exist in this workspace: "${tagId}"` }],
  });
});

test('input the parser reads but the model bounds is a 400, never a 500', async () => {
  for (const text of [
    'created IN LAST 99999999999999999999 DAYS',
    'custom:score > 1e400',
    'engagement:email.opened >= 11 IN LAST 3 DAYS',
    'engagement:mail.opened IN LAST 3 DAYS',
    'created = 2024-02-30',
    `${'NOT '.repeat(40)}sendable:email`,
    'email_rating > 3000000000',
  ]) {
    const res = await call('POST', '/v1/segments/count', { queries: [{ text }] });
    expect([text, res.status, res.body.results[0].status, res.body.results[0].errors?.[0]?.field]).toEqual([text, 200, 400, 'body.queries.0.text']);
  }
});

test('references cannot multiply past the limits: a change that would break a segment using it is refused', async () => {
  const leaf = (await call('POST', '/v1/segments', { name: 'Chain 0', text: 'sendable:email' })).body;
  let previous = leaf;
  const chain = [leaf];
  for (let i = 1; i <= 8; i++) {
    previous = (await call('POST', '/v1/segments', { name: `Chain ${i}`, text: `segment:${previous.id} OR segment:${previous.id}` })).body;
    chain.push(previous);
  }
  // Chain 8 would expand to 2^8 = 256 conditions, 9 levels deep: it was refused when saved.
  expect(previous.id).toBeUndefined();
  const top = chain[7]!; // 128 conditions, 8 levels: fine
  expect((await call('POST', '/v1/segments/count', { queries: [{ segmentId: top.id }] })).status).toBe(200);
  // Doubling the bottom would make the top 256 conditions, 9 levels: refused, naming what it breaks.
  const doubled = await call('PATCH', `/v1/segments/${leaf.id}`, { text: 'sendable:email OR sendable:phone' });
  expect(doubled.status).toBe(400);
  expect(doubled.body.errors[0].rule).toMatch(
    /^would break segment "Chain 7", which uses this one: once saved segments are expanded, (nests deeper than 8 levels|holds more than 200 conditions)$/,
  );
  expect((await call('GET', `/v1/segments/${leaf.id}`)).body.text).toBe('sendable:email');
});

test('a malformed count request is a 400; a bad query answers its own errors in its place', async () => {
  const tooMany = await call('POST', '/v1/segments/count', { queries: Array.from({ length: 51 }, () => ({ text: 'sendable:email' })) });
  expect([tooMany.status, tooMany.body.errors[0]]).toEqual([400, { field: 'body.queries', rule: 'must hold at most 50 queries' }]);
  const bad = await call('POST', '/v1/segments/count', { queries: [{ text: 'sendable:email' }, { text: 'sendable:fax' }] });
  expect(bad.status).toBe(200);
  expect(bad.body.results[0]).toEqual({ total: 9, sendable: { email: 9, phone: 2 } }); // contact 1 unsubscribed; 0 and 2 have phones
  expect(bad.body.results[1]).toEqual({
    status: 400,
    title: 'Validation failed',
    detail: expect.any(String),
    errors: [{ field: 'body.queries.1.text', rule: 'line 1, column 10: expected email or phone, found "fax"' }],
  });
});

test("a contact's segments: every saved segment it matches, from its latest state", async () => {
  const other = await h.createWorkspace();
  const hot = (await call('POST', '/v1/segments', { name: 'Profile hot', text: 'tag:"Hot Lead"' })).body;
  const gold = (await call('POST', '/v1/segments', { name: 'Profile gold', text: 'label:tier = gold' })).body;
  expect((await call('POST', '/v1/segments', { name: 'Profile both', text: `segment:${hot.id} AND segment:${gold.id}` })).status).toBe(201);
  expect((await call('POST', '/v1/segments', { name: 'Profile silver', text: 'label:tier = silver' })).status).toBe(201);
  const names = async (id: string) =>
    (await call('GET', `/v1/contacts/${id}/segments`)).body.items
      .map((s: { name: string }) => s.name)
      .filter((n: string) => n.startsWith('Profile'))
      .sort();
  expect(await names(ids[2]!)).toEqual(['Profile both', 'Profile gold', 'Profile hot']);
  expect(await names(ids[5]!)).toEqual(['Profile hot', 'Profile silver']);
  expect(await names(ids[9]!)).toEqual([]);
  // The next read already reflects a write: it reads Postgres, not the index.
  await call('PATCH', `/v1/contacts/${ids[9]}/labels`, { set: { tier: 'silver' } });
  expect(await names(ids[9]!)).toEqual(['Profile silver']);
  expect((await call('GET', `/v1/contacts/${ids[2]}/segments`, undefined, other.key)).status).toBe(404);
});

describe('streaming members', () => {
  let big: Workspace;
  const bigIds: string[] = [];
  beforeAll(async () => {
    big = await h.createWorkspace();
    for (let start = 0; start < 2500; start += 1000) {
      const res = await call(
        'POST',
        '/v1/contacts/batch-upsert',
        {
          matchBy: 'email',
          contacts: Array.from({ length: Math.min(1000, 2500 - start) }, (_, i) => ({
            email: `m${start + i}@example.com`,
            firstName: start + i === 7 ? 'Smith, "Jo"' : start + i === 8 ? '=HYPERLINK("x")' : `M${start + i}`,
          })),
        },
        big.key,
      );
      bigIds.push(...res.body.results.map((r: { id: string }) => r.id));
    }
    bigIds.sort();
    await expectSearchIndexConverges(h.env, big.id);
  });

  const stream = (body: object, key = big.key) =>
    fetch(`${h.api.url}/v1/segments/members`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('NDJSON: every member once, in id order, across pages, with the chosen fields', async () => {
    const res = await stream({ query: { text: 'sendable:email' }, fields: 'id,email,firstName' });
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2500);
    expect(lines.map((l) => l.id)).toEqual(bigIds);
    // camelCase keys, as in the contact JSON, in the order asked for.
    expect(Object.keys(lines[0])).toEqual(['id', 'email', 'firstName']);
  });

  test('a dropped stream resumes after the last id received, with nothing twice or missing', async () => {
    const first = (await (await stream({ query: { text: 'sendable:email' } })).text())
      .trim()
      .split('\n')
      .slice(0, 1234)
      .map((l) => JSON.parse(l).id);
    const rest = (await (await stream({ query: { text: 'sendable:email' }, after: first[first.length - 1] })).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect([...first, ...rest]).toEqual(bigIds);
  });

  test('CSV: a header, quoting, and formula cells defused', async () => {
    const saved = (await call('POST', '/v1/segments', { name: 'All', text: 'sendable:email' }, big.key)).body;
    const res = await fetch(`${h.api.url}/v1/segments/${saved.id}/members?format=csv&fields=id,firstName`, { headers: { 'x-api-key': big.key } });
    const rows = (await res.text()).split('\r\n');
    expect(rows[0]).toBe('id,first_name');
    expect(rows).toHaveLength(2502); // header, 2500 rows, final empty
    expect(rows).toContain(
      `${bigIds[bigIds.indexOf((await call('GET', '/v1/contacts?q=m7@example.com', undefined, big.key)).body.items[0].id)]},"Smith, ""Jo"""`,
    );
    expect(rows.some((r) => r.endsWith(`,"'=HYPERLINK(""x"")"`))).toBe(true);
  });

  test('a client that goes away mid-stream releases the point in time', async () => {
    const openContexts = async () => {
      const stats = await h.env.es.nodes.stats({ metric: 'indices', index_metric: 'search' });
      return Object.values(stats.nodes).reduce((sum, n) => sum + (n.indices?.search?.open_contexts ?? 0), 0);
    };
    // Other searches come and go; a leaked point in time would stay above this for its 2 minutes.
    const baseline = await openContexts();
    const controller = new AbortController();
    const res = await fetch(`${h.api.url}/v1/segments/members`, {
      method: 'POST',
      headers: { 'x-api-key': big.key, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { text: 'sendable:email' } }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the first page arrived: the PIT is open
    controller.abort();
    await eventually(openContexts, (n) => n <= baseline, 20_000);
  });

  test('members of another workspace are never streamed, and its saved segments are not found', async () => {
    const lines = (await (await stream({ query: { text: 'sendable:email' } }, ws.key)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(lines.some((id) => bigIds.includes(id))).toBe(false);
    const saved = (await call('POST', '/v1/segments', { name: 'Big only', text: 'sendable:email' }, big.key)).body;
    expect((await fetch(`${h.api.url}/v1/segments/${saved.id}/members`, { headers: { 'x-api-key': ws.key } })).status).toBe(404);
  });

  test('an audience snapshot freezes the members; later changes do not move it; pages cross stored rows', async () => {
    const saved = (await call('POST', '/v1/segments', { name: 'Frozen', text: 'sendable:email' }, big.key)).body;
    const started = await call('POST', `/v1/segments/${saved.id}/snapshots`, undefined, big.key);
    expect(started.status).toBe(202);
    const snapshotId = started.body.snapshot.id;
    const job = await eventually(
      async () => (await call('GET', `/v1/jobs/${started.body.job.id}`, undefined, big.key)).body,
      (j) => j.status === 'succeeded',
      60_000,
    );
    expect(job.done).toBe(2500);
    expect((await call('GET', `/v1/snapshots/${snapshotId}`, undefined, big.key)).body).toMatchObject({ status: 'ready', total: 2500, segmentId: saved.id });
    // The segment changes after the freeze: one member leaves, one joins.
    await call('POST', `/v1/contacts/${bigIds[0]}/actions/unsubscribe-email`, undefined, big.key);
    await call('POST', '/v1/contacts', { email: 'late@example.com' }, big.key);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await call('GET', `/v1/snapshots/${snapshotId}/members?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, undefined, big.key)).body;
      pages.push(...page.contactIds);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(bigIds);
    expect((await call('GET', `/v1/snapshots/${snapshotId}`, undefined, ws.key)).status).toBe(404);
    expect((await call('GET', `/v1/snapshots/${snapshotId}/members`, undefined, ws.key)).status).toBe(404);
  });

  test('bad stream options are 400s naming the field', async () => {
    const res = await fetch(`${h.api.url}/v1/segments/00000000-0000-4000-8000-000000000000/members?format=xml&fields=id,password`, {
      headers: { 'x-api-key': big.key },
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['query.fields.1', 'query.format']);
  });
});

describe('bulk actions on members', () => {
  const waitForJob = (id: string, key: string) => h.jobEnded(key, id);

  test('tags the members once: a segment defined by not having the tag ends empty, every member tagged', async () => {
    const own = await h.createWorkspace();
    const members: string[] = [];
    for (const start of [0, 1000]) {
      const created = await call(
        'POST',
        '/v1/contacts/batch-upsert',
        { matchBy: 'email', contacts: Array.from({ length: start ? 500 : 1000 }, (_, i) => ({ email: `b${start + i}@example.com` })) },
        own.key,
      );
      members.push(...created.body.results.map((r: { id: string }) => r.id));
    }
    const tag = (await call('POST', '/v1/tags', { name: 'Contacted' }, own.key)).body.id;
    await expectSearchIndexConverges(h.env, own.id);
    const started = await call('POST', '/v1/segments/actions', { query: { text: 'NOT tag:Contacted' }, action: 'add_tags', tagIds: [tag] }, own.key);
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.id, own.key);
    expect(job).toMatchObject({ status: 'succeeded', total: 1500, done: 1500, result: { changed: 1500, skipped: 0 } });
    await expectSearchIndexConverges(h.env, own.id);
    const counts = await call('POST', '/v1/segments/count', { queries: [{ text: 'tag:Contacted' }, { text: 'NOT tag:Contacted' }] }, own.key);
    expect(counts.body.results.map((r: { total: number }) => r.total)).toEqual([members.length, 0]);
  });

  test('labels and deletes; a delete keeps suppressed contacts unless told otherwise', async () => {
    const own = await h.createWorkspace();
    const created = await call(
      'POST',
      '/v1/contacts/batch-upsert',
      { matchBy: 'email', contacts: Array.from({ length: 6 }, (_, i) => ({ email: `d${i}@example.com`, phone: `+1415555020${i}` })) },
      own.key,
    );
    const members: string[] = created.body.results.map((r: { id: string }) => r.id);
    await call('POST', `/v1/contacts/${members[0]}/actions/unsubscribe-email`, undefined, own.key);
    await call('POST', `/v1/contacts/${members[1]}/actions/blacklist-phone`, undefined, own.key);
    await expectSearchIndexConverges(h.env, own.id);
    const labelled = await waitForJob(
      (await call('POST', '/v1/segments/actions', { query: { text: 'sendable:phone' }, action: 'set_labels', labels: { wave: 'w1' } }, own.key)).body.id,
      own.key,
    );
    expect(labelled.result).toMatchObject({ changed: 5, skipped: 0 });
    await expectSearchIndexConverges(h.env, own.id);
    const deleted = await waitForJob(
      (await call('POST', '/v1/segments/actions', { query: { text: 'created IN LAST 1 DAYS' }, action: 'delete', reason: 'cleanup' }, own.key)).body.id,
      own.key,
    );
    expect(deleted.result).toMatchObject({ changed: 4, skipped: 2 });
    const kept = (await call('GET', '/v1/contacts?limit=100', undefined, own.key)).body.items.map((c: { id: string }) => c.id).sort();
    expect(kept).toEqual([members[0], members[1]].sort());
    await expectSearchIndexConverges(h.env, own.id);
    const everyone = await waitForJob(
      (
        await call(
          'POST',
          '/v1/segments/actions',
          { query: { text: 'created IN LAST 1 DAYS' }, action: 'delete', keepEmailStatuses: [], keepPhoneStatuses: [] },
          own.key,
        )
      ).body.id,
      own.key,
    );
    expect(everyone.result).toMatchObject({ changed: 2, skipped: 0 });
  });

  test('bad actions are 400s naming the field; nothing is queued', async () => {
    const noTag = await call('POST', '/v1/segments/actions', {
      query: { text: 'sendable:email' },
      action: 'add_tags',
      tagIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(noTag.body.errors).toEqual([{ field: 'body.tagIds.0', rule: 'is not a tag in this workspace: 00000000-0000-4000-8000-000000000000' }]);
    const unknown = await call('POST', '/v1/segments/actions', { query: { text: 'sendable:email' }, action: 'launch' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.action');
    expect((await call('GET', '/v1/jobs')).body.items.filter((j: { type: string }) => j.type === 'segment.action')).toEqual([]);
  });
});
