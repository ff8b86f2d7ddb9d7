// Contact exports over HTTP on the whole real path: contacts written through the API, indexed into
// Elasticsearch by the relay and the indexer, exported as CSV from each source; the cells are
// checked one by one against what was written.
import { randomUUID } from 'node:crypto';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
/** The contacts of `ws` as the API returns them after every write. */
const c: Record<'ann' | 'bob' | 'cat' | 'dan', any> = {} as any;
let zed: any;

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

async function exportCsv(body: unknown, key = ws.key) {
  const res = await fetch(`${h.api.url}/v1/exports/contacts`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(text.endsWith('\r\n') || res.status !== 200).toBe(true);
  // Rows end in CRLF; no cell of these contacts holds a line break, so splitting on CRLF gives the rows.
  return { status: res.status, headers: res.headers, text, lines: text.split('\r\n').slice(0, -1) };
}

/** Consistency tokens of the writes not yet known to be searchable, by API key. */
const unseenWrites = new Map<string, string[]>();

const ok = async (method: string, path: string, body?: unknown, key = ws.key) => {
  const res = await call(method, path, body, key);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.headers.get('consistency-token');
  if (token) unseenWrites.set(key, [...(unseenWrites.get(key) ?? []), token]);
  return res.body;
};

/**
 * Waits until every write made with `key` is searchable (read-your-writes tokens). Ann's
 * "__proto__" label reaches the index too (test/special-keys.int.test.ts checks the search index).
 */
async function searchable(key = ws.key) {
  for (const token of unseenWrites.get(key) ?? []) {
    const res = await call('GET', `/v1/consistency?consistencyToken=${encodeURIComponent(token)}&waitMs=30000`, undefined, key);
    expect([res.status, res.body]).toEqual([200, expect.objectContaining({ consistent: true })]);
  }
  unseenWrites.delete(key);
}

const HEADER = [
  'id,email,phone,first_name,last_name,street,city,region,postal_code,country,timezone,language,email_status,phone_status,email_rating,source,consent_at,subscription_categories,created_at,tags',
  'label___proto__,label_constructor,label_tier',
  'custom_birthday,custom_constructor,custom_score,custom_vip',
].join(',');

const annLine = () =>
  `${c.ann.id},ann@example.com,+14155550101,'=cmd,"Smith, ""Jo""",1 Main St,Paris,,,FR,Europe/Paris,fr,unsubscribed,active,87,form,2024-01-02T03:04:05.678Z,news|offers,${c.ann.createdAt},"A\\|B|Smith, Jo",p1,'-c1,gold,1990-02-03,built,42,true`;
const bobLine = () => `${c.bob.id},,+14155550102,,,,,,,,,,active,blacklisted,,${c.bob.source},,,${c.bob.createdAt},,,,gold,,,,`;
const plainLine = (contact: any, tags = '', tier = '') =>
  `${contact.id},${contact.email},,${contact.firstName},,,,,,,,,active,active,,${contact.source},,,${contact.createdAt},${tags},,,${tier},,,,`;
const byId = (...lines: string[]) => lines.sort();

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  for (const [key, type] of [
    ['score', 'number'],
    ['birthday', 'date'],
    ['vip', 'boolean'],
    ['constructor', 'string'],
  ])
    await ok('POST', '/v1/custom-fields', { key, type });
  await ok('POST', '/v1/tags', { name: 'A|B' });
  await ok('POST', '/v1/tags', { name: 'Smith, Jo' });

  const ann = await ok('POST', '/v1/contacts', {
    email: 'ann@example.com',
    phone: '+14155550101',
    firstName: '=cmd',
    lastName: 'Smith, "Jo"',
    address: { street: '1 Main St', city: 'Paris', country: 'fr' },
    timezone: 'Europe/Paris',
    language: 'fr',
    subscriptionCategories: ['offers', 'news'],
    source: 'form',
    consentAt: '2024-01-02T03:04:05.678Z',
    emailRating: 87,
    emailStatus: 'unsubscribed',
    customFields: { score: 42, birthday: '1990-02-03', vip: true, constructor: 'built' },
  });
  await ok('POST', `/v1/contacts/${ann.id}/tags/add`, { tags: ['A|B', 'Smith, Jo'] });
  // Parsed, not a literal: `{ __proto__: ... }` in code would set the prototype instead of a key.
  await ok('PATCH', `/v1/contacts/${ann.id}/labels`, { set: JSON.parse('{"tier":"gold","__proto__":"p1","constructor":"-c1"}') });

  const bob = await ok('POST', '/v1/contacts', { phone: '+14155550102' });
  await ok('PATCH', `/v1/contacts/${bob.id}/labels`, { set: { tier: 'gold' } });
  await ok('POST', `/v1/contacts/${bob.id}/actions/blacklist-phone`);

  const cat = await ok('POST', '/v1/contacts', { email: 'cat@example.com', firstName: 'Cat' });
  await ok('POST', `/v1/contacts/${cat.id}/tags/add`, { tags: ['Smith, Jo'] });
  await ok('PATCH', `/v1/contacts/${cat.id}/labels`, { set: { tier: 'silver' } });

  const dan = await ok('POST', '/v1/contacts', { email: 'dan@example.com', firstName: 'Dan' });
  for (const [name, contact] of Object.entries({ ann, bob, cat, dan })) c[name as keyof typeof c] = await ok('GET', `/v1/contacts/${contact.id}`);

  zed = await ok('POST', '/v1/contacts', { email: 'zed@example.com', firstName: 'Zed' }, other.key);
  await ok('PATCH', `/v1/contacts/${zed.id}/labels`, { set: { tier: 'gold' } }, other.key);
  zed = await ok('GET', `/v1/contacts/${zed.id}`, undefined, other.key);

  await searchable(ws.key);
  await searchable(other.key);
});
afterAll(async () => h?.stop());

