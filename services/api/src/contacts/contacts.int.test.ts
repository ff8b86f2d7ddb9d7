// Contact endpoints over HTTP against real Postgres: every write's answer, its row, and exactly
// the events it committed to the outbox, in order.
import { useApiHarness, Workspace } from '../../../../test/support/api-harness';

const t = useApiHarness();

const create = (body: unknown, key = t.ws.key) => t.h.request('POST', '/v1/contacts', { key, body });
const eventTypes = async () => (await t.h.outboxEvents(t.ws.id)).map((e) => e.type);

describe('create and read', () => {
  test('a full profile is normalised, versioned and emitted as contact.upserted', async () => {
    const res = await create({
      email: 'Grace.Hopper@Navy.MIL',
      phone: '+1 (415) 555-0199',
      firstName: 'Grace',
      lastName: 'Hopper',
      address: { street: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22201', country: 'us' },
      timezone: 'America/New_York',
      language: 'en-us',
      subscriptionCategories: ['news', 'events'],
      source: 'form',
      consentAt: '2026-11-01T09:00:00+01:00',
      emailRating: 87,
      emailStatus: 'unconfirmed',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/contacts/${res.body.id}`);
    expect(res.body).toMatchObject({
      email: 'grace.hopper@navy.mil',
      phone: '+14155550199',
      address: { city: 'Arlington', country: 'US', street: '1 Navy Way', region: 'VA', postalCode: '22201' },
      language: 'en-US',
      subscriptionCategories: ['events', 'news'],
      consentAt: '2026-11-01T08:00:00.000Z',
      emailStatus: 'unconfirmed',
      phoneStatus: 'active',
      emailRating: 87,
      tagIds: [],
      labels: {},
      deletedAt: null,
      version: 1,
    });
    expect(res.body).not.toHaveProperty('workspaceId');
    const events = await t.h.outboxEvents(t.ws.id);
    expect(events).toEqual([{ type: 'contact.upserted', aggregateId: res.body.id, payload: expect.objectContaining({ created: true }) }]);
    expect(events[0]!.payload.contact).toMatchObject({ id: res.body.id, workspaceId: t.ws.id, version: 1 });

    const read = await t.h.request('GET', `/v1/contacts/${res.body.id}`, { key: t.ws.key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    const history = await t.h.request('GET', `/v1/contacts/${res.body.id}/status-history`, { key: t.ws.key });
    expect(history.body.items).toEqual([expect.objectContaining({ channel: 'email', status: 'unconfirmed', reason: 'set at creation' })]);
  });

  test.each([
    ['an unknown contact', '/v1/contacts/00000000-0000-4000-8000-000000000000', 404],
    ['a malformed id', '/v1/contacts/not-a-uuid', 400],
  ])('reading %s (%s) answers %d', async (_what, path, status) => {
    const res = await t.h.request('GET', path, { key: t.ws.key });
    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.errors).toEqual([{ field: 'params.id', rule: 'must be a contact id (UUID)' }]);
  });

  test('a duplicate email is a conflict and stores nothing', async () => {
    expect((await create({ email: 'dup@example.com' })).status).toBe(201);
    const res = await create({ email: 'DUP@example.com', firstName: 'Second' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ field: 'body.email', rule: 'must be unique in the workspace' }]);
    expect(await eventTypes()).toEqual(['contact.upserted']);
  });
});

describe('update', () => {
  test('a change bumps the version and emits; an identical update changes nothing and emits nothing', async () => {
    const { body: c } = await create({ email: 'ada@example.com', firstName: 'Ada' });
    const changed = await t.h.request('PATCH', `/v1/contacts/${c.id}`, { key: t.ws.key, body: { lastName: 'Lovelace', firstName: null } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ firstName: null, lastName: 'Lovelace', version: 2 });
    const same = await t.h.request('PATCH', `/v1/contacts/${c.id}`, { key: t.ws.key, body: { lastName: 'Lovelace' } });
    expect(same.body.version).toBe(2);
    expect(await eventTypes()).toEqual(['contact.upserted', 'contact.upserted']);
  });

  test.each([
    [{}, 'body', 'must change at least one field'],
    [{ email: null }, 'body.email', 'a contact needs an email or a phone'],
    [{ emailStatus: 'blacklisted' }, 'body', 'Unrecognized key: "emailStatus"'],
    [{ lastName: 'x'.repeat(101) }, 'body.lastName', 'must be at most 100 characters'],
  ])('PATCH %j is refused naming %s', async (body, field, rule) => {
    const { body: c } = await create({ email: `u-${Math.random()}@example.com` });
    const res = await t.h.request('PATCH', `/v1/contacts/${c.id}`, { key: t.ws.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field, rule });
    expect((await t.h.request('GET', `/v1/contacts/${c.id}`, { key: t.ws.key })).body.version).toBe(1);
  });
});

describe('custom fields', () => {
  beforeAll(async () => {
    for (const [key, type] of [
      ['plan', 'string'],
      ['seats', 'number'],
      ['renewal', 'date'],
      ['vip', 'boolean'],
    ]) {
      expect((await t.h.request('POST', '/v1/custom-fields', { key: t.ws.key, body: { key, type } })).status).toBe(201);
    }
  });

  test('values are checked against their definitions; null removes one', async () => {
    const res = await create({ email: 'cf@example.com', customFields: { plan: 'pro', seats: 12, renewal: '2027-01-31', vip: true } });
    expect(res.status).toBe(201);
    expect(res.body.customFields).toEqual({ plan: 'pro', seats: 12, renewal: '2027-01-31', vip: true });
    const patched = await t.h.request('PATCH', `/v1/contacts/${res.body.id}`, { key: t.ws.key, body: { customFields: { vip: null, seats: 13 } } });
    expect(patched.body.customFields).toEqual({ plan: 'pro', seats: 13, renewal: '2027-01-31' });
  });

  test('wrong types and unknown keys name the field', async () => {
    const res = await create({ email: 'cf2@example.com', customFields: { seats: 'twelve', renewal: '2027-02-30', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'body.customFields.seats', rule: 'must be a number' },
      { field: 'body.customFields.renewal', rule: 'must be a real calendar date' },
      { field: 'body.customFields.colour', rule: 'is not a custom field defined in this workspace' },
    ]);
  });

  test('definitions are unique and listed', async () => {
    const again = await t.h.request('POST', '/v1/custom-fields', { key: t.ws.key, body: { key: 'plan', type: 'string' } });
    expect(again.status).toBe(409);
    const bad = await t.h.request('POST', '/v1/custom-fields', { key: t.ws.key, body: { key: 'Plan Name', type: 'text' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.key', 'body.type']);
    const list = await t.h.request('GET', '/v1/custom-fields', { key: t.ws.key });
    expect(list.body.items.map((d: { key: string }) => d.key)).toEqual(['plan', 'renewal', 'seats', 'vip']);
  });
});

describe('upsert', () => {
  test('creates, then finds by email and updates, then reports unchanged', async () => {
    const first = await t.h.request('POST', '/v1/contacts/upsert', {
      key: t.ws.key,
      body: { matchBy: 'email', contact: { email: 'UP@example.com', firstName: 'Up' } },
    });
    expect([first.status, first.body.status]).toEqual([201, 'created']);
    const second = await t.h.request('POST', '/v1/contacts/upsert', {
      key: t.ws.key,
      body: { matchBy: 'email', contact: { email: 'up@example.com', lastName: 'Sert' } },
    });
    expect([second.status, second.body.status, second.body.contact.id, second.body.contact.version]).toEqual([200, 'updated', first.body.contact.id, 2]);
    const third = await t.h.request('POST', '/v1/contacts/upsert', {
      key: t.ws.key,
      body: { matchBy: 'email', contact: { email: 'up@example.com', lastName: 'Sert' } },
    });
    expect(third.body.status).toBe('unchanged');
    expect(await eventTypes()).toEqual(['contact.upserted', 'contact.upserted']);
  });

  test('by phone, normalising before matching', async () => {
    const a = await t.h.request('POST', '/v1/contacts/upsert', { key: t.ws.key, body: { matchBy: 'phone', contact: { phone: '+44 20 7946 0958' } } });
    const b = await t.h.request('POST', '/v1/contacts/upsert', {
      key: t.ws.key,
      body: { matchBy: 'phone', contact: { phone: '+442079460958', firstName: 'Same' } },
    });
    expect(b.body).toMatchObject({ status: 'updated', contact: { id: a.body.contact.id } });
  });

  test('the matched field is required', async () => {
    const res = await t.h.request('POST', '/v1/contacts/upsert', { key: t.ws.key, body: { matchBy: 'phone', contact: { email: 'x@example.com' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.contact.phone', rule: 'is required to match by phone' }]);
  });

  test('batch upsert answers per item; a bad item fails alone', async () => {
    const res = await t.h.request('POST', '/v1/contacts/batch-upsert', {
      key: t.ws.key,
      body: {
        matchBy: 'email',
        contacts: [
          { email: 'b1@example.com' },
          { email: 'not-an-email' },
          { email: 'b1@example.com', firstName: 'Again' },
          { email: 'b3@example.com', customFields: { nope: 1 } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ created: 1, updated: 1, unchanged: 0, failed: 2 });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'error', 'updated', 'error']);
    expect(res.body.results[1].errors).toEqual([{ field: 'body.contacts.1.email', rule: 'must be a valid email address' }]);
    expect(res.body.results[3].errors).toEqual([{ field: 'body.contacts.3.customFields.nope', rule: 'is not a custom field defined in this workspace' }]);
    expect(res.body.results[2].id).toBe(res.body.results[0].id);
  });

  test('a batch over 1000 items is refused whole', async () => {
    const contacts = Array.from({ length: 1001 }, (_, i) => ({ email: `many${i}@example.com` }));
    const res = await t.h.request('POST', '/v1/contacts/batch-upsert', { key: t.ws.key, body: { matchBy: 'email', contacts } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.contacts', rule: 'must hold at most 1000 contacts' }]);
  });
});

describe('delete, restore, erase', () => {
  test('soft delete hides the contact, frees its email, and restore brings it back unless the email was reused', async () => {
    const { body: c } = await create({ email: 'gone@example.com' });
    const deleted = await t.h.request('DELETE', `/v1/contacts/${c.id}`, { key: t.ws.key, body: { reason: 'asked by phone' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect((await t.h.request('PATCH', `/v1/contacts/${c.id}`, { key: t.ws.key, body: { firstName: 'X' } })).status).toBe(409);
    expect((await t.h.request('DELETE', `/v1/contacts/${c.id}`, { key: t.ws.key })).status).toBe(409);
    const deletedView = await t.h.request('GET', '/v1/contacts/deleted?q=gone@', { key: t.ws.key });
    expect(deletedView.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await t.h.request('GET', '/v1/contacts?q=gone@', { key: t.ws.key })).body.items).toEqual([]);

    const restored = await t.h.request('POST', `/v1/contacts/${c.id}/restore`, { key: t.ws.key });
    expect(restored.body).toMatchObject({ deletedAt: null, version: 3 });
    expect((await t.h.request('POST', `/v1/contacts/${c.id}/restore`, { key: t.ws.key })).status).toBe(409);

    await t.h.request('DELETE', `/v1/contacts/${c.id}`, { key: t.ws.key });
    expect((await create({ email: 'gone@example.com' })).status).toBe(201);
    const blocked = await t.h.request('POST', `/v1/contacts/${c.id}/restore`, { key: t.ws.key });
    expect(blocked.status).toBe(409);
    expect(await eventTypes()).toEqual(['contact.upserted', 'contact.deleted', 'contact.restored', 'contact.deleted', 'contact.upserted']);
  });

  test('erasure removes everything and emits a tombstone event without personal data', async () => {
    const { body: c } = await create({ email: 'erase-me@example.com', firstName: 'Private' });
    const res = await t.h.request('DELETE', `/v1/contacts/${c.id}/erase`, { key: t.ws.key });
    expect(res.status).toBe(204);
    expect((await t.h.request('GET', `/v1/contacts/${c.id}`, { key: t.ws.key })).status).toBe(404);
    const events = await t.h.outboxEvents(t.ws.id);
    expect(events.map((e) => e.type)).toEqual(['contact.upserted', 'contact.erased']);
    expect(events[1]!.payload).toEqual({ type: 'contact.erased', workspaceId: t.ws.id, contactId: c.id, version: 2 });
    expect(JSON.stringify(events[1]!.payload)).not.toContain('erase-me');
  });
});

describe('channel status', () => {
  test('one-click actions change the status, record history, and repeat as no-ops', async () => {
    const { body: c } = await create({ email: 'status@example.com', phone: '+14155550142' });
    const unsub = await t.h.request('POST', `/v1/contacts/${c.id}/actions/unsubscribe-email`, { key: t.ws.key });
    expect(unsub.body).toMatchObject({ emailStatus: 'unsubscribed', version: 2 });
    const again = await t.h.request('POST', `/v1/contacts/${c.id}/actions/unsubscribe-email`, { key: t.ws.key });
    expect(again.body.version).toBe(2);
    const phone = await t.h.request('POST', `/v1/contacts/${c.id}/actions/blacklist-phone`, { key: t.ws.key });
    expect(phone.body.phoneStatus).toBe('blacklisted');
    const spam = await t.h.request('POST', `/v1/contacts/${c.id}/status`, {
      key: t.ws.key,
      body: { channel: 'email', status: 'spam_report', reason: 'complaint' },
    });
    expect(spam.body.emailStatus).toBe('spam_report');
    const cleared = await t.h.request('POST', `/v1/contacts/${c.id}/actions/clear-spam-report`, { key: t.ws.key });
    expect(cleared.body.emailStatus).toBe('active');
    const history = await t.h.request('GET', `/v1/contacts/${c.id}/status-history`, { key: t.ws.key });
    expect(history.body.items.map((i: { channel: string; status: string }) => `${i.channel}:${i.status}`)).toEqual([
      'email:active',
      'email:spam_report',
      'phone:blacklisted',
      'email:unsubscribed',
    ]);
    expect(await eventTypes()).toEqual(['contact.upserted', 'contact.upserted', 'contact.upserted', 'contact.upserted', 'contact.upserted']);
  });

  test('a status of the other channel is refused', async () => {
    const { body: c } = await create({ phone: '+14155550143' });
    const res = await t.h.request('POST', `/v1/contacts/${c.id}/status`, { key: t.ws.key, body: { channel: 'phone', status: 'unsubscribed' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.status');
  });
});

describe('list and search', () => {
  let listWs: Workspace;
  const ids: string[] = [];
  beforeAll(async () => {
    listWs = await t.h.createWorkspace();
    for (const [i, name] of ['Alan Turing', 'Barbara Liskov', 'Claude Shannon', 'Donald Knuth', 'Edsger Dijkstra'].entries()) {
      const [firstName, lastName] = name.split(' ');
      const res = await create(
        { email: `${firstName!.toLowerCase()}@example.com`, phone: `+1415555020${i}`, firstName, lastName, emailRating: i * 10 },
        listWs.key,
      );
      ids.push(res.body.id);
    }
  });

  const list = (query: string) => t.h.request('GET', `/v1/contacts?${query}`, { key: listWs.key });

  test('pages by cursor without gaps or repeats, even when contacts are added between pages', async () => {
    const first = await list('limit=2&sort=created&order=asc');
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    await create({ email: 'late@example.com' }, listWs.key);
    const second = await list(`limit=2&sort=created&order=asc&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 4));
    const third = await list(`limit=2&sort=created&order=asc&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((c: { email: string }) => c.email)).toEqual(['edsger@example.com', 'late@example.com']);
    expect(third.body.nextCursor).toBeNull();
  });

  test('sorts by email rating, highest first, unrated last', async () => {
    const res = await list('sort=email_rating&order=desc&limit=10');
    expect(res.body.items.map((c: { emailRating: number | null }) => c.emailRating)).toEqual([40, 30, 20, 10, 0, null]);
  });

  test.each([
    ['q=barbara@', ['barbara@example.com']],
    ['q=Knu', ['donald@example.com']],
    ['q=claude shannon', ['claude@example.com']],
    ['q=%2B14155550204', ['edsger@example.com']],
    ['q=no-such-person', []],
  ])('search %s', async (query, emails) => {
    const res = await list(`${query}&sort=created&order=asc`);
    expect(res.body.items.map((c: { email: string }) => c.email)).toEqual(emails);
  });

  test('search by id', async () => {
    expect((await list(`q=${ids[2]}`)).body.items.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
  });

  test.each([
    ['limit=0', 'query.limit', 'must be at least 1'],
    ['limit=501', 'query.limit', 'must be at most 500'],
    ['sort=name', 'query.sort', 'Invalid option: expected one of "created"|"updated"|"email_rating"'],
    ['cursor=garbage', 'query.cursor', 'must be a cursor returned by this endpoint'],
    ['color=red', 'query', 'Unrecognized key: "color"'],
  ])('%s is refused naming %s', async (query, field, rule) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, rule }]);
  });

  test('a cursor is bound to its sort and order', async () => {
    const first = await list('limit=1&sort=created&order=asc');
    const res = await list(`limit=1&sort=updated&order=asc&cursor=${first.body.nextCursor}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].rule).toBe('was made for sort=created&order=asc; pass the same sort and order');
  });
});

