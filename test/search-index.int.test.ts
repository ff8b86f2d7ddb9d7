// The search index's own features on the whole real path (HTTP -> Postgres -> relay -> Kafka -> indexer
// -> Elasticsearch): custom fields and engagement in documents, read-your-writes tokens, counts,
// metrics, a rebuild with writes racing it, and reconcile finding and repairing drift.
import { contactDocument, contactsIndexName, ContactDocument, indicesOf, workspaceSearch, writeAliasOf } from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../services/api/src/contacts/contacts-store';
import { encodeToken } from '../services/api/src/consistency/consistency-token';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { expectSearchIndexConverges, searchIndexDifferences } from './support/search-index-equality';
import { eventually } from './support/test-environment';
import { metricSample } from './support/metric-sample';

let h: ApiHarness;
let ws: Workspace;
let alias: string;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true, retireGraceMs: 300 });
  ws = await h.createWorkspace();
  alias = h.env.config.elasticsearch.contactsAlias;
});
afterAll(async () => h?.stop());

const call = (method: string, path: string, body?: unknown, key = ws.key) => h.request(method, path, { key, body });
const newContacts = async (n: number, prefix: string, key = ws.key) => {
  const res = await call(
    'POST',
    '/v1/contacts/batch-upsert',
    { matchBy: 'email', contacts: Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.com` })) },
    key,
  );
  expect(res.status).toBe(200);
  return res.body.results.map((r: { id: string }) => r.id) as string[];
};
const searchIds = async (filters: object[]) => {
  await h.env.es.indices.refresh({ index: alias });
  const res = await h.env.es.search({ ...workspaceSearch(alias, ws.id, filters as never), size: 100, _source: false });
  return res.hits.hits.map((hit) => hit._id).sort();
};
const waitForJob = (id: string) =>
  eventually(
    async () => (await h.operator('GET', `/v1/admin/search-index/jobs/${id}`)).body,
    (job) => job.status === 'succeeded' || job.status === 'failed',
    60_000,
  );

test('custom fields are typed: number and date ranges compare values, not strings', async () => {
  for (const [key, type] of [
    ['score', 'number'],
    ['renews', 'date'],
    ['plan', 'string'],
  ]) {
    expect((await call('POST', '/v1/custom-fields', { key, type })).status).toBe(201);
  }
  const values = [
    { score: 9, renews: '2027-01-31', plan: 'pro' },
    { score: 10, renews: '2026-12-01', plan: 'basic' },
    { score: 100, renews: '2026-11-30T23:00:00Z', plan: 'pro' },
  ];
  const ids: string[] = [];
  for (const [i, customFields] of values.entries()) {
    ids.push((await call('POST', '/v1/contacts', { email: `typed${i}@example.com`, customFields })).body.id);
  }
  await expectSearchIndexConverges(h.env, ws.id);
  const nested = (query: object) => ({ nested: { path: 'custom_fields', query: { bool: { filter: query } } } });
  // As strings "9" > "10" > "100"; as numbers 9 < 10 < 100.
  expect(await searchIds([nested([{ term: { 'custom_fields.key': 'score' } }, { range: { 'custom_fields.number': { gte: 10 } } }])])).toEqual(
    [ids[1], ids[2]].sort(),
  );
  expect(await searchIds([nested([{ term: { 'custom_fields.key': 'renews' } }, { range: { 'custom_fields.date': { lt: '2026-12-01' } } }])])).toEqual([ids[2]]);
  expect(await searchIds([nested([{ term: { 'custom_fields.key': 'plan' } }, { term: { 'custom_fields.string': 'pro' } }])])).toEqual([ids[0], ids[2]].sort());
});

test('engagement: "opened an email at least twice in the last 7 days" is one nested lookup', async () => {
  const [often, once, longAgo] = await newContacts(3, 'engaged');
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const activities = [
    { contactId: often, channel: 'email', status: 'opened', occurredAt: daysAgo(1) },
    { contactId: often, channel: 'email', status: 'opened', occurredAt: daysAgo(3) },
    { contactId: once, channel: 'email', status: 'opened', occurredAt: daysAgo(2) },
    { contactId: once, channel: 'sms', status: 'opened', occurredAt: daysAgo(2) },
    { contactId: longAgo, channel: 'email', status: 'opened', occurredAt: daysAgo(20) },
    { contactId: longAgo, channel: 'email', status: 'opened', occurredAt: daysAgo(30) },
  ];
  expect((await call('POST', '/v1/activities/batch', { activities })).body.summary).toEqual({ stored: 6, failed: 0 });
  await expectSearchIndexConverges(h.env, ws.id);
  const atLeast = (k: number, days: number) => ({
    nested: {
      path: 'engagement',
      query: {
        bool: {
          filter: [
            { term: { 'engagement.channel': 'email' } },
            { term: { 'engagement.status': 'opened' } },
            { term: { 'engagement.rank': k } },
            { range: { 'engagement.at': { gte: `now-${days}d/d` } } },
          ],
        },
      },
    },
  });
  expect(await searchIds([atLeast(2, 7)])).toEqual([often]);
  expect(await searchIds([atLeast(1, 7)])).toEqual([often, once].sort());
  expect(await searchIds([atLeast(2, 60)])).toEqual([often, longAgo].sort());
});

test('a tag rename rewrites no document; a tag deletion reaches every tagged document', async () => {
  const ids = await newContacts(40, 'tagged');
  const tag = (await call('POST', '/v1/tags', { name: 'Doomed' })).body.id;
  await call('POST', '/v1/tags/bulk-add', { contactIds: ids, tagIds: [tag] });
  await expectSearchIndexConverges(h.env, ws.id);
  const versionsOf = async () => {
    const res = await h.env.es.search({ ...workspaceSearch(alias, ws.id, [{ ids: { values: ids } }]), size: 100, version: true, _source: false });
    return Object.fromEntries(res.hits.hits.map((hit) => [hit._id, hit._version]));
  };
  const before = await versionsOf();
  expect((await call('PATCH', `/v1/tags/${tag}`, { name: 'Renamed' })).status).toBe(200);
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await versionsOf()).toEqual(before);
  expect(await searchIds([{ term: { tag_ids: tag } }])).toHaveLength(40);
  const deletion = await call('DELETE', `/v1/tags/${tag}`);
  expect(deletion.status).toBe(202);
  await eventually(
    async () => (await call('GET', `/v1/jobs/${deletion.body.id}`)).body.status,
    (s) => s === 'succeeded',
  );
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await searchIds([{ term: { tag_ids: tag } }])).toEqual([]);
});

describe('read-your-writes', () => {
  test('a write returns a token; a count passing it includes the write, without the caller sleeping', async () => {
    const tag = (await call('POST', '/v1/tags', { name: 'Fresh' })).body.id;
    const created = await call('POST', '/v1/contacts', { email: 'ryw@example.com' });
    const tagged = await call('POST', `/v1/contacts/${created.body.id}/tags/add`, { tagIds: [tag] });
    const token = tagged.headers.get('consistency-token');
    expect(token).toMatch(/^ct1_/);
    const counts = await call('GET', `/v1/counts?consistencyToken=${token}&waitMs=20000`);
    expect(counts.status).toBe(200);
    expect(counts.body.tags.find((t: { id: string }) => t.id === tag)).toEqual({ id: tag, name: 'Fresh', count: 1 });
    expect(counts.body.consistency.waitedMs).toBeGreaterThanOrEqual(0);
    expect((await call('GET', `/v1/consistency?consistencyToken=${token}`)).body).toMatchObject({ consistent: true });
  });

  test('a write of more contacts than fit in a token stores a receipt, and waiting on it works', async () => {
    const ids = await newContacts(150, 'receipt');
    const tag = (await call('POST', '/v1/tags', { name: 'Bulk' })).body.id;
    const bulk = await call('POST', '/v1/tags/bulk-add', { contactIds: ids, tagIds: [tag] });
    const token = bulk.headers.get('consistency-token')!;
    expect(token.length).toBeLessThan(200); // a receipt id, not 150 versions
    const counts = await call('GET', `/v1/counts?consistencyToken=${token}&waitMs=30000`);
    expect(counts.body.tags.find((t: { id: string }) => t.id === tag).count).toBe(150);
  });

  test('a write the search index never shows answers 503 "not yet consistent" after the wait, with Retry-After', async () => {
    const [id] = await newContacts(1, 'never');
    const token = encodeToken({ workspaceId: ws.id, versions: [{ contactId: id!, version: 999 }] });
    const res = await call('GET', `/v1/counts?consistencyToken=${token}&waitMs=300`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ title: 'Not yet consistent' });
  });

  test("bad tokens and another workspace's token are 400s naming the field", async () => {
    const other = await h.createWorkspace();
    const created = await call('POST', '/v1/contacts', { email: 'theirs@example.com' }, other.key);
    const theirs = created.headers.get('consistency-token');
    for (const [token, rule] of [
      [theirs, 'was issued for a write in another workspace'],
      ['ct1_garbage', 'must be a token returned in a Consistency-Token header'],
      [
        encodeToken({ workspaceId: ws.id, receiptId: '0b9e1a52-58c4-4d3a-9a1e-3f0e2b7c9d11' }),
        'names a write receipt that does not exist or has expired (kept 24 hours)',
      ],
    ]) {
      const res = await call('GET', `/v1/counts?consistencyToken=${token}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'query.consistencyToken', rule }]);
    }
    expect((await call('GET', '/v1/counts?waitMs=999999')).body.errors[0].field).toBe('query.waitMs');
  });

  test('receipts expire after 24 hours; housekeeping deletes them', async () => {
    const { rows } = await h.env.pool.query(
      `insert into write_receipts (workspace_id, contact_ids, versions, created_at) values
         ($1, '{}', '{}', now() - interval '25 hours'), ($1, '{}', '{}', now()) returning id`,
      [ws.id],
    );
    expect(await h.api.housekeeping.runOnce()).toBeGreaterThanOrEqual(1);
    const left = await h.env.pool.query('select id from write_receipts where id = any($1::uuid[])', [rows.map((r) => r.id)]);
    expect(left.rows.map((r) => r.id)).toEqual([rows[1].id]);
  });

  test('an answer without a body (204, an erasure) carries the token too', async () => {
    const [id] = await newContacts(1, 'erased-with-token');
    const erased = await h.request('DELETE', `/v1/contacts/${id}/erase`, { key: ws.key });
    expect(erased.status).toBe(204);
    const token = erased.headers.get('consistency-token');
    expect(token).toMatch(/^ct1_/);
    expect((await call('GET', `/v1/consistency?consistencyToken=${token}&waitMs=20000`)).status).toBe(200);
  });

  test('a failed write returns no token', async () => {
    const res = await call('POST', '/v1/contacts', { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.headers.get('consistency-token')).toBeNull();
  });
});

