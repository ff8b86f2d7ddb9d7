// Suppressions outlive contacts (issue 11, row 3), as a client sees them over HTTP against real
// Postgres: delete or erase a suppressed contact, create it again, and the status comes back with
// the history saying why; activities set statuses; the list is paged, looked up and lifted.
import { randomUUID } from 'node:crypto';
import { useApiHarness } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';

// The job runner writes CSV imports.
const t = useApiHarness({ jobRunner: true });

const req = (method: string, path: string, body?: unknown, key = t.ws.key) => t.h.request(method, path, { key, body });
const email = () => `sup-${randomUUID().slice(0, 8)}@example.com`;
let phoneSeq = 0;
const phone = () => `+1415555${String(1000 + phoneSeq++).padStart(4, '0')}`;
const history = async (id: string) =>
  (await req('GET', `/v1/contacts/${id}/status-history`)).body.items as { channel: string; status: string; reason: string }[];
const lookup = async (address: string, channel?: string) =>
  (await req('GET', `/v1/suppressions?address=${encodeURIComponent(address)}${channel ? `&channel=${channel}` : ''}`)).body.items;
const now = () => new Date(Date.now() - 1000).toISOString();
const TODAY = new Date().toISOString().slice(0, 10);

async function deletedUnsubscribed(address: string) {
  const created = await req('POST', '/v1/contacts', { email: address, firstName: 'Gone' });
  await req('POST', `/v1/contacts/${created.body.id}/actions/unsubscribe-email`);
  expect((await req('DELETE', `/v1/contacts/${created.body.id}`, { reason: 'cleanup' })).status).toBe(200);
  return created.body.id as string;
}

