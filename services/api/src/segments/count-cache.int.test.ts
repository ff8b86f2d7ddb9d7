// The count cache on the whole real path (HTTP -> Postgres -> relay -> Kafka -> indexer ->
// Elasticsearch, and the indexer's change notices back through Postgres): a repeated count is
// served from memory, a write elsewhere leaves it served, a write to the workspace replaces it
// once searchable, a consistency token always gets a count made after its write, and identical
// counts asked at once go to Elasticsearch once. How each count was answered is read from the
// api's own metric (segmenter_count_answers_total).
import { EVERY_WORKSPACE } from '@segmenter/shared';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { metricSample } from '../../../../test/support/metric-sample';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
let a: Workspace;
let b: Workspace;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true });
  a = await h.createWorkspace();
  b = await h.createWorkspace();
  for (const ws of [a, b]) {
    const batch = await h.request('POST', '/v1/contacts/batch-upsert', {
      key: ws.key,
      body: { matchBy: 'email', contacts: Array.from({ length: 5 }, (_, i) => ({ email: `c${i}@cache.example.com`, labels: { tier: 'gold' } })) },
    });
    expect(batch.status).toBe(200);
  }
  // Both workspaces searchable, and the indexer's last change notice read, before anything is counted.
  for (const ws of [a, b])
    await eventually(
      () => countOf(ws, 'label:tier = gold'),
      (n) => n === 5,
      30_000,
    );
  await noticesSettled();
});

/** Waits until the indexer has announced everything it wrote: no new change recorded for longer than its notice interval. */
async function noticesSettled() {
  const latest = async () => Number((await h.env.pool.query('select coalesce(max(seq), 0) as seq from search_index_changes')).rows[0].seq);
  let seen = -1;
  await eventually(
    async () => {
      const before = await latest();
      await new Promise((r) => setTimeout(r, h.env.config.indexer.changeNoticeMs * 1.5));
      seen = await latest();
      return seen === before;
    },
    (quiet) => quiet,
    30_000,
  );
  await h.api.countChanges.poll();
}
afterAll(async () => h?.stop());

async function count(ws: Workspace, text: string, extra: Record<string, unknown> = {}) {
  const res = await h.request('POST', '/v1/segments/count', { key: ws.key, body: { queries: [{ text }], ...extra } });
  expect(res.status).toBe(200);
  return res.body.results[0] as { total: number };
}
const countOf = async (ws: Workspace, text: string) => (await count(ws, text)).total;

/** How many counts the api answered each way so far. */
async function answers(): Promise<Record<'hit' | 'miss' | 'coalesced' | 'uncached', number>> {
  const text = await (await fetch(`${h.api.url}/metrics`)).text();
  const of = (outcome: string) => metricSample(text, 'segmenter_count_answers_total', { outcome }) ?? 0;
  return { hit: of('hit'), miss: of('miss'), coalesced: of('coalesced'), uncached: of('uncached') };
}

async function addContact(ws: Workspace, email: string) {
  const res = await h.request('POST', '/v1/contacts', { key: ws.key, body: { email, labels: { tier: 'gold' } } });
  expect(res.status).toBe(201);
  return res.headers.get('consistency-token')!;
}

/** Waits until the api has read a change of `ws` recorded after now (the indexer announced it). */
async function changeRead(ws: Workspace, write: () => Promise<unknown>) {
  const seqOf = async () => Number((await h.env.pool.query('select seq from search_index_changes where workspace_id = $1', [ws.id])).rows[0]?.seq ?? 0);
  const before = await seqOf();
  await write();
  await eventually(seqOf, (seq) => seq > before, 30_000);
  // Two polls of the watcher: the second one began after the row was committed.
  await h.api.countChanges.poll();
  await h.api.countChanges.poll();
}

test('a repeated count is served from the cache, and a write to another workspace leaves it served', async () => {
  const text = 'label:tier = gold AND email CONTAINS "cache"';
  const first = await countOf(a, text);
  const before = await answers();
  expect(await countOf(a, text)).toBe(first);
  const after = await answers();
  expect(after.hit - before.hit).toBe(1);
  expect(after.miss - before.miss).toBe(0);

  await changeRead(b, () => addContact(b, 'other@cache.example.com'));
  const beforeOther = await answers();
  expect(await countOf(a, text)).toBe(first);
  expect((await answers()).hit - beforeOther.hit).toBe(1);
});

test('a write to the workspace replaces its cached count once the write is searchable', async () => {
  const text = 'label:tier = gold AND email STARTS WITH "new"';
  expect(await countOf(a, text)).toBe(0);
  expect(await countOf(a, text)).toBe(0); // cached
  await changeRead(a, () => addContact(a, 'new1@cache.example.com'));
  const before = await answers();
  expect(await countOf(a, text)).toBe(1);
  expect((await answers()).miss - before.miss).toBe(1);
});

test('a count with a consistency token is made after the write, never taken from the cache', async () => {
  const text = 'label:tier = gold AND email STARTS WITH "token"';
  expect(await countOf(a, text)).toBe(0);
  expect(await countOf(a, text)).toBe(0); // cached under the state before the write
  const token = await addContact(a, 'token1@cache.example.com');
  const before = await answers();
  // Asked at once: the indexer has not announced the change yet, so the cached 0 is still valid for tokenless reads.
  const waited = await count(a, text, { consistencyToken: token, waitMs: 20_000 });
  expect(waited.total).toBe(1);
  const after = await answers();
  expect(after.hit - before.hit).toBe(0);
  expect(after.miss - before.miss).toBe(1);
});

test('identical counts asked at once go to Elasticsearch once', async () => {
  const text = 'label:tier = gold AND email CONTAINS "c1@"';
  const before = await answers();
  const totals = await Promise.all(Array.from({ length: 12 }, () => countOf(a, text)));
  expect(new Set(totals)).toEqual(new Set([1]));
  const after = await answers();
  expect(after.miss - before.miss).toBe(1);
  expect(after.coalesced + after.hit - before.coalesced - before.hit).toBe(11);
});

test('the same query twice in one request is searched once', async () => {
  const text = 'label:tier = gold AND email CONTAINS "c2@"';
  const before = await answers();
  const res = await h.request('POST', '/v1/segments/count', { key: a.key, body: { queries: [{ text }, { text }] } });
  expect(res.body.results.map((r: { total: number }) => r.total)).toEqual([1, 1]);
  expect((await answers()).miss - before.miss).toBe(1);
});

test('Cache-Control: no-cache counts in the search index, never from the cache', async () => {
  const text = 'label:tier = gold AND email CONTAINS "c3@"';
  expect(await countOf(a, text)).toBe(1);
  const before = await answers();
  const res = await h.request('POST', '/v1/segments/count', { key: a.key, body: { queries: [{ text }] }, headers: { 'cache-control': 'no-cache' } });
  expect(res.body.results[0].total).toBe(1);
  const after = await answers();
  expect(after.hit - before.hit).toBe(0);
  expect(after.miss - before.miss).toBe(1);
  // Any other directive leaves the cache in use.
  await h.request('POST', '/v1/segments/count', { key: a.key, body: { queries: [{ text }] }, headers: { 'cache-control': 'max-age=0, no-cache-please' } });
  expect((await answers()).hit - after.hit).toBe(1);
});

test('an indexer joining its group announces every workspace (a member that died took its unannounced changes with it)', async () => {
  const { rows } = await h.env.pool.query('select seq from search_index_changes where workspace_id = $1', [EVERY_WORKSPACE]);
  expect(rows).toHaveLength(1);
  expect(Number(rows[0].seq)).toBeGreaterThan(0);
});
