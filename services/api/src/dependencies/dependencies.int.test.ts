// What depends on what, as a client asks: GET /v1/dependencies for a tag, a label key, a custom
// field and a segment (direct and through other segments), and the dry runs of every delete and
// rename (?dryRun=true), which answer the segments touched with their counts and change nothing.
// Every endpoint is checked against a second workspace.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
const s: Record<string, { id: string; name: string }> = {};
let vip: string;

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}
async function segment(name: string, text: string) {
  const res = await call('POST', '/v1/segments', { name, text });
  expect(res.status).toBe(201);
  s[name] = { id: res.body.id, name };
}
const link = (name: string) => ({ id: s[name]!.id, name });
/** Everything a dry run must leave as it was: tags, definitions, segments, jobs and the outbox. */
async function stateOf(workspaceId: string) {
  const q = async (sql: string) => (await h.env.pool.query(sql, [workspaceId])).rows;
  return {
    tags: await q('select id, name, protected from tags where workspace_id = $1 order by id'),
    fields: await q('select key, type, pending_change from custom_field_definitions where workspace_id = $1 order by key'),
    segments: await q('select id, name, condition, broken, updated_at from segments where workspace_id = $1 order by id'),
    jobs: await q('select id from jobs where workspace_id = $1'),
    outbox: await q('select id from outbox where workspace_id = $1'),
    contactTags: await q('select contact_id, tag_id from contact_tags where workspace_id = $1 order by contact_id'),
    contacts: await q('select id, version, custom_fields from contacts where workspace_id = $1 order by id'),
  };
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  expect((await call('POST', '/v1/custom-fields', { key: 'plan', type: 'string' })).status).toBe(201);
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: Array.from({ length: 6 }, (_, i) => ({
      email: `d${i}@example.com`,
      labels: { source: i < 4 ? 'FB' : 'ads' },
      customFields: { plan: i < 2 ? 'pro' : 'free' },
    })),
  });
  const ids: string[] = batch.body.results.map((r: { id: string }) => r.id);
  vip = (await call('POST', '/v1/tags/bulk-add', { contactIds: ids.slice(0, 3), tags: ['VIP'], createMissing: true })).body.tagIds[0];
  // VIPs uses the tag; Pro VIPs refers to VIPs; Everyone refers to Pro VIPs (two steps away).
  await segment('VIPs', 'tag:VIP');
  await segment('Pro VIPs', `segment:${s['VIPs']!.id} AND custom:plan = pro`);
  await segment('Everyone', `segment:${s['Pro VIPs']!.id} OR label:source EXISTS`);
  await segment('From FB', 'label:source = FB');
  // The other workspace has a tag of the same name and a segment on the same label key.
  expect((await call('POST', '/v1/tags', { name: 'VIP' }, other.key)).status).toBe(201);
  expect((await call('POST', '/v1/segments', { name: 'Theirs', text: 'label:source EXISTS' }, other.key)).status).toBe(201);
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

