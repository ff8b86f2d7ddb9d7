// Duplicate detection and resolution over HTTP against real Postgres.
import { useApiHarness } from '../../../../test/support/api-harness';

const t = useApiHarness();

const post = (path: string, body: unknown, key = t.ws.key) => t.h.request('POST', path, { key, body });
const get = (path: string, key = t.ws.key) => t.h.request('GET', path, { key });

async function threeSharingAPhone(phone: string) {
  const ids: string[] = [];
  for (const [i, name] of ['First', 'Second', 'Third'].entries()) {
    ids.push((await post('/v1/contacts', { phone, email: `${name.toLowerCase()}.${phone.slice(-4)}@example.com`, firstName: name })).body.id);
    await new Promise((r) => setTimeout(r, 5 * (i + 1))); // distinct creation times
  }
  return ids;
}

test('values shared by several live contacts are listed with counts, and the contacts behind one', async () => {
  const ids = await threeSharingAPhone('+14155550301');
  await post('/v1/contacts', { phone: '+14155550302' });
  const list = await get('/v1/duplicates/phone');
  expect(list.body.items).toEqual([{ value: '+14155550301', count: 3 }]);
  const behind = await get('/v1/duplicates/phone/%2B14155550301/contacts');
  expect(behind.body.items.map((c: { id: string; firstName: string }) => [c.id, c.firstName])).toEqual([
    [ids[0], 'First'],
    [ids[1], 'Second'],
    [ids[2], 'Third'],
  ]);
  expect(behind.body.items[0]).toHaveProperty('createdAt');
  expect((await get('/v1/duplicates/email')).body.items).toEqual([]); // emails are unique among live contacts
});

test('merge keeps the earliest, moves tags and labels onto it, and soft-deletes the others', async () => {
  const [a, b, c] = await threeSharingAPhone('+14155550311');
  await post(`/v1/contacts/${b}/tags/add`, { tags: ['From B'], createMissing: true });
  await post(`/v1/contacts/${c}/tags/add`, { tags: ['From C'], createMissing: true });
  await t.h.request('PATCH', `/v1/contacts/${a}/labels`, { key: t.ws.key, body: { set: { tier: 'gold' } } });
  await t.h.request('PATCH', `/v1/contacts/${b}/labels`, { key: t.ws.key, body: { set: { tier: 'bronze', source: 'b' } } });
  await t.h.clearOutbox(t.ws.id);

  const res = await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550311', keep: 'earliest', action: 'merge' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ action: 'merge', kept: a, deleted: [b, c], keptChanged: true, labelsLeftBehind: [] });
  // The kept contact's own values win, and the answer says so.
  expect(res.body.notCarriedOver).toEqual(
    expect.arrayContaining([
      { contactId: b, field: 'firstName', rule: "the kept contact's own value is kept" },
      { contactId: b, field: 'labels.tier', rule: "the kept contact's own value is kept" },
    ]),
  );
  const kept = (await get(`/v1/contacts/${a}`)).body;
  expect(kept.tagIds).toHaveLength(2);
  expect(kept.labels).toEqual({ tier: 'gold', source: 'b' });
  for (const id of [b, c]) expect((await get(`/v1/contacts/${id}`)).body.deletedAt).not.toBeNull();
  const events = (await t.h.outboxEvents(t.ws.id)).map((e) => [e.type, e.aggregateId]);
  // The duplicates are deleted first (in id order), then the kept contact changes once.
  expect(events.slice(0, 2).sort()).toEqual(
    [
      ['contact.deleted', b],
      ['contact.deleted', c],
    ].sort(),
  );
  expect(events.slice(2)).toEqual([['contact.upserted', a]]);
  expect((await t.h.outboxEvents(t.ws.id))[2]!.payload.contact).toMatchObject({ id: a, version: kept.version, labels: { tier: 'gold', source: 'b' } });
  expect((await get('/v1/duplicates/phone')).body.items.map((i: { value: string }) => i.value)).not.toContain('+14155550311');
});

test('remove keeps the latest and moves nothing', async () => {
  const [a, b, c] = await threeSharingAPhone('+14155550321');
  await post(`/v1/contacts/${a}/tags/add`, { tags: ['Only A'], createMissing: true });
  const res = await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550321', keep: 'latest', action: 'remove' });
  expect(res.body).toMatchObject({ kept: c, deleted: [a, b] });
  expect((await get(`/v1/contacts/${c}`)).body.tagIds).toEqual([]);
});

