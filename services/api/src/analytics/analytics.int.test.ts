// The analytics endpoints over HTTP on the whole real path (writes flow through the outbox, Kafka
// and the indexer; the numbers come from Elasticsearch aggregations), each checked against the same
// numbers computed in SQL from Postgres on randomized data. Reproduce a failure with the seed in
// its describe name: ANALYTICS_SEED=<seed> npx jest services/api/src/analytics/analytics.int.test.ts
import { EMAIL_STATUSES, PHONE_STATUSES } from '@segmenter/shared';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectPagingChecks, walkList } from '../../../../test/support/list-pages';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { bucketCount, Interval } from './analytics-calendar';

const SEED = process.env.ANALYTICS_SEED !== undefined ? Number(process.env.ANALYTICS_SEED) : Math.floor(Math.random() * 2 ** 31);

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    int: (n: number) => Math.floor(next() * n),
  };
}

const CONTACTS = 400;
const TAG_NAMES = ['alpha', 'Beta', 'gamma', 'hot lead', 'Ünïcode', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'unused-1', 'unused-2'];
const USED_TAGS = TAG_NAMES.slice(0, 10);
/** Many values, some that sort oddly: `=` inside a value, non-ASCII, a prefix of another. */
const CITIES = [...Array.from({ length: 40 }, (_, i) => `city-${String(i).padStart(2, '0')}`), 'São Paulo', 'Zürich', 'a=b', 'a', 'a b', 'city'];
const CREATED_FROM = Date.parse('2024-03-01T00:00:00Z');
const CREATED_SPAN = Date.parse('2024-05-01T00:00:00Z') - CREATED_FROM;

let h: ApiHarness;
let a: Workspace;
let b: Workspace;
const segmentsOfA: Record<string, string> = {};
let segmentOfB = '';

const get = (path: string, key = a.key) => h.request('GET', path, { key });
const call = (method: string, path: string, body?: unknown, key = a.key) => h.request(method, path, { key, body });
async function ok(path: string, key = a.key) {
  const res = await get(path, key);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const rows = async <T = any>(text: string, values: unknown[]): Promise<T[]> => (await h.env.pool.query(text, values)).rows;
/** Elasticsearch orders keywords by their UTF-8 bytes. */
const byBytes = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

async function seedWorkspaceA() {
  const random = generator(SEED);
  expect((await call('POST', '/v1/custom-fields', { key: 'score', type: 'number' })).status).toBe(201);
  for (const name of TAG_NAMES) expect((await call('POST', '/v1/tags', { name })).status).toBe(201);
  const contacts = Array.from({ length: CONTACTS }, (_, i) => {
    const hasEmail = random.chance(0.75);
    const hasPhone = !hasEmail || random.chance(0.5);
    const labels: Record<string, string> = {};
    if (random.chance(0.7)) labels.tier = random.pick(['gold', 'silver', 'bronze']);
    if (random.chance(0.6)) labels.city = random.pick(CITIES);
    // Keys that share `tier` as a prefix: their terms sort right before and right after tier's.
    if (random.chance(0.2)) labels['tier-x'] = 'z';
    if (random.chance(0.2)) labels.tier_x = 'y';
    // An own "__proto__" key (an assignment would set the object's prototype instead).
    if (random.chance(0.05)) Object.defineProperty(labels, '__proto__', { value: 'p', enumerable: true });
    return {
      ...(hasEmail ? { email: `c${i}@a.example.com` } : {}),
      ...(hasPhone ? { phone: `+1415555${String(1000 + i).padStart(4, '0')}` } : {}),
      // Statuses are set whether or not the contact has the channel: without it, it must not be counted.
      emailStatus: random.chance(0.6) ? 'active' : random.pick(EMAIL_STATUSES),
      phoneStatus: random.chance(0.6) ? 'active' : random.pick(PHONE_STATUSES),
      tags: USED_TAGS.filter(() => random.chance(0.3)),
      labels,
      customFields: { score: random.int(101) },
      createdAt: new Date(CREATED_FROM + random.int(CREATED_SPAN)).toISOString(),
    };
  });
  const ids: string[] = [];
  for (const matchBy of ['email', 'phone'] as const) {
    const batch = contacts.filter((c) => (matchBy === 'email' ? c.email : !c.email));
    const res = await call('POST', '/v1/contacts/batch-upsert', { matchBy, contacts: batch });
    expect(res.status).toBe(200);
    expect(res.body.results.filter((r: { status: string }) => r.status === 'error')).toEqual([]);
    ids.push(...res.body.results.map((r: { id: string }) => r.id));
  }
  // Deleted contacts are in no number.
  for (const id of ids.filter(() => random.chance(0.03))) expect((await call('DELETE', `/v1/contacts/${id}`)).status).toBe(200);

  const save = async (name: string, query: object) => {
    const res = await call('POST', '/v1/segments', { name, ...query });
    expect([name, res.status]).toEqual([name, 201]);
    segmentsOfA[name] = res.body.id;
  };
  await save('gold', { text: 'label:tier = gold' });
  await save('hot', { text: 'tag:"hot lead" OR tag:"Ünïcode"' }); // tags by name
  // A saved segment inside another, and a custom field.
  await save('gold and scored', { text: `segment:${segmentsOfA.gold} AND custom:score >= 50` });
  await save('reachable', { text: 'sendable:email OR sendable:phone' });
}

async function seedWorkspaceB() {
  await call(
    'POST',
    '/v1/contacts/batch-upsert',
    {
      matchBy: 'email',
      createMissing: true,
      contacts: Array.from({ length: 5 }, (_, i) => ({ email: `b${i}@b.example.com`, tags: ['b-only', 'alpha'], labels: { b_key: `v${i}`, tier: 'gold' } })),
    },
    b.key,
  );
  const saved = await call('POST', '/v1/segments', { name: 'b gold', text: 'label:tier = gold' }, b.key);
  expect(saved.status).toBe(201);
  segmentOfB = saved.body.id;
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  [a, b] = [await h.createWorkspace(), await h.createWorkspace()];
  await seedWorkspaceA();
  await seedWorkspaceB();
  await expectSearchIndexConverges(h.env, a.id);
  await expectSearchIndexConverges(h.env, b.id);
}, 180_000);
afterAll(async () => h?.stop());