describe('a suppressed address outlives its contact', () => {
  // Every write path goes through the batch writer; each must carry the suppression over.
  test.each([
    { path: 'create', write: (e: string) => req('POST', '/v1/contacts', { email: e }).then((r) => r.body) },
    {
      path: 'create asking for active',
      write: (e: string) => req('POST', '/v1/contacts', { email: e, emailStatus: 'active', statusReason: 'form' }).then((r) => r.body),
    },
    {
      path: 'upsert',
      write: (e: string) => req('POST', '/v1/contacts/upsert', { matchBy: 'email', contact: { email: e, firstName: 'Back' } }).then((r) => r.body.contact),
    },
    {
      path: 'batch upsert asking for active',
      write: async (e: string) => {
        const res = await req('POST', '/v1/contacts/batch-upsert', { matchBy: 'email', contacts: [{ email: e, emailStatus: 'active' }] });
        return (await req('GET', `/v1/contacts/${res.body.results[0].id}`)).body;
      },
    },
  ])('delete an unsubscribed contact, $path with the same email -> unsubscribed, the history says why', async ({ write }) => {
    const address = email();
    const goneId = await deletedUnsubscribed(address);
    const entry = (await lookup(address))[0];
    expect(entry).toMatchObject({ channel: 'email', address, status: 'unsubscribed', contactId: goneId, erasedAt: null });

    const again = await write(address);
    expect(again.id).not.toBe(goneId);
    expect(again.emailStatus).toBe('unsubscribed');
    expect((await history(again.id))[0]).toEqual(
      expect.objectContaining({ channel: 'email', status: 'unsubscribed', reason: `suppressed: unsubscribed on ${TODAY}, kept from a deleted contact` }),
    );
  });

  test('a CSV import asking for active on an unsubscribed address imports it unsubscribed', async () => {
    const address = email();
    await deletedUnsubscribed(address);
    const created = await req('POST', '/v1/imports', { matchBy: 'email' });
    expect(created.status).toBe(201);
    const upload = await fetch(`${t.h.api.url}/v1/imports/${created.body.id}/file`, {
      method: 'PUT',
      headers: { 'x-api-key': t.ws.key, 'content-type': 'text/csv' },
      body: `email,first_name,email_status\n${address},Imported,active\n`,
    });
    expect(upload.status).toBe(202);
    const listed = await eventually(
      () => req('GET', `/v1/contacts?q=${encodeURIComponent(address)}`),
      (r) => r.body.items.length === 1,
      30_000,
    );
    const imported = listed.body.items[0];
    expect(imported).toMatchObject({ firstName: 'Imported', emailStatus: 'unsubscribed' });
    expect((await history(imported.id))[0]!.reason).toBe(`suppressed: unsubscribed on ${TODAY}, kept from a deleted contact`);
  });

  test('a deleted contact with an active status suppresses nothing', async () => {
    const address = email();
    const c = await req('POST', '/v1/contacts', { email: address });
    await req('DELETE', `/v1/contacts/${c.body.id}`);
    expect(await lookup(address)).toEqual([]);
    expect((await req('POST', '/v1/contacts', { email: address })).body.emailStatus).toBe('active');
  });

  test('erase -> the address is gone, its hash kept, and a re-created contact is still suppressed', async () => {
    const address = email();
    const c = await req('POST', '/v1/contacts', { email: address, phone: phone() });
    await req('POST', `/v1/contacts/${c.body.id}/status`, { channel: 'email', status: 'spam_report', reason: 'complaint' });
    expect((await req('DELETE', `/v1/contacts/${c.body.id}/erase`)).status).toBe(204);

    const [entry] = await lookup(address);
    expect(entry).toMatchObject({ channel: 'email', address: null, status: 'spam_report', erasedAt: expect.any(String) });
    const { rows } = await t.h.env.pool.query('select * from suppressions where workspace_id = $1', [t.ws.id]);
    expect(JSON.stringify(rows)).not.toContain(address);
    expect(rows.find((r) => r.id === entry.id).address_hash).toHaveLength(32);
    // The erased contact's active phone is not on the list at all.
    expect(await lookup(c.body.phone)).toEqual([]);

    const again = await req('POST', '/v1/contacts', { email: address.toUpperCase() });
    expect(again.body.emailStatus).toBe('spam_report');
    expect((await history(again.body.id))[0]!.reason).toBe(`suppressed: spam_report on ${TODAY}, kept from an erased contact`);
    expect((await lookup(address))[0].address).toBeNull(); // an erased entry never gets its address back
  });

  test("an upsert asking for active never undoes a live contact's unsubscribe; an explicit re-subscribe lifts it", async () => {
    const address = email();
    const c = (await req('POST', '/v1/contacts', { email: address, emailStatus: 'unsubscribed' })).body;
    expect(await lookup(address)).toHaveLength(1); // on the list as soon as it is set
    const upserted = await req('POST', '/v1/contacts/upsert', { matchBy: 'email', contact: { email: address, emailStatus: 'active' } });
    expect(upserted.body.contact.emailStatus).toBe('unsubscribed');

    const resubscribed = await req('POST', `/v1/contacts/${c.id}/status`, { channel: 'email', status: 'active', reason: 'opted in again on the form' });
    expect(resubscribed.body.emailStatus).toBe('active');
    expect(await lookup(address)).toEqual([]);
    await req('DELETE', `/v1/contacts/${c.id}`);
    expect((await req('POST', '/v1/contacts', { email: address })).body.emailStatus).toBe('active');
  });

  test("an explicit status change on one channel leaves the other channel's entry alone", async () => {
    const shared = phone();
    const a = (await req('POST', '/v1/contacts', { email: email(), phone: shared })).body;
    const b = (await req('POST', '/v1/contacts', { email: email(), phone: shared, phoneStatus: 'opted_out' })).body;
    await req('POST', `/v1/contacts/${a.id}/status`, { channel: 'phone', status: 'blacklisted', reason: 'fraud' });
    expect((await lookup(shared, 'phone'))[0]).toMatchObject({ status: 'blacklisted', reason: 'fraud' });
    await req('POST', `/v1/contacts/${b.id}/status`, { channel: 'email', status: 'unsubscribed', reason: 'email only' });
    expect((await lookup(shared, 'phone'))[0]).toMatchObject({ status: 'blacklisted', reason: 'fraud' });
  });

  test('the strictest status wins: a create asking for blacklisted on an unsubscribed address is blacklisted', async () => {
    const address = email();
    await deletedUnsubscribed(address);
    const c = await req('POST', '/v1/contacts', { email: address, emailStatus: 'blacklisted', statusReason: 'fraud' });
    expect(c.body.emailStatus).toBe('blacklisted');
    expect((await history(c.body.id))[0]!.reason).toBe('fraud');
    expect((await lookup(address))[0].status).toBe('blacklisted');
  });
});

describe('activities set channel statuses', () => {
  test('an email unsubscribed activity -> unsubscribed, with history and an event; a spam complaint -> spam_report', async () => {
    const c = (await req('POST', '/v1/contacts', { email: email() })).body;
    await t.h.clearOutbox(t.ws.id);
    const res = await req('POST', `/v1/contacts/${c.id}/activities`, { channel: 'email', status: 'unsubscribed', messageName: 'Weekly', occurredAt: now() });
    expect(res.status).toBe(201);
    const after = (await req('GET', `/v1/contacts/${c.id}`)).body;
    expect(after.emailStatus).toBe('unsubscribed');
    expect((await history(c.id))[0]!.reason).toMatch(/^email unsubscribed activity at .* \(message "Weekly"\)$/);
    const events = await t.h.outboxEvents(t.ws.id);
    expect(events.map((e) => e.type)).toEqual(['contact.engagement_recorded', 'contact.upserted']);
    expect(events[1]!.payload.contact).toMatchObject({ emailStatus: 'unsubscribed', version: after.version });

    const batch = await req('POST', '/v1/activities/batch', { activities: [{ contactId: c.id, channel: 'email', status: 'spam_report', occurredAt: now() }] });
    expect([batch.status, batch.body]).toEqual([200, expect.objectContaining({ summary: { stored: 1, failed: 0 } })]);
    expect((await req('GET', `/v1/contacts/${c.id}`)).body.emailStatus).toBe('spam_report');
    expect((await lookup(c.email))[0].status).toBe('spam_report');
  });

  test('an unsubscribe never weakens a stricter status', async () => {
    const c = (await req('POST', '/v1/contacts', { email: email(), emailStatus: 'blacklisted' })).body;
    await req('POST', `/v1/contacts/${c.id}/activities`, { channel: 'email', status: 'unsubscribed', occurredAt: now() });
    expect((await req('GET', `/v1/contacts/${c.id}`)).body.emailStatus).toBe('blacklisted');
  });

  test('an SMS STOP reply (sms unsubscribed) -> phoneStatus opted_out, kept when the contact is deleted', async () => {
    const number = phone();
    const c = (await req('POST', '/v1/contacts', { phone: number })).body;
    await req('POST', `/v1/contacts/${c.id}/activities`, { channel: 'sms', status: 'unsubscribed', occurredAt: now() });
    const after = (await req('GET', `/v1/contacts/${c.id}`)).body;
    expect(after).toMatchObject({ phoneStatus: 'opted_out', emailStatus: 'active' });
    await req('DELETE', `/v1/contacts/${c.id}`);
    const again = await req('POST', '/v1/contacts', { phone: number });
    expect(again.body.phoneStatus).toBe('opted_out');
    // opted_out is a status like the others: settable, and never sendable (docs/sendability.md).
    expect((await req('POST', `/v1/contacts/${again.body.id}/status`, { channel: 'phone', status: 'active', reason: 'texted START' })).body.phoneStatus).toBe(
      'active',
    );
    expect(await lookup(number, 'phone')).toEqual([]);
  });
});