test('a value that is not duplicated, bad input, and another workspace', async () => {
  await post('/v1/contacts', { phone: '+14155550331' });
  expect((await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550331', keep: 'earliest', action: 'merge' })).status).toBe(404);
  const bad = await post('/v1/duplicates/resolve', { field: 'name', value: 'x', keep: 'oldest', action: 'merge' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.field', 'body.keep']);
  await threeSharingAPhone('+14155550341');
  const other = await t.h.createWorkspace();
  expect((await get('/v1/duplicates/phone', other.key)).body.items).toEqual([]);
  expect((await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550341', keep: 'earliest', action: 'merge' }, other.key)).status).toBe(404);
});

// Issue 11, row 11: resolving by phone merged without being asked, and the kept contact kept
// "email": null while the duplicate's email stayed on the deleted duplicate.
test('action missing -> 400 naming body.action and its values; nothing is resolved', async () => {
  await threeSharingAPhone('+14155550351');
  const missing = await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550351', keep: 'earliest' });
  expect(missing.status).toBe(400);
  expect(missing.body.errors).toEqual([{ field: 'body.action', rule: 'is required: merge or remove' }]);
  const wrong = await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550351', keep: 'earliest', action: 'combine' });
  expect(wrong.body.errors).toEqual([{ field: 'body.action', rule: 'must be one of merge, remove' }]);
  expect((await get('/v1/duplicates/phone')).body.items.map((i: { value: string }) => i.value)).toContain('+14155550351');
});

test("merge fills the kept contact's empty email, names, address and custom fields from the duplicate", async () => {
  const phone = '+14155550361';
  await t.h.request('POST', '/v1/custom-fields', { key: t.ws.key, body: { key: 'plan', type: 'string' } });
  const kept = (await post('/v1/contacts', { phone, firstName: 'Ada' })).body;
  await new Promise((r) => setTimeout(r, 5));
  const dup = (
    await post('/v1/contacts', {
      phone,
      email: 'ada.merged@example.com',
      firstName: 'Adeline',
      lastName: 'Lovelace',
      address: { city: 'London', country: 'GB' },
      customFields: { plan: 'pro' },
      emailStatus: 'unsubscribed',
    })
  ).body;
  const res = await post('/v1/duplicates/resolve', { field: 'phone', value: phone, keep: 'earliest', action: 'merge' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    kept: kept.id,
    deleted: [dup.id],
    notCarriedOver: [{ contactId: dup.id, field: 'firstName', rule: "the kept contact's own value is kept" }],
  });
  const after = (await get(`/v1/contacts/${kept.id}`)).body;
  expect(after).toMatchObject({
    email: 'ada.merged@example.com', // moved within one transaction: the duplicate was deleted first, so the unique email rule holds
    firstName: 'Ada',
    lastName: 'Lovelace',
    address: { city: 'London', country: 'GB' },
    customFields: { plan: 'pro' },
    emailStatus: 'unsubscribed', // the strictest status
  });
  const history = (await get(`/v1/contacts/${kept.id}/status-history`)).body.items;
  expect(history[0]).toMatchObject({ channel: 'email', status: 'unsubscribed', reason: `merged: the stricter status of duplicate ${dup.id}` });
  expect((await get(`/v1/contacts/${dup.id}`)).body.deletedAt).not.toBeNull();
});

test('a label named __proto__ on the merged-away contact is carried over', async () => {
  const [a, b] = await threeSharingAPhone('+14155550371');
  await t.h.request('PATCH', `/v1/contacts/${b}/labels`, { key: t.ws.key, body: JSON.parse('{"set": {"__proto__": "kept", "constructor": "too"}}') });
  const res = await post('/v1/duplicates/resolve', { field: 'phone', value: '+14155550371', keep: 'earliest', action: 'merge' });
  expect(res.status).toBe(200);
  const labels = (await get(`/v1/contacts/${a}`)).body.labels;
  expect(Object.entries(labels).sort()).toEqual([
    ['__proto__', 'kept'],
    ['constructor', 'too'],
  ]);
});
