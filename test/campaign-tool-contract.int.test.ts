// Issue 11, row by row: what a campaign tool integrating the API ran into, replayed exactly as a
// client sends it, with the answer it gets now. Each row's deeper cases live beside the feature
// (segments-contract, custom-fields, suppressions, member-data, snapshots, contact-batch-get,
// lists, duplicates, segment-text tests); this file is the table, readable top to bottom.
import { decodeToken } from '../services/api/src/consistency/consistency-token';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { expectSearchIndexConverges } from './support/search-index-equality';
import { expectForgedCursorsRefused } from './support/list-pages';
import { eventually } from './support/test-environment';

let h: ApiHarness;
let ws: Workspace;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown) {
  return h.request(method, path, { key: ws.key, body });
}
const firstCount = async (query: object) => (await call('POST', '/v1/segments/count', { queries: [query] })).body.results[0];

test('row 1: deleting a tag two saved segments use is refused, naming them; forced, they are broken, never silently empty', async () => {
  const vip = (await call('POST', '/v1/tags', { name: 'VIP' })).body.id;
  await call('POST', '/v1/tags', { name: 'Hot lead 2026' });
  const a = (await call('POST', '/v1/segments', { name: 'Row1 A', text: 'tag:ANY [VIP, "Hot lead 2026"]' })).body;
  const b = (await call('POST', '/v1/segments', { name: 'Row1 B', text: 'tag:VIP' })).body;
  const refused = await call('DELETE', `/v1/tags/${vip}`);
  expect(refused.status).toBe(409);
  expect(refused.body.errors[0].rule).toContain(`"Row1 A" (${a.id}), "Row1 B" (${b.id})`);
  const forced = await call('DELETE', `/v1/tags/${vip}?force=true`);
  expect(forced.status).toBe(202);
  const printed = (await call('GET', `/v1/segments/${a.id}`)).body;
  expect(printed.text).toBe('tag:ANY [VIP, "Hot lead 2026"]');
  expect(printed.text).not.toMatch(/[0-9a-f]{8}-/);
  expect(printed.broken.reason).toBe('tag "VIP" was deleted');
  expect(await firstCount({ segmentId: a.id })).toMatchObject({ status: 409 });
  // Saving it again once the deletion job is over (while it runs, the tag is "being deleted").
  expect((await h.jobEnded(ws.key, forced.body.id)).status).toBe('succeeded');
  const patched = await call('PATCH', `/v1/segments/${a.id}`, { text: printed.text });
  expect(patched.body.errors).toEqual([{ field: 'body.text', rule: 'names tags that do not exist in this workspace: "VIP"' }]);
});

test("row 2: the README's own example saves before any contact has its label keys, with a warning", async () => {
  const saved = await call('POST', '/v1/segments', { name: 'Row2', text: 'label:tier IN [gold, silver] AND label:churned NOT EXISTS' });
  expect(saved.status).toBe(201);
  expect(saved.body.warnings[0].rule).toMatch(/^names label keys no contact in this workspace has yet: tier, churned/);
});

test('row 3: an unsubscribe outlives the contact; activities and SMS STOP change the status', async () => {
  const gone = (await call('POST', '/v1/contacts', { email: 'row3@example.com' })).body;
  expect((await call('POST', `/v1/contacts/${gone.id}/actions/unsubscribe-email`, { why: 'x' })).body.errors[0].field).toBe('body');
  await call('POST', `/v1/contacts/${gone.id}/actions/unsubscribe-email`, { reason: 'clicked unsubscribe in the footer' });
  const history = (await call('GET', `/v1/contacts/${gone.id}/status-history`)).body.items;
  expect(history[0]).toMatchObject({ status: 'unsubscribed', reason: 'clicked unsubscribe in the footer' });
  expect((await call('DELETE', `/v1/contacts/${gone.id}`, { reason: 'cleanup' })).status).toBe(200);
  const again = await call('POST', '/v1/contacts', { email: 'row3@example.com' });
  expect(again.body.emailStatus).toBe('unsubscribed');
  const other = (await call('POST', '/v1/contacts', { email: 'row3b@example.com', phone: '+14155550123' })).body;
  const occurredAt = new Date().toISOString();
  await call('POST', `/v1/contacts/${other.id}/activities`, { channel: 'email', status: 'unsubscribed', occurredAt });
  await call('POST', `/v1/contacts/${other.id}/activities`, { channel: 'sms', status: 'unsubscribed', occurredAt });
  expect((await call('GET', `/v1/contacts/${other.id}`)).body).toMatchObject({ emailStatus: 'unsubscribed', phoneStatus: 'opted_out' });
});

