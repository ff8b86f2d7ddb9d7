// Activity ingestion and history over HTTP against real Postgres.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';

let h: ApiHarness;
let ws: Workspace;
let contact: string;

beforeAll(async () => {
  h = await startApiHarness();
  ws = await h.createWorkspace();
  contact = (await h.request('POST', '/v1/contacts', { key: ws.key, body: { email: 'active@example.com' } })).body.id;
});
afterAll(async () => h?.stop());

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

test('one activity is stored and the history pages newest first', async () => {
  for (const [minutesAgo, status] of [
    [30, 'delivered'],
    [20, 'opened'],
    [10, 'clicked'],
  ] as const) {
    const res = await h.request('POST', `/v1/contacts/${contact}/activities`, {
      key: ws.key,
      body: { channel: 'email', status, messageName: 'Welcome', language: 'en', occurredAt: at(minutesAgo) },
    });
    expect(res.status).toBe(201);
  }
  const first = await h.request('GET', `/v1/contacts/${contact}/activities?limit=2`, { key: ws.key });
  expect(first.body.items.map((a: { status: string }) => a.status)).toEqual(['clicked', 'opened']);
  const second = await h.request('GET', `/v1/contacts/${contact}/activities?limit=2&cursor=${first.body.nextCursor}`, { key: ws.key });
  expect(second.body.items.map((a: { status: string }) => a.status)).toEqual(['delivered']);
  expect(second.body.nextCursor).toBeNull();
  // Each activity changes the contact's engagement summary, which bumps its version.
  const profile = (await h.request('GET', `/v1/contacts/${contact}`, { key: ws.key })).body;
  expect(profile.version).toBe(4);
  expect(profile.engagement).toEqual({
    'email.clicked': [expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)],
    'email.delivered': [expect.stringMatching(/Z$/)],
    'email.opened': [expect.stringMatching(/Z$/)],
  });
});

test('the summary keeps the ten most recent times per channel and status, newest first, and emits one event per changed contact', async () => {
  const fresh = (await h.request('POST', '/v1/contacts', { key: ws.key, body: { email: 'busy@example.com' } })).body.id;
  const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 9, 1 + i, 8)).toISOString());
  const res = await h.request('POST', '/v1/activities/batch', {
    key: ws.key,
    body: { activities: times.map((occurredAt) => ({ contactId: fresh, channel: 'email', status: 'opened', occurredAt })) },
  });
  expect(res.body.summary).toEqual({ stored: 12, failed: 0 });
  const profile = (await h.request('GET', `/v1/contacts/${fresh}`, { key: ws.key })).body;
  expect(profile.engagement).toEqual({ 'email.opened': times.slice(2).reverse() });
  expect(profile.version).toBe(2); // one batch, one bump
  const events = (await h.outboxEvents(ws.id)).filter((e) => e.aggregateId === fresh);
  expect(events.map((e) => [e.type, e.payload.activities, e.payload.contact.version])).toEqual([
    ['contact.upserted', undefined, 1],
    ['contact.engagement_recorded', 12, 2],
  ]);
  // An older activity that does not make the ten most recent changes nothing, not even the version.
  await h.request('POST', `/v1/contacts/${fresh}/activities`, {
    key: ws.key,
    body: { channel: 'email', status: 'opened', occurredAt: '2026-01-01T00:00:00Z' },
  });
  expect((await h.request('GET', `/v1/contacts/${fresh}`, { key: ws.key })).body.version).toBe(2);
});

test('a batch stores the good items and names the bad ones', async () => {
  const other = await h.createWorkspace();
  const foreign = (await h.request('POST', '/v1/contacts', { key: other.key, body: { email: 'foreign@example.com' } })).body.id;
  const res = await h.request('POST', '/v1/activities/batch', {
    key: ws.key,
    body: {
      activities: [
        { contactId: contact, channel: 'sms', status: 'delivered', occurredAt: at(5) },
        { contactId: contact, channel: 'fax', status: 'delivered', occurredAt: at(5) },
        { contactId: foreign, channel: 'email', status: 'opened', occurredAt: at(5) },
        { contactId: contact, channel: 'email', status: 'opened', occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    },
  });
  expect(res.status).toBe(200);
  expect(res.body.summary).toEqual({ stored: 1, failed: 3 });
  expect(res.body.results.map((r: { status: string; errors?: { field: string }[] }) => [r.status, r.errors?.[0]?.field ?? null])).toEqual([
    ['stored', null],
    ['error', 'body.activities.1.channel'],
    ['error', 'body.activities.2.contactId'],
    ['error', 'body.activities.3.occurredAt'],
  ]);
  expect((await h.request('GET', `/v1/contacts/${foreign}/activities`, { key: other.key })).body.items).toEqual([]);
});

test.each([
  [{ channel: 'email', status: 'opened' }, 'body.occurredAt'],
  [{ channel: 'email', status: 'read', occurredAt: '2026-01-01T00:00:00Z' }, 'body.status'],
  [{ channel: 'email', status: 'opened', occurredAt: '2026-01-01' }, 'body.occurredAt'],
])('%j is refused naming %s', async (body, field) => {
  const res = await h.request('POST', `/v1/contacts/${contact}/activities`, { key: ws.key, body });
  expect(res.status).toBe(400);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
});

test("another workspace cannot read or write this contact's activity", async () => {
  const other = await h.createWorkspace();
  expect((await h.request('GET', `/v1/contacts/${contact}/activities`, { key: other.key })).status).toBe(404);
  const res = await h.request('POST', `/v1/contacts/${contact}/activities`, {
    key: other.key,
    body: { channel: 'email', status: 'opened', occurredAt: at(1) },
  });
  expect(res.status).toBe(404);
});
