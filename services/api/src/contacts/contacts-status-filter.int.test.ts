// GET /v1/contacts filtered by channel status over HTTP against real Postgres: the filters combine
// with each other, with search, sort and cursor paging, and never show another workspace's contacts.
import { useApiHarness, Workspace } from '../../../../test/support/api-harness';

const t = useApiHarness();

let ws: Workspace;
let other: Workspace;
const emailsOf = (body: { items: { email: string }[] }) => body.items.map((c) => c.email);

beforeAll(async () => {
  ws = await t.h.createWorkspace();
  other = await t.h.createWorkspace();
  const seed: [Workspace, string, string, string][] = [
    [ws, 'ada@example.com', 'blacklisted', 'active'],
    [ws, 'alan@example.com', 'active', 'opted_out'],
    [ws, 'anna@example.com', 'blacklisted', 'opted_out'],
    [ws, 'bob@example.com', 'blacklisted', 'active'],
    [ws, 'carl@example.com', 'unsubscribed', 'active'],
    [other, 'ada-other@example.com', 'blacklisted', 'active'],
    [other, 'anna-other@example.com', 'blacklisted', 'opted_out'],
  ];
  for (const [w, email, emailStatus, phoneStatus] of seed) {
    const phone = `+1415555${String(1000 + seed.findIndex((s) => s[1] === email))}`;
    const res = await t.h.request('POST', '/v1/contacts', {
      key: w.key,
      body: { email, phone, firstName: email.slice(0, email.indexOf('@')), emailStatus, phoneStatus },
    });
    expect(res.status).toBe(201);
  }
});

const list = (query: string, key = ws.key) => t.h.request('GET', `/v1/contacts?${query}`, { key });

test.each([
  ['emailStatus=blacklisted', ['ada@example.com', 'anna@example.com', 'bob@example.com']],
  ['phoneStatus=opted_out', ['alan@example.com', 'anna@example.com']],
  ['emailStatus=blacklisted&phoneStatus=opted_out', ['anna@example.com']],
  ['emailStatus=blacklisted&q=A', ['ada@example.com', 'anna@example.com']],
  ['emailStatus=spam_report', []],
])('%s lists exactly this workspace’s contacts in that status', async (query, emails) => {
  const res = await list(`${query}&sort=created&order=asc`);
  expect(res.status).toBe(200);
  expect(emailsOf(res.body)).toEqual(emails);
});

test('a filter pages by cursor with sort and order, without gaps or repeats', async () => {
  const first = await list('emailStatus=blacklisted&sort=created&order=desc&limit=2');
  expect(emailsOf(first.body)).toEqual(['bob@example.com', 'anna@example.com']);
  const second = await list(`emailStatus=blacklisted&sort=created&order=desc&limit=2&cursor=${first.body.nextCursor}`);
  expect(emailsOf(second.body)).toEqual(['ada@example.com']);
  expect(second.body.nextCursor).toBeNull();
});

test("another workspace's key lists only its own contacts under the same filters", async () => {
  const res = await list('emailStatus=blacklisted&sort=created&order=asc', other.key);
  expect(emailsOf(res.body)).toEqual(['ada-other@example.com', 'anna-other@example.com']);
  const both = await list('emailStatus=blacklisted&phoneStatus=opted_out', other.key);
  expect(emailsOf(both.body)).toEqual(['anna-other@example.com']);
});

test.each([
  ['emailStatus=opted_out', 'query.emailStatus'],
  ['phoneStatus=unsubscribed', 'query.phoneStatus'],
  ['emailStatus=', 'query.emailStatus'],
])('%s is refused naming %s', async (query, field) => {
  const res = await list(query);
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([{ field, rule: expect.stringContaining('expected one of') }]);
});

test('the Deleted view takes no status filter', async () => {
  const res = await t.h.request('GET', '/v1/contacts/deleted?emailStatus=blacklisted', { key: ws.key });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([{ field: 'query', rule: 'Unrecognized key: "emailStatus"' }]);
});