describe('GET and DELETE /v1/suppressions', () => {
  test('pages newest first, filters by channel, lifts one entry, and stays in its workspace', async () => {
    const ws = await t.h.createWorkspace();
    const mine = (method: string, path: string, body?: unknown) => req(method, path, body, ws.key);
    const addresses = [email(), email(), email()];
    for (const address of addresses) await mine('POST', '/v1/contacts', { email: address, emailStatus: 'unsubscribed' });
    const number = phone();
    await mine('POST', '/v1/contacts', { phone: number, phoneStatus: 'blacklisted' });

    const first = await mine('GET', '/v1/suppressions?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { address: string }) => s.address)).toEqual([number, addresses[2]]);
    const second = await mine('GET', `/v1/suppressions?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((s: { address: string }) => s.address)).toEqual([addresses[1], addresses[0]]);
    expect(second.body.nextCursor).toBeNull();
    const phones = await mine('GET', '/v1/suppressions?channel=phone');
    expect(phones.body.items).toEqual([
      {
        id: expect.any(String),
        channel: 'phone',
        address: number,
        status: 'blacklisted',
        reason: 'set at creation',
        contactId: expect.any(String),
        suppressedAt: expect.any(String),
        erasedAt: null,
      },
    ]);

    expect((await req('GET', '/v1/suppressions?channel=phone')).body.items.map((s: { address: string }) => s.address)).not.toContain(number);
    expect((await req('DELETE', `/v1/suppressions/${phones.body.items[0].id}`)).status).toBe(404);
    const lifted = await mine('DELETE', `/v1/suppressions/${phones.body.items[0].id}`);
    expect(lifted.status).toBe(200);
    expect(lifted.body.address).toBe(number);
    expect((await mine('DELETE', `/v1/suppressions/${phones.body.items[0].id}`)).status).toBe(404);
    expect((await mine('GET', '/v1/suppressions?channel=phone')).body.items).toEqual([]);
  });

  test.each([
    ['/v1/suppressions?channel=sms', 'query.channel', 'must be one of email, phone'],
    ['/v1/suppressions?limit=0', 'query.limit', 'must be at least 1'],
    ['/v1/suppressions?cursor=nonsense', 'query.cursor', 'must be a cursor returned by this endpoint'],
    ['/v1/suppressions?colour=red', 'query', expect.stringContaining('colour')],
  ])('%s -> 400 naming %s', async (path, field, rule) => {
    const res = await req('GET', path);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ field, rule }]));
  });

  test('DELETE with a malformed id -> 400; without a key -> 401', async () => {
    const bad = await req('DELETE', '/v1/suppressions/not-an-id');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'params.id', rule: 'must be a suppression id (UUID)' }]);
    expect((await t.h.request('GET', '/v1/suppressions')).status).toBe(401);
  });
});

test('the Deleted view shows the deletion reason and the key that deleted', async () => {
  const c = (await req('POST', '/v1/contacts', { email: email() })).body;
  await req('DELETE', `/v1/contacts/${c.id}`, { reason: 'asked to be forgotten by phone' });
  const view = await req('GET', `/v1/contacts/deleted?q=${encodeURIComponent(c.email)}`);
  expect(view.body.items).toEqual([
    expect.objectContaining({ id: c.id, deletedReason: 'asked to be forgotten by phone', deletedBy: expect.any(String), deletedAt: expect.any(String) }),
  ]);
  const live = await req('GET', '/v1/contacts?limit=1');
  expect(live.body.items[0]).not.toHaveProperty('deletedReason');
});