test('counts: total, sendable by channel, statuses, tags and label keys, for this workspace only', async () => {
  const other = await h.createWorkspace();
  await newContacts(7, 'elsewhere', other.key);
  await expectSearchIndexConverges(h.env, ws.id); // earlier tests' writes are all in
  const before = (await call('GET', '/v1/counts')).body;
  const [a, b, c] = await newContacts(3, 'counted');
  await call('POST', `/v1/contacts/${a}/actions/unsubscribe-email`);
  await call('PATCH', `/v1/contacts/${b}/labels`, { set: { tier: 'gold' } });
  const last = await call('PATCH', `/v1/contacts/${c}`, { phone: '+14155550100' });
  const after = (await call('GET', `/v1/counts?consistencyToken=${last.headers.get('consistency-token')}&waitMs=20000`)).body;
  expect(after.total - before.total).toBe(3);
  expect(after.sendable.email - before.sendable.email).toBe(2);
  expect(after.sendable.phone - before.sendable.phone).toBe(1);
  expect(after.emailStatus.unsubscribed - (before.emailStatus.unsubscribed ?? 0)).toBe(1);
  expect(after.labelKeys.tier - (before.labelKeys.tier ?? 0)).toBe(1);
  expect(typeof after.tookMs).toBe('number');
  const theirs = (await call('GET', '/v1/counts', undefined, other.key)).body;
  expect(theirs.total).toBe(7);
});