test('row 4: a sender gets tags, labels and custom fields in member rows; snapshots list and delete; contacts read in batch', async () => {
  expect((await call('POST', '/v1/custom-fields', { key: 'plan', type: 'string' })).status).toBe(201);
  const c = (
    await call('POST', '/v1/contacts', {
      email: 'row4@example.com',
      tags: ['Row4'],
      createMissing: true,
      labels: { tier: 'gold' },
      customFields: { plan: 'pro' },
    })
  ).body;
  await expectSearchIndexConverges(h.env, ws.id);
  const segment = (await call('POST', '/v1/segments', { name: 'Row4', text: 'tag:Row4' })).body;
  const members = await h.request('GET', `/v1/segments/${segment.id}/members?fields=id,email,tags,labels,custom:plan`, { key: ws.key });
  expect(members.status).toBe(200);
  expect(JSON.parse(members.body)).toEqual({ id: c.id, email: 'row4@example.com', tags: ['Row4'], labels: { tier: 'gold' }, 'custom:plan': 'pro' });
  const started = await call('POST', `/v1/segments/${segment.id}/snapshots`);
  await eventually(
    async () => (await call('GET', `/v1/snapshots/${started.body.snapshot.id}`)).body.status,
    (s) => s === 'ready',
  );
  expect((await call('GET', '/v1/snapshots')).body.items.map((s: { id: string }) => s.id)).toContain(started.body.snapshot.id);
  const read = await call('POST', '/v1/contacts/batch-get', { ids: [c.id] });
  expect(read.body.items[0]).toMatchObject({ id: c.id, customFields: { plan: 'pro' } });
  expect((await call('DELETE', `/v1/snapshots/${started.body.snapshot.id}`)).status).toBe(204);
  expect((await call('GET', `/v1/snapshots/${started.body.snapshot.id}`)).status).toBe(404);
});

test('row 6: errors name the allowed values, and in a 30-query count each query answers for itself', async () => {
  const bogus = await firstCount({ text: 'email_status = bogus' });
  expect(bogus.status).toBe(400);
  expect(bogus.errors[0].rule).toContain('email_status must be one of active, unsubscribed, spam_report, blacklisted, unconfirmed');
  const queries = Array.from({ length: 30 }, (_, i) => ({ text: i === 7 || i === 21 ? 'sendable:fax' : 'sendable:email' }));
  const res = await call('POST', '/v1/segments/count', { queries });
  expect(res.status).toBe(200);
  expect(res.body.results.map((r: { status?: number }, i: number) => [i, r.status ?? 200]).filter(([, s]: number[]) => s !== 200)).toEqual([
    [7, 400],
    [21, 400],
  ]);
  expect(res.body.results[21].errors[0].field).toBe('body.queries.21.text');
  // 404 and 409 answers have the same problem shape, with errors.
  const missing = await call('GET', '/v1/segments/00000000-0000-4000-8000-000000000000');
  expect(missing.body).toMatchObject({ status: 404, errors: expect.any(Array) });
});

test('row 7: one spelling: the language reads the JSON name, suggests on a typo; fields is one string on GET and POST', async () => {
  await call('POST', '/v1/contacts', { email: 'ada7@example.com', firstName: 'Ada' });
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await firstCount({ text: 'firstName = Ada' })).toMatchObject({ total: 1 });
  const typo = await firstCount({ text: 'firstname = Ada' });
  expect(typo.errors[0].rule).toContain('did you mean first_name?');
  const post = await h.request('POST', '/v1/segments/members', { key: ws.key, body: { query: { text: 'firstName = Ada' }, fields: 'id,firstName' } });
  expect(JSON.parse(post.body as unknown as string)).toMatchObject({ firstName: 'Ada' });
  const asArray = await call('POST', '/v1/segments/members', { query: { text: 'firstName = Ada' }, fields: ['id'] });
  expect([asArray.status, asArray.body.errors[0].field]).toEqual([400, 'body.fields']);
});

test('row 8: conditions are normalised like writes: emails lower-cased, countries upper-cased, phones to E.164', async () => {
  await call('POST', '/v1/contacts', { email: 'Ada8@Example.com', phone: '+1 415 555 0188', address: { country: 'fr' } });
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await firstCount({ text: 'email = "ADA8@example.COM"' })).toMatchObject({ total: 1 });
  expect(await firstCount({ text: 'country = fr AND email = "ada8@example.com"' })).toMatchObject({ total: 1 });
  expect(await firstCount({ text: 'phone = "(415) 555-0188"' })).toMatchObject({ status: 400 });
  expect(await firstCount({ text: 'phone = "+1 (415) 555-0188"' })).toMatchObject({ total: 1 });
});

test("row 9: label values take the seed products' own examples", async () => {
  const labels = { landing_page: '/promo', ltv_bucket: '200+', utm: 'google.com', signup: '2024-01-15' };
  const c = await call('POST', '/v1/contacts', { email: 'row9@example.com', labels });
  expect([c.status, c.body.labels]).toEqual([201, labels]);
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await firstCount({ text: 'label:landing_page = "/promo" AND label:ltv_bucket = "200+" AND label:utm = "google.com"' })).toMatchObject({ total: 1 });
  const control = await call('POST', '/v1/contacts', { email: 'row9b@example.com', labels: { bad: 'a\u0007b' } });
  expect([control.status, control.body.errors[0].field]).toEqual([400, 'body.labels.bad']);
});

