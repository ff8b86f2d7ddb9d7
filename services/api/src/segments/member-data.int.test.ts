// Member rows with the data a sender personalises with: custom fields, tag names and labels, in
// NDJSON (camelCase keys, as asked) and CSV (the export's headers), over HTTP on the whole real
// path (writes flow through the outbox, Kafka and the indexer; members come from Elasticsearch).
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
let other: Workspace;
const ids: string[] = [];

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true });
  ws = await h.createWorkspace();
  other = await h.createWorkspace();
  for (const field of [
    { key: 'plan', type: 'string' },
    { key: 'seats', type: 'number' },
    { key: 'trial', type: 'boolean' },
  ]) {
    expect((await call('POST', '/v1/custom-fields', field)).status).toBe(201);
  }
  // The same key in another workspace must not make it "defined" here.
  expect((await call('POST', '/v1/custom-fields', { key: 'secret', type: 'string' }, other.key)).status).toBe(201);
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: [
      {
        email: 'a@example.com',
        firstName: 'Ada',
        customFields: { plan: 'pro', seats: 0, trial: false },
        tags: ['VIP', 'Hot, lead'],
        labels: { tier: 'gold', utm: 'google.com', constructor: 'x' },
      },
      { email: 'b@example.com', firstName: '=cmd', customFields: { plan: '=1+1' }, labels: { tier: 'silver' } },
      { email: 'c@example.com' },
    ],
    createMissing: true,
  });
  expect(batch.body.summary).toMatchObject({ created: 3, failed: 0 });
  ids.push(...batch.body.results.map((r: { id: string }) => r.id));
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

const everyone = { text: 'email IS NOT EMPTY' };
const post = (body: object, key = ws.key) =>
  fetch(`${h.api.url}/v1/segments/members`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ndjson = async (res: Response) =>
  (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const byEmail = (rows: { email: string }[]): Record<string, any> => Object.fromEntries(rows.map((r) => [r.email, r]));

test('NDJSON rows hold custom fields, tag names and labels under the names asked for', async () => {
  const res = await post({ query: everyone, fields: 'id,email,firstName,tags,labels,label:tier,custom:plan,custom:seats,custom:trial' });
  expect(res.status).toBe(200);
  const rows = byEmail(await ndjson(res));
  expect(rows['a@example.com']).toEqual({
    id: ids[0],
    email: 'a@example.com',
    firstName: 'Ada',
    tags: ['Hot, lead', 'VIP'],
    labels: { constructor: 'x', tier: 'gold', utm: 'google.com' },
    'label:tier': 'gold',
    'custom:plan': 'pro',
    'custom:seats': 0,
    'custom:trial': false,
  });
  // A contact without the data: empty tags and labels, null values, every key still there.
  expect(rows['c@example.com']).toEqual({
    id: ids[2],
    email: 'c@example.com',
    firstName: null,
    tags: [],
    labels: {},
    'label:tier': null,
    'custom:plan': null,
    'custom:seats': null,
    'custom:trial': null,
  });
});

test('a renamed tag streams under its new name', async () => {
  const vip = (await call('GET', '/v1/tags')).body.items.find((t: { name: string }) => t.name === 'VIP');
  expect((await call('PATCH', `/v1/tags/${vip.id}`, { name: 'Very Important' })).status).toBe(200);
  const rows = byEmail(await ndjson(await post({ query: everyone, fields: 'email,tags' })));
  expect(rows['a@example.com'].tags).toEqual(['Hot, lead', 'Very Important']);
  await call('PATCH', `/v1/tags/${vip.id}`, { name: 'VIP' });
});

test("CSV rows use the export's headers: tags joined by |, label_<key> (one per key for labels), custom_<key>", async () => {
  const saved = (await call('POST', '/v1/segments', { name: 'Everyone', text: everyone.text })).body;
  const res = await fetch(`${h.api.url}/v1/segments/${saved.id}/members?format=csv&fields=email,firstName,tags,label:tier,labels,custom:plan`, {
    headers: { 'x-api-key': ws.key },
  });
  expect(res.status).toBe(200);
  const lines = (await res.text()).split('\r\n');
  expect(lines[0]).toBe('email,first_name,tags,label_tier,label_constructor,label_utm,custom_plan');
  expect(lines).toContain('a@example.com,Ada,"Hot, lead|VIP",gold,x,google.com,pro');
  // Formula-leading cells are defused, as in the export.
  expect(lines).toContain("b@example.com,'=cmd,,silver,,,'=1+1");
  expect(lines).toContain('c@example.com,,,,,,');
});

test('an export of the same contacts names the same data with the same headers', async () => {
  const exported = await fetch(`${h.api.url}/v1/exports/contacts`, {
    method: 'POST',
    headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
    body: JSON.stringify({ segment: everyone, columns: ['email', 'first_name', 'tags', 'label_tier', 'custom_plan'] }),
  });
  expect(exported.status).toBe(200);
  const members = await (await post({ query: everyone, format: 'csv', fields: 'email,firstName,tags,label:tier,custom:plan' })).text();
  expect(members).toBe(await exported.text());
});

test('`labels` expands to the same label_<key> columns in an export as in a member CSV', async () => {
  const exported = await fetch(`${h.api.url}/v1/exports/contacts`, {
    method: 'POST',
    headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
    body: JSON.stringify({ segment: everyone, columns: ['email', 'labels', 'tags'] }),
  });
  const file = await exported.text();
  expect(file.split('\r\n')[0]).toBe('email,label_constructor,label_tier,label_utm,tags');
  expect(await (await post({ query: everyone, format: 'csv', fields: 'email,labels,tags' })).text()).toBe(file);
});

describe('refused before the first byte', () => {
  test.each([
    [
      'an array on POST',
      { fields: ['id', 'email'] },
      'body.fields',
      /must be a comma-separated string of field names, such as "id,email,firstName,tags,labels,label:tier,custom:plan" \(not an array\)/,
    ],
    [
      'a custom field this workspace does not define (another one does)',
      { fields: 'id,custom:secret' },
      'body.fields.1',
      /names custom field secret, which is not defined in this workspace/,
    ],
    ['a snake_case name', { fields: 'id,first_name' }, 'body.fields.1', /did you mean firstName\?/],
    ['a bad label key', { fields: 'label:a b' }, 'body.fields.0', /names label key "a b"/],
    ['a repeated field', { fields: 'id,tags,id' }, 'body.fields.2', /repeats field id/],
  ])('%s is a 400 naming the field', async (_what, options, field, rule) => {
    const res = await post({ query: everyone, ...options });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([{ field, rule: expect.stringMatching(rule) }]);
  });

  test('on GET too, an unknown custom field names its place in the query', async () => {
    const saved = (await call('POST', '/v1/segments', { name: 'All of them', text: everyone.text })).body;
    const res = await fetch(`${h.api.url}/v1/segments/${saved.id}/members?fields=id,custom:nope`, { headers: { 'x-api-key': ws.key } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'query.fields.1', rule: 'names custom field nope, which is not defined in this workspace' },
    ]);
  });
});

test('preview rows use the same camelCase names', async () => {
  const preview = await call('POST', '/v1/segments/preview', { query: { text: 'email = "a@example.com"' } });
  expect(preview.status).toBe(200);
  expect(preview.body.contacts).toEqual([
    {
      id: ids[0],
      email: 'a@example.com',
      phone: null,
      firstName: 'Ada',
      lastName: null,
      emailStatus: 'active',
      phoneStatus: expect.any(String),
      createdAt: expect.any(String),
    },
  ]);
});