describe('a segment', () => {
  test('exactly its members, in id order, every cell as written; a streamed CSV attachment', async () => {
    const res = await exportCsv({ segment: { text: 'label:tier = gold' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="contacts-${new Date().toISOString().slice(0, 10)}.csv"`);
    expect(res.lines).toEqual([HEADER, ...byId(annLine(), bobLine())]);
  });

  test('saved, or as a JSON condition: the same file', async () => {
    const saved = await ok('POST', '/v1/segments', { name: 'Gold', text: 'label:tier = gold' });
    const expected = [HEADER, ...byId(annLine(), bobLine())];
    expect((await exportCsv({ segment: { segmentId: saved.id } })).lines).toEqual(expected);
    expect((await exportCsv({ segment: { condition: { kind: 'label', key: 'tier', op: 'eq', values: ['gold'] } } })).lines).toEqual(expected);
    // Tag names with "|" and "," select as they export.
    const tagged = await exportCsv({ segment: { text: 'tag:"Smith, Jo"' }, columns: ['id', 'tags'] });
    expect(tagged.lines).toEqual(['id,tags', ...byId(`${c.ann.id},"A\\|B|Smith, Jo"`, `${c.cat.id},"Smith, Jo"`)]);
  });

  test('a segment nobody is in: the header line alone', async () => {
    const res = await exportCsv({ segment: { text: 'label:tier = platinum' }, columns: ['id', 'email'] });
    expect([res.status, res.text]).toEqual([200, 'id,email\r\n']);
  });
});

describe('a search', () => {
  test('the contact list filter: by email prefix, by name, or every live contact oldest first', async () => {
    expect((await exportCsv({ search: { q: 'ann@' } })).lines).toEqual([HEADER, annLine()]);
    expect((await exportCsv({ search: { q: 'Ca' } })).lines).toEqual([HEADER, plainLine(c.cat, '"Smith, Jo"', 'silver')]);
    expect((await exportCsv({ search: {} })).lines).toEqual([HEADER, annLine(), bobLine(), plainLine(c.cat, '"Smith, Jo"', 'silver'), plainLine(c.dan)]);
  });

  test('chosen columns, in the chosen order', async () => {
    const res = await exportCsv({ search: { q: 'ann@' }, columns: ['email', 'tags', 'label___proto__', 'custom_constructor', 'label_constructor', 'id'] });
    expect(res.lines).toEqual([
      'email,tags,label___proto__,custom_constructor,label_constructor,id',
      `ann@example.com,"A\\|B|Smith, Jo",p1,built,'-c1,${c.ann.id}`,
    ]);
  });
});

describe('bad requests', () => {
  test.each([
    { description: 'no source', body: {}, field: 'body' },
    { description: 'two sources', body: { search: {}, deleted: true }, field: 'body' },
    { description: 'three sources', body: { segment: { text: 'sendable:email' }, search: {}, deleted: true }, field: 'body' },
    { description: 'deleted: false', body: { deleted: false }, field: 'body.deleted' },
    { description: 'an unknown column', body: { search: {}, columns: ['email', 'password'] }, field: 'body.columns.1' },
    { description: 'a column named after a prototype property', body: { search: {}, columns: ['constructor'] }, field: 'body.columns.0' },
    { description: 'an undefined custom field', body: { search: {}, columns: ['id', 'custom_shoe'] }, field: 'body.columns.1' },
    { description: 'a repeated column', body: { deleted: true, columns: ['id', 'id'] }, field: 'body.columns.1' },
    { description: 'no columns', body: { deleted: true, columns: [] }, field: 'body.columns' },
    { description: 'an unknown option', body: { deleted: true, format: 'xlsx' }, field: 'body' },
    { description: 'an empty search term', body: { search: { q: ' ' } }, field: 'body.search.q' },
    { description: 'a segment syntax error', body: { segment: { text: 'label:tier =' } }, field: 'body.segment.text' },
    { description: 'a segment with neither text nor condition', body: { segment: {} }, field: 'body.segment' },
  ])('$description: 400 naming $field, as problem+json', async ({ body, field }) => {
    const res = await call('POST', '/v1/exports/contacts', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('an unknown saved segment is a 404; no key is a 401', async () => {
    expect((await call('POST', '/v1/exports/contacts', { segment: { segmentId: randomUUID() } })).status).toBe(404);
    expect((await h.request('POST', '/v1/exports/contacts', { body: { deleted: true } })).status).toBe(401);
  });
});

describe('workspace isolation', () => {
  test("a key of another workspace never sees this workspace's contacts, from any source", async () => {
    const mine = new Set(Object.values(c).map((contact) => contact.id));
    const sources = [
      { segment: { text: 'label:tier = gold' } },
      { segment: { condition: { kind: 'sendable', channel: 'email' } } },
      { search: {} },
      { search: { q: 'ann@' } },
      { deleted: true },
    ];
    for (const source of sources) {
      const res = await exportCsv({ ...source, columns: ['id'] }, other.key);
      expect([JSON.stringify(source), res.status, res.lines.filter((l) => mine.has(l))]).toEqual([JSON.stringify(source), 200, []]);
    }
    // The other workspace's own contact is there; its default columns know only its own labels and fields.
    const theirs = await exportCsv({ segment: { text: 'label:tier = gold' } }, other.key);
    expect(theirs.lines[0]).toBe(`${HEADER.split(',label___proto__')[0]},label_tier`);
    expect(theirs.lines.slice(1).map((l) => l.split(',')[0])).toEqual([zed.id]);
    // Saved segments of this workspace are not found with the other key.
    const saved = await ok('POST', '/v1/segments', { name: 'Mine only', text: 'sendable:email' });
    expect((await call('POST', '/v1/exports/contacts', { segment: { segmentId: saved.id } }, other.key)).status).toBe(404);
  });
});

describe('the Deleted view', () => {
  test('after a delete: the deleted contact there, and gone from the search and the segment', async () => {
    expect((await exportCsv({ deleted: true })).lines).toEqual([HEADER]);
    await ok('DELETE', `/v1/contacts/${c.dan.id}`);
    const deleted = await exportCsv({ deleted: true });
    expect(deleted.lines).toEqual([HEADER, plainLine(c.dan)]);
    expect((await exportCsv({ search: {}, columns: ['id'] })).lines).toEqual(['id', c.ann.id, c.bob.id, c.cat.id]);
    // Sendable by email: cat only (ann unsubscribed, bob has no email, dan deleted).
    expect((await exportCsv({ segment: { text: 'sendable:email' }, columns: ['id'] })).lines).toEqual(['id', c.cat.id]);
  });

  test('a member deleted in Postgres is skipped even before the index has seen the delete', async () => {
    const eve = await ok('POST', '/v1/contacts', { email: 'eve@example.com', firstName: 'Eve' });
    await ok('PATCH', `/v1/contacts/${eve.id}/labels`, { set: { tier: 'gold' } });
    await searchable();
    expect((await exportCsv({ segment: { text: 'label:tier = gold' }, columns: ['id'] })).lines).toEqual(['id', ...byId(c.ann.id, c.bob.id, eve.id)]);
    await ok('DELETE', `/v1/contacts/${eve.id}`);
    // Whether or not the index caught up, Postgres decides.
    expect((await exportCsv({ segment: { text: 'label:tier = gold' }, columns: ['id'] })).lines).toEqual(['id', ...byId(c.ann.id, c.bob.id)]);
    expect((await exportCsv({ deleted: true, columns: ['email'] })).lines.slice(1).sort()).toEqual(['dan@example.com', 'eve@example.com']);
  });
});

describe('a large segment', () => {
  let big: Workspace;
  const bigIds: string[] = [];
  beforeAll(async () => {
    big = await h.createWorkspace();
    for (let start = 0; start < 2500; start += 1000) {
      const batch = await ok(
        'POST',
        '/v1/contacts/batch-upsert',
        {
          matchBy: 'email',
          contacts: Array.from({ length: Math.min(1000, 2500 - start) }, (_, i) => ({ email: `x${start + i}@example.com`, firstName: `X${start + i}` })),
        },
        big.key,
      );
      bigIds.push(...batch.results.map((r: { id: string }) => r.id));
    }
    bigIds.sort();
    await expectSearchIndexConverges(h.env, big.id);
  });

  test('streams every member once, in id order, across pages', async () => {
    const res = await exportCsv({ segment: { text: 'sendable:email' } }, big.key);
    expect(res.status).toBe(200);
    const ids = res.lines.slice(1).map((l) => l.split(',')[0]);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(ids).toEqual(bigIds);
    expect(res.lines[1]).toMatch(new RegExp(`^${bigIds[0]},x\\d+@example.com,,X\\d+,`));
  });

  test('a search over several pages: every contact once', async () => {
    const ids = (await exportCsv({ search: { q: 'x' }, columns: ['id'] }, big.key)).lines.slice(1);
    expect(ids).toHaveLength(2500);
    expect([...ids].sort()).toEqual(bigIds);
  });

  test('a client that goes away mid-export releases the point in time', async () => {
    const openContexts = async () => {
      const stats = await h.env.es.nodes.stats({ metric: 'indices', index_metric: 'search' });
      return Object.values(stats.nodes).reduce((sum, n) => sum + (n.indices?.search?.open_contexts ?? 0), 0);
    };
    // Other searches come and go; a leaked point in time would stay above this for its 2 minutes.
    const baseline = await openContexts();
    const controller = new AbortController();
    const res = await fetch(`${h.api.url}/v1/exports/contacts`, {
      method: 'POST',
      headers: { 'x-api-key': big.key, 'content-type': 'application/json' },
      body: JSON.stringify({ segment: { text: 'sendable:email' } }),
      signal: controller.signal,
    });
    await res.body!.getReader().read(); // the first page arrived: the PIT is open
    controller.abort();
    await eventually(openContexts, (n) => n <= baseline, 20_000);
  });
});