/** The live contacts of a workspace, or of a segment's members (ids from the reference count path). */
type Scope = { workspaceId: string; ids?: string[] };
const inScope = (alias: string) => `${alias}workspace_id = $1 and ${alias}deleted_at is null and ($2::uuid[] is null or ${alias}id = any($2::uuid[]))`;
const scopeValues = (s: Scope) => [s.workspaceId, s.ids ?? null];

/** A saved segment's members, read through the member stream (the segment engine's own list). */
async function membersOf(segmentId: string, key = a.key): Promise<string[]> {
  const res = await get(`/v1/segments/${segmentId}/members?format=ndjson&fields=id`, key);
  expect(res.status).toBe(200);
  return String(res.body ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).id as string);
}

async function expectedChannels(scope: Scope) {
  const [{ n: total }] = await rows(`select count(*)::int as n from contacts c where ${inScope('c.')}`, scopeValues(scope));
  const channel = async (name: 'email' | 'phone', statuses: readonly string[]) => {
    const found = await rows<{ status: string; n: number }>(
      `select c.${name}_status as status, count(*)::int as n from contacts c where ${inScope('c.')} and c.${name} is not null group by 1`,
      scopeValues(scope),
    );
    const byStatus = Object.fromEntries(found.map((r) => [r.status, r.n]));
    return {
      contacts: found.reduce((sum, r) => sum + r.n, 0),
      statuses: Object.fromEntries(statuses.map((s) => [s, byStatus[s] ?? 0])),
      sendable: byStatus.active ?? 0,
    };
  };
  return { total, channels: { email: await channel('email', EMAIL_STATUSES), phone: await channel('phone', PHONE_STATUSES) } };
}

