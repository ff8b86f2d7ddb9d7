// Label hygiene jobs as a client runs them: rename a key, merge values into one, across every
// contact of the workspace. The start lists the saved segments using the old key or values; the
// job rewrites Postgres with a version bump and events per contact, the search index follows;
// dry runs start nothing; a second job on the same key is a 409; other workspaces are untouched.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
let ids: string[];
let theirs: string;

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}
const labelsInPostgres = async (workspaceId: string) =>
  (await h.env.pool.query('select contact_id, key, value from contact_labels where workspace_id = $1 order by contact_id, key', [workspaceId])).rows.map(
    (r) => `${ids.indexOf(r.contact_id)}:${r.key}=${r.value}`,
  );
const versions = async () => (await h.env.pool.query('select id, version from contacts where workspace_id = $1 order by id', [ws.id])).rows;
const count = async (text: string) => (await call('POST', '/v1/segments/count', { queries: [{ text }] })).body.results[0].total;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  const sources = ['FB', 'fb', 'Facebook', 'ads', 'FB', 'facebook'];
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    // Contact 5 already has the new key: its own value must win when `source` is renamed onto it.
    contacts: sources.map((source, i) => ({ email: `l${i}@example.com`, labels: { source, ...(i === 5 ? { channel: 'web' } : {}) } })),
  });
  ids = batch.body.results.map((r: { id: string }) => r.id);
  const sorted = [...ids].sort();
  ids = sorted; // index = position in id order, as labelsInPostgres lists them
  // The other workspace: the same key and values, which no job of ours may touch.
  theirs = (await call('POST', '/v1/contacts', { email: 'x@example.com', labels: { source: 'FB' } }, other.key)).body.id;
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

test('merging values: the segments naming them are listed first, every contact rewritten, the index follows, segments rewritten on request', async () => {
  const fb = (await call('POST', '/v1/segments', { name: 'FB', text: 'label:source IN [FB, fb, Facebook]' })).body;
  const ads = (await call('POST', '/v1/segments', { name: 'Ads', text: 'label:source = ads' })).body;
  const prefix = (await call('POST', '/v1/segments', { name: 'F-ish', text: 'label:source PREFIX F' })).body;
  const before = await labelsInPostgres(ws.id);

  const dry = await call('POST', '/v1/labels/source/merge-values?dryRun=true', {
    from: ['FB', 'fb', 'Facebook', 'facebook'],
    to: 'facebook',
    updateSegments: true,
  });
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, operation: 'labelValues.merge', refusal: null, contactsAffected: 4 });
  expect(dry.body.segments.map((s: any) => [s.name, s.effect, s.count?.total])).toEqual([
    ['F-ish', 'follows_change', 3],
    ['FB', 'rewritten', 4],
  ]);
  expect(await labelsInPostgres(ws.id)).toEqual(before);
  expect((await call('GET', '/v1/jobs')).body.items).toEqual([]);

  const started = await call('POST', '/v1/labels/source/merge-values', { from: ['FB', 'fb', 'Facebook', 'facebook'], to: 'facebook', updateSegments: true });
  expect(started.status).toBe(202);
  expect(started.headers.get('location')).toBe(`/v1/jobs/${started.body.job.id}`);
  expect(started.body).toMatchObject({ contactsAffected: 4, job: { type: 'label_values.merge', total: 4 } });
  expect(started.body.segments.map((s: any) => [s.id, s.dependency, s.effect])).toEqual([
    [prefix.id, 'direct', 'follows_change'],
    [fb.id, 'direct', 'rewritten'],
  ]);
  const versionsBefore = new Map((await versions()).map((r) => [r.id, Number(r.version)]));
  const job = await h.jobEnded(ws.key, started.body.job.id);
  expect(job).toMatchObject({ status: 'succeeded', done: 4, result: { changed: 4, segmentsRewritten: [{ id: fb.id, name: 'FB' }] } });
  const sourceOf = async (i: number) => (await call('GET', `/v1/contacts/${ids[i]}`)).body.labels.source;
  const values = await Promise.all(ids.map((_, i) => sourceOf(i)));
  expect(values.filter((v) => v === 'facebook')).toHaveLength(5);
  expect(values.filter((v) => v === 'ads')).toHaveLength(1);
  // One version bump per changed contact, none for the others.
  for (const r of await versions()) {
    const bumped = Number(r.version) - versionsBefore.get(r.id)!;
    expect(bumped).toBe(['FB', 'fb', 'Facebook'].includes(before.find((l) => l.startsWith(`${ids.indexOf(r.id)}:source=`))!.split('=')[1]!) ? 1 : 0);
  }
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await count('label:source = facebook')).toBe(5);
  expect(await count('label:source IN [FB, fb, Facebook]')).toBe(0);
  expect((await call('GET', `/v1/segments/${fb.id}`)).body.text).toBe('label:source IN [facebook]');
  expect((await call('GET', `/v1/segments/${ads.id}`)).body.text).toBe('label:source = ads');
  expect((await call('GET', `/v1/contacts/${theirs}`, undefined, other.key)).body.labels).toEqual({ source: 'FB' });
});

