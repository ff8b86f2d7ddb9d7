// The segment language as a client meets it over HTTP (issue 11, points 6 to 9 and 12): precise
// errors, the JSON spelling of fields, conditions normalised like writes, printable label values,
// engagement windows in weeks and months, and subscription categories. Counts come from
// Elasticsearch on the whole real path (outbox, Kafka, indexer).
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { expectSearchIndexConverges } from './support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
const ids: string[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: [
      {
        email: 'Ada@Example.com',
        phone: '+1 (415) 555-0101',
        firstName: 'Ada',
        address: { country: 'fr', postalCode: '75001' },
        subscriptionCategories: ['newsletter', 'offers'],
        emailRating: 80,
      },
      {
        email: 'grace@example.com',
        phone: '+14155550102',
        firstName: 'Grace',
        address: { country: 'DE' },
        subscriptionCategories: ['newsletter'],
        emailRating: 40,
      },
      { email: 'alan@example.com', firstName: 'Alan', address: { country: 'US' }, emailRating: 10 },
    ],
  });
  expect(batch.status).toBe(200);
  ids.push(...batch.body.results.map((r: { id: string }) => r.id));
  // The seed products' own label values: a path, a bucket with a sign, a domain, a date.
  const labelled = await call('PATCH', `/v1/contacts/${ids[0]}/labels`, {
    set: { landing_page: '/promo', ltv_bucket: '200+', utm: 'google.com', signup: '2024-01-15' },
  });
  expect(labelled.status).toBe(200);
  expect((await call('PATCH', `/v1/contacts/${ids[1]}/labels`, { set: { landing_page: '/promo/summer', ltv_bucket: '50-200' } })).status).toBe(200);
  // Opens: Ada 10 days ago and 40 days ago, Grace 40 days ago, Alan 100 days ago.
  const open = (id: string, daysAgo: number) =>
    call('POST', `/v1/contacts/${id}/activities`, { channel: 'email', status: 'opened', occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
  for (const [id, daysAgo] of [
    [ids[0]!, 10],
    [ids[0]!, 40],
    [ids[1]!, 40],
    [ids[2]!, 100],
  ] as const)
    expect((await open(id, daysAgo)).status).toBe(201);
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}

/** Counts each text query; a failed one answers its own problem in its place. */
async function count(...texts: string[]) {
  const res = await call('POST', '/v1/segments/count', { queries: texts.map((text) => ({ text })) });
  expect(res.status).toBe(200);
  return res.body.results.map((r: { total?: number; errors?: unknown }) => r.total ?? r.errors);
}

test('label values are printable text: set, counted, saved, printed and read back', async () => {
  expect((await call('GET', `/v1/contacts/${ids[0]}`)).body.labels).toEqual({
    landing_page: '/promo',
    ltv_bucket: '200+',
    utm: 'google.com',
    signup: '2024-01-15',
  });
  expect(
    await count(
      'label:landing_page = "/promo"',
      'label:ltv_bucket = "200+"',
      'label:utm = "google.com"',
      'label:signup = 2024-01-15',
      'label:landing_page PREFIX "/promo"',
      'label:ltv_bucket IN ["200+", "50-200"]',
      'label:landing_page = "/PROMO"',
    ),
  ).toEqual([1, 1, 1, 1, 2, 2, 0]);
  const saved = await call('POST', '/v1/segments', { name: 'Promo', text: 'label:landing_page = "/promo" AND label:ltv_bucket != "50-200"' });
  expect(saved.status).toBe(201);
  expect(saved.body.text).toBe('label:landing_page = "/promo" AND label:ltv_bucket != "50-200"');
  expect((await call('PATCH', `/v1/segments/${saved.body.id}`, { text: saved.body.text })).status).toBe(200);
  // Control characters are still refused, naming the key.
  const bad = await call('PATCH', `/v1/contacts/${ids[0]}/labels`, { set: { note: 'a\u0007b' } });
  expect([bad.status, bad.body.errors]).toEqual([400, [{ field: 'body.set.note', rule: 'value must not contain control characters' }]]);
});

test('conditions are normalised like writes: emails, countries and phones as typed find what was stored', async () => {
  expect(
    await count(
      'email = "Ada@Example.com"',
      'email IN ["ADA@example.COM", "grace@EXAMPLE.com"]',
      'country = fr',
      'country != de',
      'phone = "+1 (415) 555-0101"',
      'phone STARTS WITH "+1 415 555"',
      'email CONTAINS "EXAMPLE"',
    ),
  ).toEqual([1, 2, 1, 2, 1, 2, 3]);
  const saved = await call('POST', '/v1/segments', {
    name: 'Ada by email',
    condition: { kind: 'text', field: 'email', op: 'eq', values: ['ADA@EXAMPLE.COM'] },
  });
  expect(saved.status).toBe(201);
  // Stored as a write would store it.
  expect(saved.body.condition).toEqual({ kind: 'text', field: 'email', op: 'eq', values: ['ada@example.com'] });
  expect(saved.body.text).toBe('email = "ada@example.com"');
  // A phone (or a country) no write would accept is a 400 naming it, for text and JSON alike.
  const res = await call('POST', '/v1/segments/count', {
    queries: [{ text: 'phone = "call me"' }, { condition: { kind: 'text', field: 'country', op: 'in', values: ['FR', 'France'] } }],
  });
  expect(res.body.results).toEqual([
    expect.objectContaining({
      status: 400,
      errors: [
        { field: 'body.queries.0.text', rule: 'values.0: phone must be a valid phone number in international format, such as +14155550123 (found "call me")' },
      ],
    }),
    expect.objectContaining({
      status: 400,
      errors: [{ field: 'body.queries.1.condition.values.1', rule: 'country must be an ISO 3166-1 alpha-2 country code such as FR (found "France")' }],
    }),
  ]);
});

test('the JSON spelling of a field reads as the field; a near miss is answered with the name to use', async () => {
  expect(
    await count('firstName = Ada', 'emailRating >= 40', 'address.country = FR', 'postalCode = "75001"', 'createdAt IN LAST 1 DAYS', 'emailStatus = active'),
  ).toEqual([1, 2, 1, 1, 3, 3]);
  const saved = await call('POST', '/v1/segments', { name: 'Spelled', text: 'firstName = Ada AND emailRating > 50' });
  expect(saved.body.text).toBe('first_name = Ada AND email_rating > 50');
  const res = await call('POST', '/v1/segments/count', { queries: [{ text: 'firstname = Ada' }, { text: 'email_status = bogus' }] });
  expect(res.body.results).toEqual([
    expect.objectContaining({
      status: 400,
      errors: [{ field: 'body.queries.0.text', rule: 'line 1, column 1: unknown field firstname; did you mean first_name?' }],
    }),
    expect.objectContaining({
      status: 400,
      errors: [
        {
          field: 'body.queries.1.text',
          rule: 'line 1, column 16: email_status must be one of active, unsubscribed, spam_report, blacklisted, unconfirmed (the email statuses), found "bogus"',
        },
      ],
    }),
  ]);
});

test('JSON trees: the branch is chosen by kind and every rule names the allowed values', async () => {
  const res = await call('POST', '/v1/segments', {
    name: 'Bad',
    condition: {
      kind: 'and',
      conditions: [
        { kind: 'status', channel: 'email', op: 'in', statuses: ['bogus'] },
        { kind: 'zodiac' },
        { kind: 'label', key: 'tier', op: 'like', values: ['a'] },
      ],
    },
  });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([
    {
      field: 'body.condition.conditions.0.statuses.0',
      rule: 'must be one of active, unsubscribed, spam_report, blacklisted, unconfirmed (the email statuses)',
    },
    {
      field: 'body.condition.conditions.1',
      rule: 'kind must be one of tag, label, text, number, date, status, sendable, custom, engagement, subscription, segment, and, or, not',
    },
    { field: 'body.condition.conditions.2.op', rule: 'must be one of eq, neq, in, not_in, exists, not_exists, prefix' },
  ]);
});

test('engagement windows take weeks and calendar months, as dates do', async () => {
  expect(
    await count(
      'engagement:email.opened IN LAST 2 WEEKS',
      'engagement:email.opened IN LAST 2 MONTHS',
      'engagement:email.opened >= 2 IN LAST 2 MONTHS',
      'engagement:email.opened IN LAST 6 MONTHS',
      'NOT engagement:email.opened IN LAST 1 MONTHS',
    ),
  ).toEqual([1, 2, 1, 3, 2]);
  const saved = await call('POST', '/v1/segments', { name: 'Openers', text: 'engagement:email.opened >= 2 IN LAST 3 MONTHS' });
  expect([saved.status, saved.body.text, saved.body.condition]).toEqual([
    201,
    'engagement:email.opened >= 2 IN LAST 3 MONTHS',
    { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 2, months: 3 },
  ]);
});

test('subscription categories can be used in segments', async () => {
  expect(
    await count(
      'subscription:newsletter',
      'subscription:offers',
      'subscription:ANY [offers, product]',
      'subscription:ALL [newsletter, offers]',
      'subscription:NONE [newsletter]',
      'subscription:Newsletter',
    ),
  ).toEqual([2, 1, 1, 1, 1, 0]);
  const saved = await call('POST', '/v1/segments', { name: 'Readers', condition: { kind: 'subscription', op: 'any', categories: ['newsletter', 'offers'] } });
  expect([saved.status, saved.body.text]).toEqual([201, 'subscription:ANY [newsletter, offers]']);
  const members = await call('POST', '/v1/segments/count', { queries: [{ segmentId: saved.body.id }] });
  expect(members.body.results[0].total).toBe(2);
});