async function expectedTags(scope: Scope) {
  return rows<{ id: string; name: string; contactCount: number }>(
    `select t.id, t.name, count(c.id)::int as "contactCount" from tags t
       left join contact_tags ct on ct.tag_id = t.id
       left join contacts c on c.id = ct.contact_id and ${inScope('c.')}
      where t.workspace_id = $1 group by t.id, t.name`,
    scopeValues(scope),
  );
}

async function expectedLabelCounts(scope: Scope, key?: string) {
  const column = key === undefined ? 'l.key' : 'l.value';
  const found = await rows<{ k: string; n: number }>(
    `select ${column} as k, count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id
      where ${inScope('c.')} and ($3::text is null or l.key = $3) group by 1`,
    [...scopeValues(scope), key ?? null],
  );
  return found.sort((x, y) => byBytes(x.k, y.k));
}

describe(`analytics against SQL on randomized data (seed ${SEED})`, () => {
  test('channels: per channel only the contacts that have it, per status and sendable; within a segment too', async () => {
    const all = await ok('/v1/analytics/channels');
    expect({ total: all.total, channels: all.channels }).toEqual(await expectedChannels({ workspaceId: a.id }));
    // Not every contact has a phone: the phone numbers are not the workspace's.
    expect(all.channels.phone.contacts).toBeLessThan(all.total);
    expect(all.channels.email.contacts + all.channels.phone.contacts).toBeGreaterThan(all.total);
    expect(all.freshness).toMatchObject({ lagMs: expect.any(Number), pendingChanges: expect.any(Number), asOf: expect.any(String) });
    expect(all.tookMs).toEqual(expect.any(Number));
    for (const name of ['gold', 'reachable'] as const) {
      const id = segmentsOfA[name]!;
      const within = await ok(`/v1/analytics/channels?segmentId=${id}`);
      expect(within.segment).toEqual({ id, name });
      expect({ total: within.total, channels: within.channels }).toEqual(await expectedChannels({ workspaceId: a.id, ids: await membersOf(id) }));
    }
  });

  test('GET /v1/counts counts statuses only for contacts that have the channel, and says how fresh it is', async () => {
    const counts = await ok('/v1/counts');
    const expected = await expectedChannels({ workspaceId: a.id });
    const present = (statuses: Record<string, number>) => Object.fromEntries(Object.entries(statuses).filter(([, n]) => n > 0));
    expect(counts.emailStatus).toEqual(present(expected.channels.email.statuses));
    expect(counts.phoneStatus).toEqual(present(expected.channels.phone.statuses));
    expect(counts.sendable).toEqual({ email: expected.channels.email.sendable, phone: expected.channels.phone.sendable });
    expect(Object.values(counts.phoneStatus as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(expected.channels.phone.contacts);
    expect(counts.freshness).toMatchObject({ lagMs: expect.any(Number), pendingChanges: expect.any(Number), asOf: expect.any(String) });
  });

  test('tags by count (most first, then name) and by name, every page walked: each tag once, zero-count tags included', async () => {
    const expected = await expectedTags({ workspaceId: a.id });
    const byCount = await walkList(h, a.key, '/v1/analytics/tags', 3);
    const ranked = [...expected].sort((x, y) => y.contactCount - x.contactCount || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    expect(byCount.items).toEqual(ranked);
    expect(byCount.pages.length).toBe(Math.ceil(TAG_NAMES.length / 3));
    expect(byCount.items.filter((t) => t.name.startsWith('unused-')).map((t) => t.contactCount)).toEqual([0, 0]);
    const byName = await walkList(h, a.key, '/v1/analytics/tags?sort=name', 5);
    const inNameOrder = await rows<{ name: string }>('select name from tags where workspace_id = $1 order by name', [a.id]);
    expect(byName.items.map((t) => t.name)).toEqual(inNameOrder.map((t) => t.name));
    expect(byName.items.sort((x, y) => x.id.localeCompare(y.id))).toEqual(expected.sort((x, y) => x.id.localeCompare(y.id)));
    const hot = segmentsOfA.hot!;
    const within = await walkList(h, a.key, `/v1/analytics/tags?segmentId=${hot}&sort=name`, 100);
    const expectedWithin = await expectedTags({ workspaceId: a.id, ids: await membersOf(hot) });
    expect(new Map(within.items.map((t) => [t.id, t.contactCount]))).toEqual(new Map(expectedWithin.map((t) => [t.id, t.contactCount])));
  });

  test('label keys, and one key with many values walked page by page (composite after_key): none twice, none missing', async () => {
    const keys = await walkList(h, a.key, '/v1/analytics/labels', 2);
    expect(keys.items).toEqual((await expectedLabelCounts({ workspaceId: a.id })).map((r) => ({ key: r.k, contactCount: r.n })));
    for (const [key, limit] of [
      ['city', 7],
      ['tier', 1],
      ['tier-x', 1],
      ['__proto__', 2],
    ] as const) {
      const values = await walkList(h, a.key, `/v1/analytics/labels/${key}/values`, limit);
      const expected = (await expectedLabelCounts({ workspaceId: a.id }, key)).map((r) => ({ value: r.k, contactCount: r.n }));
      expect([key, values.items]).toEqual([key, expected]);
    }
    const first = await ok('/v1/analytics/labels/city/values?limit=5');
    const [{ n: total }] = await rows('select count(*)::int as n from contacts where workspace_id = $1 and deleted_at is null', [a.id]);
    const [{ n: withCity }] = await rows(
      "select count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id where l.workspace_id = $1 and l.key = 'city' and c.deleted_at is null",
      [a.id],
    );
    expect([first.key, first.total, first.contactsWithKey]).toEqual(['city', total, withCity]);
  });

  test("a segment's count split by a label key: the values of its members, and the members without the key", async () => {
    const hot = segmentsOfA.hot!;
    const members = await membersOf(hot);
    const split = await walkList(h, a.key, `/v1/analytics/labels/tier/values?segmentId=${hot}`, 2);
    const expected = (await expectedLabelCounts({ workspaceId: a.id, ids: members }, 'tier')).map((r) => ({ value: r.k, contactCount: r.n }));
    expect(split.items).toEqual(expected);
    const page = await ok(`/v1/analytics/labels/tier/values?segmentId=${hot}`);
    expect(page.total).toBe(members.length);
    expect(page.contactsWithKey).toBe(expected.reduce((sum, v) => sum + v.contactCount, 0));
    expect(page.segment).toEqual({ id: hot, name: 'hot' });
    const keys = await ok(`/v1/analytics/labels?segmentId=${hot}&limit=1000`);
    expect(keys.items).toEqual((await expectedLabelCounts({ workspaceId: a.id, ids: members })).map((r) => ({ key: r.k, contactCount: r.n })));
  });

  /** Every bucket start from `from` to `to`, as the calendar has them (weeks from Monday). */
  function bucketStarts(interval: Interval, from: string, to: string): string[] {
    const start = new Date(`${from}T00:00:00Z`);
    if (interval === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
    if (interval === 'month') start.setUTCDate(1);
    const dates: string[] = [];
    for (const d = start; d.toISOString().slice(0, 10) <= to;) {
      dates.push(d.toISOString().slice(0, 10));
      if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1);
      else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7);
      else d.setUTCMonth(d.getUTCMonth() + 1);
    }
    return dates;
  }

  test.each([
    ['day', 'Europe/Paris', '2024-03-01', '2024-04-30'],
    ['day', 'America/New_York', '2024-02-20', '2024-03-15'],
    ['week', 'Asia/Kolkata', '2024-03-06', '2024-05-10'],
    ['month', 'UTC', '2024-01-15', '2024-06-01'],
    ['month', 'Pacific/Kiritimati', '2024-03-01', '2024-04-30'],
  ] as const)('contacts created per %s in %s from %s to %s: every bucket, empty ones too, equal to SQL', async (interval, timeZone, from, to) => {
    const res = await ok(`/v1/analytics/contacts-created?interval=${interval}&timeZone=${timeZone}&from=${from}&to=${to}`);
    const counted = await rows<{ d: string; n: number }>(
      `select to_char(date_trunc($2, created_at at time zone $3), 'YYYY-MM-DD') as d, count(*)::int as n from contacts
        where workspace_id = $1 and deleted_at is null
          and created_at >= ($4::date::timestamp at time zone $3) and created_at < (($5::date + 1)::timestamp at time zone $3)
        group by 1`,
      [a.id, interval, timeZone, from, to],
    );
    const expected = new Map(counted.map((r) => [r.d, r.n]));
    const dates = bucketStarts(interval, from, to);
    expect(dates.length).toBe(bucketCount(interval, from, to));
    expect(res.buckets.map((bucket: { date: string; count: number }) => [bucket.date, bucket.count])).toEqual(dates.map((d) => [d, expected.get(d) ?? 0]));
    expect(res.total).toBe(counted.reduce((sum, r) => sum + r.n, 0));
    expect([res.interval, res.timeZone, res.from, res.to]).toEqual([interval, timeZone, from, to]);
  });

  test("many saved segments' counts in one call equal POST /v1/segments/count's, and every page of them is walked", async () => {
    const ids = Object.values(segmentsOfA);
    const named = await ok(`/v1/analytics/segments?ids=${ids.join(',')}`);
    const reference = await call('POST', '/v1/segments/count', { queries: ids.map((segmentId) => ({ segmentId })) });
    expect(named.items.map((i: { id: string; total: number; sendable: object }) => ({ total: i.total, sendable: i.sendable }))).toEqual(reference.body.results);
    expect(named.items.map((i: { name: string }) => i.name)).toEqual(Object.keys(segmentsOfA));
    expect(named.nextCursor).toBeNull();
    const [{ n: gold }] = await rows(
      "select count(*)::int as n from contact_labels l join contacts c on c.id = l.contact_id where l.workspace_id = $1 and l.key = 'tier' and l.value = 'gold' and c.deleted_at is null",
      [a.id],
    );
    expect(named.items[0].total).toBe(gold);
    // An id typed in capitals is the same segment, and a repeated one is answered in each place.
    const again = await ok(`/v1/analytics/segments?ids=${ids[0]!.toUpperCase()},${ids[0]}`);
    expect(again.items.map((i: { total: number }) => i.total)).toEqual([gold, gold]);
    const pages = await walkList(h, a.key, '/v1/analytics/segments', 3);
    expect(pages.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(pages.items.map((i) => i.name)).toEqual(Object.keys(segmentsOfA).sort());
  });

  test('a broken segment answers its problem in its place; the others are counted', async () => {
    const tag = await call('POST', '/v1/tags', { name: 'doomed' });
    const broken = await call('POST', '/v1/segments', { name: 'doomed segment', text: 'tag:doomed' });
    const removal = await call('DELETE', `/v1/tags/${tag.body.id}?force=true`);
    expect((await h.jobEnded(a.key, removal.body.id)).status).toBe('succeeded');
    const res = await ok(`/v1/analytics/segments?ids=${segmentsOfA.gold},${broken.body.id}`);
    expect(res.items[0]).toMatchObject({ id: segmentsOfA.gold, total: expect.any(Number) });
    expect(res.items[1]).toEqual({
      id: broken.body.id,
      name: 'doomed segment',
      problem: expect.objectContaining({ status: 409, errors: [expect.objectContaining({ field: 'query.ids.1.segmentId' })] }),
    });
    // Narrowed to it, a breakdown is the 409 itself.
    expect((await get(`/v1/analytics/channels?segmentId=${broken.body.id}`)).status).toBe(409);
    expect((await call('DELETE', `/v1/segments/${broken.body.id}`)).status).toBe(204);
  });
});

describe('tenant isolation: a key sees its own workspace, whatever ids it passes', () => {
  test("B's numbers are B's alone", async () => {
    expect(await ok('/v1/analytics/channels', b.key)).toMatchObject(await expectedChannels({ workspaceId: b.id }));
    const tags = await ok('/v1/analytics/tags', b.key);
    expect(tags.items.map((t: { name: string; contactCount: number }) => [t.name, t.contactCount]).sort()).toEqual([
      ['alpha', 5],
      ['b-only', 5],
    ]);
    expect((await ok('/v1/analytics/labels', b.key)).items).toEqual([
      { key: 'b_key', contactCount: 5 },
      { key: 'tier', contactCount: 5 },
    ]);
    expect((await ok('/v1/analytics/labels/tier/values', b.key)).items).toEqual([{ value: 'gold', contactCount: 5 }]);
    const created = await ok(`/v1/analytics/contacts-created?from=2024-03-01&to=2024-04-30`, b.key);
    expect(created.total).toBe(0); // B's contacts were created today
    expect((await ok(`/v1/analytics/segments`, b.key)).items).toEqual([{ id: segmentOfB, name: 'b gold', total: 5, sendable: { email: 5, phone: 0 } }]);
  });

  test("A's key never reads B's label values, and neither key can narrow to the other's segment", async () => {
    expect(await ok('/v1/analytics/labels/b_key/values')).toMatchObject({ items: [], contactsWithKey: 0 });
    const paths = [
      '/v1/analytics/channels',
      '/v1/analytics/tags',
      '/v1/analytics/labels',
      '/v1/analytics/labels/tier/values',
      '/v1/analytics/contacts-created?from=2024-03-01&to=2024-03-02&',
    ];
    for (const [key, foreign] of [
      [a.key, segmentOfB],
      [b.key, segmentsOfA.gold!],
    ]) {
      for (const path of paths) {
        const res = await get(`${path}${path.includes('?') ? '' : '?'}segmentId=${foreign}`, key);
        expect([path, res.status, res.body.errors]).toEqual([
          path,
          404,
          [{ field: 'query.segmentId', rule: 'must name an existing resource of this workspace' }],
        ]);
      }
    }
    const counted = await get(`/v1/analytics/segments?ids=${segmentsOfA.gold},${segmentOfB}`, a.key);
    expect([counted.status, counted.body.errors]).toEqual([404, [{ field: 'query.ids.1', rule: `names no saved segment of this workspace (${segmentOfB})` }]]);
  });
});

describe('read your writes and freshness', () => {
  test('a Consistency-Token makes the write visible; a bad token is a 400 naming it', async () => {
    const before = await ok('/v1/analytics/channels');
    const write = await call('POST', '/v1/contacts', { phone: '+14155559999', phoneStatus: 'opted_out' });
    const token = write.headers.get('consistency-token')!;
    const after = await ok(`/v1/analytics/channels?consistencyToken=${encodeURIComponent(token)}&waitMs=20000`);
    expect(after.channels.phone.statuses.opted_out).toBe(before.channels.phone.statuses.opted_out + 1);
    expect(after.consistency).toEqual({ waitedMs: expect.any(Number) });
    const bad = await get('/v1/analytics/tags?consistencyToken=nope');
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'query.consistencyToken']);
    const foreign = await get(`/v1/analytics/labels?consistencyToken=${encodeURIComponent(token)}`, b.key);
    expect([foreign.status, foreign.body.errors]).toEqual([400, [{ field: 'query.consistencyToken', rule: 'was issued for a write in another workspace' }]]);
  });
});

describe('bad input: a 400 naming the field and the rule, never a 5xx', () => {
  const UUID = '00000000-0000-4000-8000-000000000000';
  const cursorOf = (...parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  test.each([
    ['/v1/analytics/channels?segmentId=x', 400, 'query.segmentId', 'must be a saved segment id (UUID)'],
    ['/v1/analytics/channels?segment=x', 400, 'query', 'Unrecognized key: "segment"'],
    ['/v1/analytics/channels?waitMs=-1', 400, 'query.waitMs', 'must be at least 0'],
    [`/v1/analytics/channels?segmentId=${UUID}`, 404, 'query.segmentId', 'must name an existing resource of this workspace'],
    ['/v1/analytics/tags?sort=popularity', 400, 'query.sort', 'must be count (most contacts first) or name'],
    [`/v1/analytics/tags?cursor=${cursorOf('analytics/tags/name', 'alpha')}`, 400, 'query.cursor', 'must be a cursor returned by this endpoint'],
    [
      `/v1/analytics/tags?cursor=${cursorOf('analytics/labels', '3', 'alpha')}`,
      400,
      'query.cursor',
      'was made for another list (analytics/labels); pass a cursor from this endpoint',
    ],
    [
      '/v1/analytics/contacts-created?from=2024-03-01&to=2024-03-02&timeZone=asia/kolkata',
      400,
      'query.timeZone',
      'is not a time zone the search index knows (names are case-sensitive, such as Europe/Paris)',
    ],
    [`/v1/analytics/tags?cursor=${cursorOf('analytics/tags/count', 'many', 'alpha')}`, 400, 'query.cursor', 'must be a cursor returned by this endpoint'],
    [`/v1/analytics/tags?cursor=${cursorOf('analytics/tags/count', '1e3', 'alpha')}`, 400, 'query.cursor', 'must be a cursor returned by this endpoint'],
    [`/v1/analytics/tags?sort=name&cursor=${cursorOf('analytics/tags/name', 'a\u0000')}`, 400, 'query.cursor', 'must be a cursor returned by this endpoint'],
    [
      `/v1/analytics/labels?cursor=${cursorOf('analytics/labels/tier/values', 'gold')}`,
      400,
      'query.cursor',
      'was made for another list (analytics/labels/tier/values); pass a cursor from this endpoint',
    ],
    [
      `/v1/analytics/labels/tier/values?cursor=${cursorOf('analytics/labels/city/values', 'x')}`,
      400,
      'query.cursor',
      'was made for another list (analytics/labels/city/values); pass a cursor from this endpoint',
    ],
    ['/v1/analytics/labels/ti%20er/values', 400, 'params.key', 'letters, digits, "_" and "-" only'],
    [`/v1/analytics/labels/${'k'.repeat(65)}/values`, 400, 'params.key', 'must be at most 64 characters'],
    ['/v1/analytics/contacts-created?to=2024-03-01', 400, 'query.from', 'is required: a date as YYYY-MM-DD'],
    ['/v1/analytics/contacts-created?from=2024-02-30&to=2024-03-01', 400, 'query.from', 'must be a real date as YYYY-MM-DD, years 1000 to 9999'],
    ['/v1/analytics/contacts-created?from=2024-03-02&to=2024-03-01', 400, 'query.from', 'must not be after to'],
    [
      '/v1/analytics/contacts-created?from=2024-03-01&to=2024-03-02&timeZone=Mars/Olympus',
      400,
      'query.timeZone',
      'must be an IANA time zone such as Europe/Paris or UTC',
    ],
    ['/v1/analytics/contacts-created?from=2024-03-01&to=2024-03-02&interval=hour', 400, 'query.interval', 'must be day, week or month'],
    [
      '/v1/analytics/contacts-created?from=2020-01-01&to=2024-01-01',
      400,
      'query.to',
      'makes 1462 day buckets from 2020-01-01; an answer holds at most 1000 (a shorter range or a longer interval)',
    ],
    ['/v1/analytics/segments?ids=x', 400, 'query.ids.0', 'must be a saved segment id (UUID)'],
    [`/v1/analytics/segments?ids=${UUID}&cursor=abc`, 400, 'query.cursor', 'pages the list of every saved segment; not with ids'],
    ['/v1/analytics/segments?limit=51', 400, 'query.limit', 'must be at most 50'],
    [`/v1/analytics/segments?ids=${UUID}`, 404, 'query.ids.0', `names no saved segment of this workspace (${UUID})`],
  ])('%s: %i naming %s', async (path, status, field, rule) => {
    const res = await get(path);
    expect([res.status, res.headers.get('content-type'), res.body.errors]).toEqual([
      status,
      expect.stringContaining('application/problem+json'),
      [{ field, rule }],
    ]);
  });

  test('the paged lists check limit and cursor like every list', async () => {
    const foreign = (await ok('/v1/analytics/labels/city/values?limit=1')).nextCursor;
    for (const path of ['/v1/analytics/tags', '/v1/analytics/tags?sort=name', '/v1/analytics/labels', '/v1/analytics/labels/city/values'])
      await expectPagingChecks(h, a.key, path, path.includes('/values') ? (await ok('/v1/analytics/labels?limit=1')).nextCursor : foreign);
  });
});

describe('time zone bucket boundaries', () => {
  let c: Workspace;
  const at = async (createdAt: string, i: number) =>
    expect((await call('POST', '/v1/contacts', { email: `tz${i}@c.example.com`, createdAt }, c.key)).status).toBe(201);
  beforeAll(async () => {
    c = await h.createWorkspace();
    const times = [
      '2024-03-10T23:30:00Z', // 00:30 on the 11th in Paris (UTC+1)
      '2024-03-30T22:59:59Z', // 23:59:59 on the 30th in Paris: the last second before the DST day
      '2024-03-30T23:00:00Z', // 00:00 on the 31st: the DST day starts
      '2024-03-31T21:59:59Z', // 23:59:59 CEST on the 31st: that day lasts 23 hours
      '2024-03-31T22:00:00Z', // 00:00 CEST on April 1st
    ];
    for (const [i, t] of times.entries()) await at(t, i);
    await expectSearchIndexConverges(h.env, c.id);
  });

  test('a contact created 23:30 UTC lands on the next day in Europe/Paris and on its own day in UTC', async () => {
    const paris = await ok('/v1/analytics/contacts-created?from=2024-03-10&to=2024-03-11&timeZone=Europe/Paris', c.key);
    expect(paris.buckets.map((x: { date: string; count: number }) => [x.date, x.count])).toEqual([
      ['2024-03-10', 0],
      ['2024-03-11', 1],
    ]);
    const utc = await ok('/v1/analytics/contacts-created?from=2024-03-10&to=2024-03-11', c.key);
    expect(utc.buckets.map((x: { date: string; count: number }) => [x.date, x.count])).toEqual([
      ['2024-03-10', 1],
      ['2024-03-11', 0],
    ]);
  });

  test('the DST day in Europe/Paris is 23 hours long, and its buckets start at local midnight', async () => {
    const res = await ok('/v1/analytics/contacts-created?from=2024-03-30&to=2024-04-01&timeZone=Europe/Paris', c.key);
    expect(res.buckets).toEqual([
      { date: '2024-03-30', startsAt: '2024-03-29T23:00:00.000Z', count: 1 },
      { date: '2024-03-31', startsAt: '2024-03-30T23:00:00.000Z', count: 2 },
      { date: '2024-04-01', startsAt: '2024-03-31T22:00:00.000Z', count: 1 },
    ]);
    // The range is whole local days: March 31st alone holds both ends of its 23 hours.
    expect((await ok('/v1/analytics/contacts-created?from=2024-03-31&to=2024-03-31&timeZone=Europe/Paris', c.key)).total).toBe(2);
    const weeks = await ok('/v1/analytics/contacts-created?interval=week&from=2024-03-30&to=2024-04-01&timeZone=Europe/Paris', c.key);
    expect(weeks.buckets).toEqual([
      { date: '2024-03-25', startsAt: '2024-03-24T23:00:00.000Z', count: 3 },
      { date: '2024-04-01', startsAt: '2024-03-31T22:00:00.000Z', count: 1 },
    ]);
  });
});

describe('freshness counts the changes the index may not show yet', () => {
  let quiet: ApiHarness;
  afterAll(async () => quiet?.stop());

  test("with the relay stopped, every answer reports the workspace's unpublished changes and their age", async () => {
    quiet = await startApiHarness({ relay: false });
    const ws = await quiet.createWorkspace();
    for (const i of [1, 2, 3]) expect((await quiet.request('POST', '/v1/contacts', { key: ws.key, body: { email: `q${i}@q.example.com` } })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 50));
    for (const path of ['/v1/analytics/channels', '/v1/analytics/tags', '/v1/analytics/segments', '/v1/counts']) {
      const res = await quiet.request('GET', path, { key: ws.key });
      expect([path, res.status, res.body.freshness.pendingChanges]).toEqual([path, 200, 3]);
      expect(res.body.freshness.lagMs).toBeGreaterThanOrEqual(50);
      // The index shows none of them yet: the numbers are as of before them.
      if (path === '/v1/analytics/channels') expect(res.body.total).toBe(0);
    }
  });
});