describe('tenant isolation', () => {
  test("another workspace's key sees and changes nothing of this one", async () => {
    const { body: c } = await create({ email: 'mine@example.com' });
    const other = await t.h.createWorkspace();
    const paths: [string, string, unknown?][] = [
      ['GET', `/v1/contacts/${c.id}`],
      ['PATCH', `/v1/contacts/${c.id}`, { firstName: 'Hacked' }],
      ['DELETE', `/v1/contacts/${c.id}`],
      ['POST', `/v1/contacts/${c.id}/restore`],
      ['DELETE', `/v1/contacts/${c.id}/erase`],
      ['POST', `/v1/contacts/${c.id}/actions/blacklist-email`],
      ['GET', `/v1/contacts/${c.id}/status-history`],
    ];
    for (const [method, path, body] of paths) {
      const res = await t.h.request(method, path, { key: other.key, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await t.h.request('GET', `/v1/contacts?q=mine@`, { key: other.key })).body.items).toEqual([]);
    const upsert = await t.h.request('POST', '/v1/contacts/upsert', { key: other.key, body: { matchBy: 'email', contact: { email: 'mine@example.com' } } });
    expect(upsert.body.status).toBe('created'); // a new contact in the other workspace, not ours
    const mine = await t.h.request('GET', `/v1/contacts/${c.id}`, { key: t.ws.key });
    expect(mine.body).toMatchObject({ firstName: null, deletedAt: null, emailStatus: 'active', version: 1 });
  });

  test('a read-only key cannot write', async () => {
    const { rows } = await t.h.env.pool.query("update api_keys set scopes = '{read}' where workspace_id = $1 returning prefix", [t.ws.id]);
    try {
      const res = await create({ email: 'ro@example.com' });
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('This API key lacks the "write" scope');
      expect((await t.h.request('GET', '/v1/contacts', { key: t.ws.key })).status).toBe(200);
    } finally {
      await t.h.env.pool.query("update api_keys set scopes = '{read,write,admin}' where prefix = $1", [rows[0].prefix]);
    }
  });
});

describe('inputs Postgres would refuse are 4xx, not 500', () => {
  test.each([
    [{ email: 'nul@example.com', firstName: 'a\u0000b' }, 'body.firstName', 'must not contain the NUL character'],
    [{ email: 'year@example.com', consentAt: '0000-01-01T00:00:00Z' }, 'body.consentAt', 'must be between the years 1900 and 9999'],
  ])('%j', async (body, field, rule) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, rule }]);
  });

  test('a NUL in a query string', async () => {
    const res = await t.h.request('GET', '/v1/contacts?q=a%00b', { key: t.ws.key });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'query.q', rule: 'must not contain the NUL character' }]);
  });

  test('concurrent upserts of one new phone create one contact', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.h.request('POST', '/v1/contacts/upsert', { key: t.ws.key, body: { matchBy: 'phone', contact: { phone: '+14155550377', firstName: `Racer${i}` } } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.contact.id)).size).toBe(1);
  });
});