test('both services serve Prometheus metrics', async () => {
  await newContacts(2, 'metered');
  const indexerMetrics = async () => (await fetch(`${h.indexer!.url}/metrics`)).text();
  await eventually(indexerMetrics, (text) => (metricSample(text, 'segmenter_indexing_lag_seconds_count', {}) ?? 0) > 0);
  const indexer = await indexerMetrics();
  expect(metricSample(indexer, 'segmenter_indexer_events_total', { outcome: 'indexed' })).toBeGreaterThan(0);
  expect(metricSample(indexer, 'segmenter_indexer_batch_events_count', {})).toBeGreaterThan(0);
  expect(metricSample(indexer, 'segmenter_indexer_bulk_duration_seconds_count', {})).toBeGreaterThan(0);
  expect(metricSample(indexer, 'segmenter_indexer_consumer_lag', { partition: '0' })).toBeGreaterThanOrEqual(0);
  expect(indexer).toMatch(/^# TYPE segmenter_indexer_dead_lettered_total counter$/m);
  expect(indexer).toMatch(/^# TYPE segmenter_indexing_lag_seconds histogram$/m);
  const api = await (await fetch(`${h.api.url}/metrics`)).text();
  expect(metricSample(api, 'segmenter_outbox_backlog', {})).toBeGreaterThanOrEqual(0);
  expect(metricSample(api, 'segmenter_outbox_published_total', {})).toBeGreaterThan(0);
  expect(
    metricSample(api, 'segmenter_http_request_duration_seconds_count', { method: 'POST', route: '/v1/contacts/batch-upsert', status: '200' }),
  ).toBeGreaterThan(0);
  expect(metricSample(api, 'segmenter_consistency_wait_seconds_count', { outcome: 'consistent' })).toBeGreaterThan(0);
});

test('a rebuild fills a new index from Postgres while writes continue, swaps the alias, and loses nothing', async () => {
  const ids = await newContacts(300, 'rebuilt');
  // Erased before the rebuild: the new index must hold its tombstone, or a replayed older event
  // would resurrect it there.
  const [erased] = await newContacts(1, 'erased-before-rebuild');
  expect((await h.request('DELETE', `/v1/contacts/${erased}/erase`, { key: ws.key })).status).toBe(204);
  const generationBefore = (await h.operator('GET', '/v1/admin/search-index')).body.readIndices;
  let writing = true;
  let writes = 0;
  const writer = (async () => {
    while (writing) {
      const id = ids[writes % ids.length];
      await call('PATCH', `/v1/contacts/${id}/labels`, { set: { round: `r${writes}` } });
      writes += 1;
    }
  })();
  await eventually(
    async () => writes,
    (n) => n >= 5,
  );
  // A generation an earlier failed run left in no alias is cleaned up, not counted.
  await h.env.es.indices.create({ index: contactsIndexName(alias, 5) });
  const started = await h.operator('POST', '/v1/admin/search-index/rebuild', {});
  expect(await h.env.es.indices.exists({ index: contactsIndexName(alias, 5) })).toBe(false);
  expect(started.status).toBe(202);
  expect((await h.operator('POST', '/v1/admin/search-index/rebuild', {})).status).toBe(409); // one at a time
  const state = (await h.operator('GET', '/v1/admin/search-index')).body;
  expect(state.rebuilding).toBe(true);
  expect(state.writeIndices).toHaveLength(2);
  const job = await waitForJob(started.body.id);
  writing = false;
  await writer;
  expect(job).toMatchObject({ status: 'succeeded', done: job.total });
  expect(writes).toBeGreaterThan(10);
  const target = contactsIndexName(alias, 2);
  expect(await indicesOf(h.env.es, alias)).toEqual([target]);
  expect(await indicesOf(h.env.es, writeAliasOf(alias))).toEqual([target]);
  expect(generationBefore).toEqual([contactsIndexName(alias, 1)]);
  expect(await h.env.es.indices.exists({ index: generationBefore[0] })).toBe(false);
  await expectSearchIndexConverges(h.env, ws.id);
  const tombstone = await h.env.es.get({ index: target, id: erased!, routing: ws.id });
  expect(tombstone._source).toEqual({ workspace_id: ws.id, contact_id: erased, version: tombstone._version, deleted: true, erased: true });
});

describe('reconcile', () => {
  async function documentOf(id: string): Promise<ContactDocument> {
    const { rows } = await h.env.pool.query(`${SNAPSHOT_SELECT} where c.id = $1`, [id]);
    return contactDocument(toSnapshot(rows[0]));
  }

  test('finds each kind of drift exactly, and repairs it so the search index equals Postgres', async () => {
    const other = await h.createWorkspace();
    const ids = await newContacts(5, 'drift', other.key);
    await expectSearchIndexConverges(h.env, other.id);
    const index = (await indicesOf(h.env.es, alias))[0]!;
    const [missing, stale, mismatched, untouched] = ids;
    const stray = '00000000-0000-4000-8000-00000000beef';
    await call('PATCH', `/v1/contacts/${stale}/labels`, { set: { moved: 'on' } }, other.key);
    await call('PATCH', `/v1/contacts/${mismatched}/labels`, { set: { moved: 'on' } }, other.key);
    await expectSearchIndexConverges(h.env, other.id);
    // Drift made behind the indexer's back, the ways a lost or dead-lettered event would leave it.
    // (Deleted at its own version, as if it had never been written: a plain delete would leave a
    // higher version behind for 60 s that refuses the repair; see `unrepaired`.)
    await h.env.es.delete({ index, id: missing!, routing: other.id, version: 1, version_type: 'external_gte' });
    // A change whose event never arrived: Postgres moves on, the document stays behind.
    await h.env.pool.query("update contacts set version = version + 1, first_name = 'Lost' where id = $1", [stale]);
    const mismatchedDoc = await documentOf(mismatched!);
    await h.env.es.index({
      index,
      id: mismatched!,
      routing: other.id,
      version: mismatchedDoc.version,
      version_type: 'external_gte',
      document: { ...mismatchedDoc, labels: [] },
    });
    await h.env.es.index({
      index,
      id: stray,
      routing: other.id,
      version: 3,
      version_type: 'external',
      document: { ...(await documentOf(untouched!)), contact_id: stray, version: 3 },
    });
    await h.env.es.indices.refresh({ index });
    expect((await searchIndexDifferences(h.env, other.id)).length).toBe(4);

    const check = await h.operator('POST', '/v1/admin/search-index/reconcile', { workspaceId: other.id });
    expect(check.status).toBe(202);
    const report = (await waitForJob(check.body.id)).result;
    expect(report).toMatchObject({
      checked: 5,
      drift: { missing: 1, stale: 1, mismatched: 1, ahead: 0, extra: 1 },
      repaired: 0,
      samples: { missing: [missing], stale: [stale], mismatched: [mismatched], extra: [stray] },
      workspaces: { [other.id]: { postgres: 5, elasticsearch: 5 } },
    });
    expect((await searchIndexDifferences(h.env, other.id)).length).toBe(4); // a check changes nothing

    const fix = await h.operator('POST', '/v1/admin/search-index/reconcile', { workspaceId: other.id, repair: true });
    expect((await waitForJob(fix.body.id)).result).toMatchObject({ repaired: 4, unrepaired: 0 });
    expect(await searchIndexDifferences(h.env, other.id)).toEqual([]);
    const again = await h.operator('POST', '/v1/admin/search-index/reconcile', {});
    expect((await waitForJob(again.body.id)).result).toMatchObject({ drift: { missing: 0, stale: 0, mismatched: 0, ahead: 0, extra: 0 } });
  });

  test('operator routes refuse workspace keys and bad input', async () => {
    expect((await call('POST', '/v1/admin/search-index/reconcile', {})).status).toBe(401);
    const bad = await h.operator('POST', '/v1/admin/search-index/reconcile', { workspaceId: 'nope', repair: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.repair', 'body.workspaceId']);
  });
});