test('renaming a key: a contact that already has the new key keeps its value there; segments are listed, and left alone without updateSegments', async () => {
  const users = (await call('POST', '/v1/segments', { name: 'Has source', text: 'label:source EXISTS' })).body;
  const started = await call('POST', '/v1/labels/source/rename', { to: 'channel' });
  expect(started.status).toBe(202);
  expect(started.body.segments.map((s: any) => [s.name, s.effect])).toEqual([
    ['Ads', 'stale'],
    ['F-ish', 'stale'],
    ['FB', 'stale'],
    ['Has source', 'stale'],
  ]);
  const job = await h.jobEnded(ws.key, started.body.job.id);
  expect(job).toMatchObject({ status: 'succeeded', done: 6, result: { changed: 6, keptTargetValue: 1, segmentsRewritten: null } });
  expect(job.result.keptTargetSamples).toEqual([{ contactId: expect.any(String), droppedValue: 'facebook' }]);
  const labels = await labelsInPostgres(ws.id);
  expect(labels.filter((l) => l.includes(':source='))).toEqual([]);
  expect(labels.filter((l) => l.endsWith(':channel=web'))).toHaveLength(1);
  expect(labels.filter((l) => l.includes(':channel='))).toHaveLength(6);
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await count('label:channel EXISTS')).toBe(6);
  expect(await count('label:source EXISTS')).toBe(0);
  expect((await call('GET', `/v1/segments/${users.id}`)).body.text).toBe('label:source EXISTS');
  expect((await call('GET', `/v1/contacts/${theirs}`, undefined, other.key)).body.labels).toEqual({ source: 'FB' });
});

test('a second job on a key being changed is a 409; bad inputs are 400s naming the field; another workspace sees none of it', async () => {
  // No runner picks it up until the test lets it: the job stays queued.
  await h.api.jobs.stop();
  try {
    const first = await call('POST', '/v1/labels/channel/rename', { to: 'medium' });
    expect(first.status).toBe(202);
    for (const [path, body] of [
      ['/v1/labels/channel/merge-values', { from: ['web'], to: 'Web' }],
      ['/v1/labels/medium/rename', { to: 'other' }],
      ['/v1/labels/other/rename', { to: 'channel' }],
    ] as const) {
      const res = await call('POST', path, body);
      expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 409, 'params.key']);
      const dry = await call('POST', `${path}?dryRun=true`, body);
      expect([path, dry.status, dry.body.refusal?.status]).toEqual([path, 200, 409]);
    }
    // Another workspace's keys of the same names are its own.
    const theirJob = await call('POST', '/v1/labels/source/rename', { to: 'channel' }, other.key);
    expect(theirJob.status).toBe(202);
    expect((await call('GET', `/v1/jobs/${first.body.job.id}`, undefined, other.key)).status).toBe(404);
    h.api.jobs.start();
    expect((await h.jobEnded(ws.key, first.body.job.id)).status).toBe('succeeded');
  } finally {
    h.api.jobs.start();
  }
  for (const [path, body, field] of [
    ['/v1/labels/tier/rename', { to: 'tier' }, 'body.to'],
    ['/v1/labels/tier/rename', {}, 'body.to'],
    ['/v1/labels/tier/rename', { to: 'bad key' }, 'body.to'],
    ['/v1/labels/tier/rename', { to: 'x', extra: 1 }, 'body'],
    ['/v1/labels/tier/merge-values', { from: [], to: 'x' }, 'body.from'],
    ['/v1/labels/tier/merge-values', { from: ['x'], to: 'x' }, 'body.from'],
    ['/v1/labels/tier/merge-values', { from: ['x '], to: 'y' }, 'body.from.0'],
    ['/v1/labels/tier/merge-values', { from: ['x'] }, 'body.to'],
    ['/v1/labels/bad%20key/rename', { to: 'x' }, 'params.key'],
    ['/v1/labels/tier/rename?dryRun=yes', { to: 'x' }, 'query.dryRun'],
  ] as const) {
    const res = await call('POST', path, body);
    expect([path, JSON.stringify(body), res.status, res.body.errors?.[0]?.field]).toEqual([path, JSON.stringify(body), 400, field]);
  }
  // Their rename ran on their contact only.
  await eventuallyLabels(other.key, theirs, { channel: 'FB' });
});

async function eventuallyLabels(key: string, id: string, expected: Record<string, string>) {
  for (let i = 0; i < 100; i++) {
    const labels = (await call('GET', `/v1/contacts/${id}`, undefined, key)).body.labels;
    if (JSON.stringify(labels) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`labels of ${id} never became ${JSON.stringify(expected)}`);
}

test('keys special to JavaScript are ordinary keys: __proto__ renamed to prototype, constructor values merged', async () => {
  const contact = (await call('POST', '/v1/contacts', { email: 'proto@example.com', labels: { ['__proto__']: 'x', constructor: 'A' } })).body;
  expect(contact.labels).toEqual(
    Object.fromEntries([
      ['__proto__', 'x'],
      ['constructor', 'A'],
    ]),
  );
  const rename = await call('POST', '/v1/labels/__proto__/rename', { to: 'prototype' });
  expect(rename.status).toBe(202);
  expect((await h.jobEnded(ws.key, rename.body.job.id)).status).toBe('succeeded');
  const merge = await call('POST', '/v1/labels/constructor/merge-values', { from: ['A'], to: 'B' });
  expect((await h.jobEnded(ws.key, merge.body.job.id)).status).toBe('succeeded');
  expect((await call('GET', `/v1/contacts/${contact.id}`)).body.labels).toEqual({ constructor: 'B', prototype: 'x' });
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await count('label:prototype = x AND label:constructor = B')).toBe(1);
});