test('row 10: every list honours limit and gives a cursor', async () => {
  for (const name of ['Row10 a', 'Row10 b']) await call('POST', '/v1/tags', { name });
  for (const path of ['/v1/tags', '/v1/segments', '/v1/jobs', '/v1/labels', '/v1/custom-fields', '/v1/snapshots', '/v1/suppressions', '/v1/imports']) {
    const page = await call('GET', `${path}?limit=1`);
    expect([path, page.status, page.body.items.length <= 1, 'nextCursor' in page.body]).toEqual([path, 200, true, true]);
  }
  const tags = await call('GET', '/v1/tags?limit=1');
  expect(tags.body.nextCursor).toEqual(expect.any(String));
  const values = await call('GET', '/v1/labels/tier/values?limit=1');
  expect([values.status, values.body.items.length]).toEqual([200, 1]);
  // A cursor forged with the list's own name but values no row has is a 400, never a SQL error.
  const lists: [string, string][] = [
    ['/v1/segments', 'segments'],
    ['/v1/suppressions', 'suppressions'],
    ['/v1/snapshots', 'snapshots'],
    ['/v1/tags', 'tags'],
    ['/v1/jobs', 'jobs'],
  ];
  for (const [path, name] of lists) await expectForgedCursorsRefused(h, ws.key, path, name);
});

test('row 11: resolving duplicates needs an action; a merge fills the kept contact from the merged one', async () => {
  const missing = await call('POST', '/v1/duplicates/resolve', { field: 'phone', value: '+14155550199', keep: 'earliest' });
  expect(missing.body.errors).toEqual([{ field: 'body.action', rule: 'is required: merge or remove' }]);
  const kept = (await call('POST', '/v1/contacts', { phone: '+14155550199', firstName: 'Kept' })).body;
  await call('POST', '/v1/contacts', { phone: '+14155550199', email: 'merged@example.com', lastName: 'Other' });
  // The value is read as contacts store it: a phone typed with spaces finds the E.164 one.
  const listed = await call('GET', `/v1/duplicates/phone/${encodeURIComponent('+1 (415) 555-0199')}/contacts`);
  expect(listed.body.items).toHaveLength(2);
  expect((await call('POST', '/v1/duplicates/resolve', { field: 'phone', value: 'call me', keep: 'earliest', action: 'merge' })).body.errors).toEqual([
    { field: 'body.value', rule: 'must be a valid phone number in international format, such as +14155550123' },
  ]);
  expect((await call('POST', '/v1/duplicates/resolve', { field: 'phone', value: '+14155550199', keep: 'first', action: 'merge' })).body.errors).toEqual([
    { field: 'body.keep', rule: 'must be one of earliest, latest' },
  ]);
  const merged = await call('POST', '/v1/duplicates/resolve', { field: 'phone', value: '+1 415 555 0199', keep: 'earliest', action: 'merge' });
  expect(merged.status).toBe(200);
  expect((await call('GET', `/v1/contacts/${kept.id}`)).body).toMatchObject({ email: 'merged@example.com', firstName: 'Kept', lastName: 'Other' });
});

test('point 12: the smaller gaps', async () => {
  // A write that changes nothing still answers a Consistency-Token, already satisfied.
  const c = (await call('POST', '/v1/contacts', { email: 'row12@example.com', subscriptionCategories: ['newsletter'] })).body;
  const same = await call('PATCH', `/v1/contacts/${c.id}`, { email: 'row12@example.com' });
  const token = same.headers.get('consistency-token');
  expect(token).toMatch(/^ct1_/);
  const check = await call('GET', `/v1/consistency?consistencyToken=${encodeURIComponent(token!)}&waitMs=10000`);
  expect(check.body.consistent).toBe(true);
  // It names the version the answer showed, so a read with it sees at least that.
  expect(decodeToken(token!)).toEqual({ workspaceId: ws.id, versions: [{ contactId: c.id, version: same.body.version }] });
  // A write that touches no contact at all (a tag) answers a token that never waits.
  const tag = await call('POST', '/v1/tags', { name: 'Row12' });
  expect(decodeToken(tag.headers.get('consistency-token')!)).toEqual({ workspaceId: ws.id, versions: [] });
  // Engagement windows take weeks and months; subscription categories are conditions.
  await call('POST', `/v1/contacts/${c.id}/activities`, {
    channel: 'email',
    status: 'opened',
    occurredAt: new Date(Date.now() - 9 * 86_400_000).toISOString(),
  });
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await firstCount({ text: 'engagement:email.opened IN LAST 2 WEEKS AND subscription:newsletter' })).toMatchObject({ total: 1 });
  expect(await firstCount({ text: 'engagement:email.opened IN LAST 1 WEEKS' })).toMatchObject({ total: 0 });
  expect(await firstCount({ text: 'engagement:email.opened IN LAST 1 MONTHS' })).toMatchObject({ total: 1 });
  // The Deleted view shows the deletion reason.
  await call('DELETE', `/v1/contacts/${c.id}`, { reason: 'asked to be forgotten later' });
  const deleted = (await call('GET', '/v1/contacts/deleted')).body.items.find((d: { id: string }) => d.id === c.id);
  expect(deleted.deletedReason).toBe('asked to be forgotten later');
});