describe('GET /v1/dependencies', () => {
  const dependencies = (query: string, key = ws.key) => call('GET', `/v1/dependencies?${query}`, undefined, key);

  test('a tag, by id or by name: the segments naming it, then those using them, with the way', async () => {
    const expected = {
      subject: { kind: 'tag', id: vip, name: 'VIP' },
      items: [
        { ...link('VIPs'), dependency: 'direct', via: [], broken: false },
        { ...link('Everyone'), dependency: 'indirect', via: [link('Pro VIPs')], broken: false },
        { ...link('Pro VIPs'), dependency: 'indirect', via: [link('VIPs')], broken: false },
      ],
    };
    for (const tag of [vip, vip.toUpperCase(), 'VIP']) {
      const res = await dependencies(`tag=${encodeURIComponent(tag)}`);
      expect([res.status, res.body]).toEqual([200, expected]);
    }
  });

  test('a label key (one no contact has is not an error), a custom field and a segment', async () => {
    const label = await dependencies('labelKey=source');
    expect(label.body).toEqual({
      subject: { kind: 'labelKey', key: 'source', contactCount: 6 },
      items: [
        { ...link('Everyone'), dependency: 'direct', via: [], broken: false },
        { ...link('From FB'), dependency: 'direct', via: [], broken: false },
      ],
    });
    expect((await dependencies('labelKey=nobody_has_it')).body).toEqual({ subject: { kind: 'labelKey', key: 'nobody_has_it', contactCount: 0 }, items: [] });
    const field = await dependencies('customField=plan');
    expect(field.body).toEqual({
      subject: { kind: 'customField', key: 'plan', type: 'string' },
      items: [
        { ...link('Pro VIPs'), dependency: 'direct', via: [], broken: false },
        { ...link('Everyone'), dependency: 'indirect', via: [link('Pro VIPs')], broken: false },
      ],
    });
    const seg = await dependencies(`segment=${s['VIPs']!.id}`);
    expect(seg.body).toEqual({
      subject: { kind: 'segment', ...link('VIPs') },
      items: [
        { ...link('Pro VIPs'), dependency: 'direct', via: [], broken: false },
        { ...link('Everyone'), dependency: 'indirect', via: [link('Pro VIPs')], broken: false },
      ],
    });
  });

  test.each([
    ['', 'query', 'must name exactly one of tag, labelKey, customField, segment'],
    ['tag=VIP&labelKey=source', 'query', 'must name exactly one of tag, labelKey, customField, segment'],
    ['segment=nope', 'query.segment', 'must be a segment id (UUID)'],
    ['customField=Plan', 'query.customField', expect.stringContaining('lower-case')],
    ['labelKey=bad%20key', 'query.labelKey', expect.any(String)],
    ['tagName=VIP', 'query', expect.stringContaining('tagName')],
  ])('?%s is a 400 naming %s', async (query, field, rule) => {
    const res = await dependencies(query);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field, rule });
  });

  test('unknown tags, custom fields and segments are 404s naming the parameter', async () => {
    for (const [query, field] of [
      ['tag=nope', 'query.tag'],
      ['customField=nope', 'query.customField'],
      [`segment=${vip}`, 'query.segment'],
    ]) {
      const res = await dependencies(query!);
      expect([res.status, res.body.errors[0]?.field]).toEqual([404, field]);
    }
  });

  test('another workspace sees only its own: our tag id is unknown there, its same-named tag and key have its own segments', async () => {
    expect((await dependencies(`tag=${vip}`, other.key)).status).toBe(404);
    expect((await dependencies(`segment=${s['VIPs']!.id}`, other.key)).status).toBe(404);
    expect((await dependencies('customField=plan', other.key)).status).toBe(404);
    const theirTag = await dependencies('tag=VIP', other.key);
    expect([theirTag.status, theirTag.body.subject.id === vip, theirTag.body.items]).toEqual([200, false, []]);
    const theirKey = (await dependencies('labelKey=source', other.key)).body;
    expect(theirKey.items.map((i: { name: string }) => i.name)).toEqual(['Theirs']);
    expect(theirKey.subject.contactCount).toBe(0);
  });
});

