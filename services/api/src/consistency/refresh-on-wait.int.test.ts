// Reads waiting for their writes have the index refreshed instead of waiting for the scheduled
// refresh: proven on a real node with scheduled refreshes switched off (refresh_interval -1) and
// the indexer's own refresh (its change notices) pushed a minute away, so a write becomes visible
// only if the wait refreshes. The same wait without a refresher times out; with it, the write is found.
import { EVERY_WORKSPACE } from '@segmenter/shared';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';
import { decodeToken } from './consistency-token';
import { awaitSearchable } from './await-searchable';
import { createIndexRefresher } from './refresh-on-wait';

let h: ApiHarness;
let ws: Workspace;

beforeAll(async () => {
  h = await startApiHarness({
    relay: true,
    indexer: true,
    configure: (c) => ({ ...c, indexer: { ...c.indexer, changeNoticeMs: 60_000 } }),
  });
  ws = await h.createWorkspace();
  // The indexer announces (and refreshes) once when it joins its group; the next announcement is a
  // minute away. Once that first one is done, no refresh comes but the ones a wait asks for.
  await eventually(
    async () => (await h.env.pool.query('select count(*)::int as n from search_index_changes where workspace_id = $1', [EVERY_WORKSPACE])).rows[0].n,
    (n) => n > 0,
    30_000,
  );
  await h.env.es.indices.putSettings({ index: h.env.config.elasticsearch.contactsAlias, settings: { refresh_interval: '-1' } });
});
afterAll(async () => h?.stop());

/** A contact written through the api, and the versions its token names. */
async function written(email: string) {
  const res = await h.request('POST', '/v1/contacts', { key: ws.key, body: { email } });
  expect(res.status).toBe(201);
  const token = decodeToken(res.headers.get('consistency-token')!);
  if (!token || !('versions' in token)) throw new Error('expected a token with versions');
  // Indexed (a real-time GET reads it before any refresh), so only a refresh stands between it and searches.
  await eventually(() => h.env.es.exists({ index: h.env.config.elasticsearch.contactsAlias, id: res.body.id, routing: ws.id }), Boolean, 30_000);
  return token.versions;
}

test('without a refresh the wait times out; a wait that refreshes finds the write', async () => {
  const alias = h.env.config.elasticsearch.contactsAlias;
  const versions = await written('second@refresh.example.com');
  const unrefreshed = await awaitSearchable(h.env.es, alias, ws.id, versions, 1_500);
  expect(unrefreshed).toMatchObject({ consistent: false, pending: 1 });

  const refresher = createIndexRefresher({ es: h.env.es, alias, minIntervalMs: 100, log: h.env.log });
  const refreshed = await awaitSearchable(h.env.es, alias, ws.id, versions, 10_000, refresher);
  expect(refreshed).toMatchObject({ consistent: true, pending: 0 });
  expect(refresher.refreshes).toBeGreaterThanOrEqual(1);
});

test('a count through the api with a consistency token sees its write though no scheduled refresh comes', async () => {
  const res = await h.request('POST', '/v1/contacts', { key: ws.key, body: { email: 'third@refresh.example.com', labels: { wave: 'third' } } });
  expect(res.status).toBe(201);
  const token = res.headers.get('consistency-token')!;
  const count = await h.request('POST', '/v1/segments/count', {
    key: ws.key,
    body: { queries: [{ text: 'label:wave = third' }], consistencyToken: token, waitMs: 20_000 },
  });
  expect(count.status).toBe(200);
  expect(count.body.results[0].total).toBe(1);
});