describe('dry runs change nothing and answer the segments touched with their counts', () => {
  const counted = (name: string, dependency: string, effect: string, total: number, via: string[] = []) => ({
    ...link(name),
    dependency,
    via: via.map(link),
    broken: false,
    effect,
    count: { total, sendable: expect.any(Object) },
    countProblem: null,
  });

  test('deleting a tag: without force the refusal is the 409; with force nothing is refused; either way the tag, segments, jobs and outbox stay', async () => {
    const before = await stateOf(ws.id);
    const refused = await call('DELETE', `/v1/tags/${vip}?dryRun=true`);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({
      dryRun: true,
      operation: 'tag.delete',
      subject: { kind: 'tag', id: vip, name: 'VIP' },
      refusal: expect.objectContaining({ status: 409, errors: expect.arrayContaining([expect.objectContaining({ field: 'params.id' })]) }),
      contactsAffected: 3,
      segments: [
        counted('VIPs', 'direct', 'marked_broken', 3),
        counted('Everyone', 'indirect', 'uses_broken', 6, ['Pro VIPs']),
        counted('Pro VIPs', 'indirect', 'uses_broken', 2, ['VIPs']),
      ],
      uncounted: 0,
    });
    const forced = await call('DELETE', `/v1/tags/${vip}?dryRun=true&force=true`);
    expect([forced.status, forced.body.refusal, forced.body.segments.length]).toEqual([200, null, 3]);
    expect(await stateOf(ws.id)).toEqual(before);
    // The same request without dryRun still behaves as before: a 409.
    expect((await call('DELETE', `/v1/tags/${vip}`)).status).toBe(409);
  });

  test('renaming a tag: the text of the segments naming it changes, no contact does', async () => {
    const before = await stateOf(ws.id);
    const res = await call('PATCH', `/v1/tags/${vip}?dryRun=true`, { name: 'Very Important' });
    expect(res.body).toMatchObject({ operation: 'tag.rename', refusal: null, contactsAffected: 0 });
    expect(res.body.segments.map((x: { name: string; effect: string }) => [x.name, x.effect])).toEqual([
      ['VIPs', 'text_changes'],
      ['Everyone', 'unchanged'],
      ['Pro VIPs', 'unchanged'],
    ]);
    expect(await stateOf(ws.id)).toEqual(before);
  });

  test('deleting and renaming a custom field; a rename onto a taken key is the refusal', async () => {
    expect((await call('POST', '/v1/custom-fields', { key: 'tier', type: 'string' })).status).toBe(201);
    const before = await stateOf(ws.id);
    const deletion = await call('DELETE', '/v1/custom-fields/plan?dryRun=true');
    expect(deletion.body).toMatchObject({
      operation: 'customField.delete',
      subject: { kind: 'customField', key: 'plan', type: 'string' },
      contactsAffected: 6,
    });
    expect(deletion.body.refusal.status).toBe(409);
    expect(deletion.body.segments).toEqual([
      counted('Pro VIPs', 'direct', 'marked_broken', 2),
      counted('Everyone', 'indirect', 'uses_broken', 6, ['Pro VIPs']),
    ]);
    const rename = await call('PATCH', '/v1/custom-fields/plan?dryRun=true', { key: 'plan_name' });
    expect(rename.body).toMatchObject({ operation: 'customField.rename', refusal: null, contactsAffected: 6 });
    expect(rename.body.segments.map((x: { effect: string }) => x.effect)).toEqual(['rewritten', 'unchanged']);
    const taken = await call('PATCH', '/v1/custom-fields/plan?dryRun=true', { key: 'tier' });
    expect(taken.body.refusal).toMatchObject({ status: 409, errors: [{ field: 'body.key', rule: 'must be unique in the workspace' }] });
    expect(await stateOf(ws.id)).toEqual(before);
  });

  test('deleting or changing a segment: those referring to it, with their counts', async () => {
    const before = await stateOf(ws.id);
    const deletion = await call('DELETE', `/v1/segments/${s['VIPs']!.id}?dryRun=true`);
    expect(deletion.body).toMatchObject({ operation: 'segment.delete', subject: { kind: 'segment', ...link('VIPs') }, contactsAffected: 0 });
    expect(deletion.body.refusal).toMatchObject({ status: 409 });
    expect(deletion.body.segments).toEqual([counted('Pro VIPs', 'direct', 'blocks', 2), counted('Everyone', 'indirect', 'unchanged', 6, ['Pro VIPs'])]);
    const leaf = await call('DELETE', `/v1/segments/${s['Everyone']!.id}?dryRun=true`);
    expect([leaf.body.refusal, leaf.body.segments]).toEqual([null, []]);
    const change = await call('PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { text: 'tag:VIP AND custom:plan = pro' });
    expect([change.body.refusal, change.body.segments.map((x: { effect: string }) => x.effect)]).toEqual([null, ['follows_change', 'follows_change']]);
    const rename = await call('PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { name: 'From FB' });
    expect(rename.body.refusal).toMatchObject({ status: 409, errors: [{ field: 'body.name', rule: 'must be unique in the workspace' }] });
    const effects = (res: { body: { segments: { effect: string }[] } }) => res.body.segments.map((x) => x.effect);
    expect(effects(rename)).toEqual(['unchanged', 'unchanged']);
    // A refused update still says what its condition would do to the segments using this one.
    const refusedChange = await call('PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { name: 'From FB', text: 'tag:VIP AND custom:plan = pro' });
    expect([refusedChange.body.refusal?.status, effects(refusedChange)]).toEqual([409, ['follows_change', 'follows_change']]);
    const refusedSame = await call('PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { name: 'From FB', text: 'tag:VIP' });
    expect([refusedSame.body.refusal?.status, effects(refusedSame)]).toEqual([409, ['unchanged', 'unchanged']]);
    expect(await stateOf(ws.id)).toEqual(before);
    // Invalid requests are refused as without dryRun.
    const invalid = await call('PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { text: 'tag:Nope' });
    expect(invalid.status).toBe(400);
    expect((await call('DELETE', `/v1/segments/${s['VIPs']!.id}?dryRun=maybe`)).body.errors).toEqual([
      { field: 'query.dryRun', rule: 'must be true or false' },
    ]);
  });

  test('another workspace cannot preview changes to ours', async () => {
    for (const [method, path, body] of [
      ['DELETE', `/v1/tags/${vip}?dryRun=true`],
      ['PATCH', `/v1/tags/${vip}?dryRun=true`, { name: 'x' }],
      ['DELETE', '/v1/custom-fields/plan?dryRun=true'],
      ['PATCH', '/v1/custom-fields/plan?dryRun=true', { key: 'x' }],
      ['DELETE', `/v1/segments/${s['VIPs']!.id}?dryRun=true`],
      ['PATCH', `/v1/segments/${s['VIPs']!.id}?dryRun=true`, { name: 'x' }],
    ] as const) {
      const res = await h.request(method, path, { key: other.key, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
  });
});

describe('when the counts cannot be made', () => {
  let limited: ApiHarness;
  afterAll(async () => limited?.stop());

  test('a dry run answers all the same: each counted segment has count null and the problem named by its own place', async () => {
    // A PREFIX count costs 6 points: more than the whole budget of 5, so the counter refuses the search.
    limited = await startApiHarness({ configure: (c) => ({ ...c, limits: { ...c.limits, searchCost: { ...c.limits.searchCost, points: 5 } } }) });
    const mine = await limited.createWorkspace();
    const ask = (method: string, path: string, body?: unknown) => limited.request(method, path, { key: mine.key, body });
    expect((await ask('POST', '/v1/segments', { name: 'F-ish', text: 'label:source PREFIX F' })).status).toBe(201);
    expect((await ask('POST', '/v1/segments', { name: 'FB', text: 'label:source = FB' })).status).toBe(201);
    const dry = await ask('POST', '/v1/labels/source/merge-values?dryRun=true', { from: ['FB'], to: 'facebook' });
    expect(dry.status).toBe(200);
    expect(dry.body.segments.map((x: any) => [x.name, x.count, x.countProblem?.status, x.countProblem?.errors.map((e: any) => e.field)])).toEqual([
      ['F-ish', null, 400, ['segments.0']],
      ['FB', null, 400, ['segments.1']],
    ]);
    expect(dry.body.segments[0].countProblem.errors[0].rule).toMatch(/search points/);
  });
});
