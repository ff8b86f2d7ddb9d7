// Segment size over time on the whole real path: counts recorded at chosen instants (the
// recorder's own schedule is the same call at each interval's start), read back as a series in
// hour and day steps, each segment's change over 7 days in the list, one recording per instant
// however many processes try, tenant isolation and refused ranges.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let a: Workspace;
let b: Workspace;
let segmentId: string;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Two instants of yesterday (UTC): one day bucket, two hour buckets, both within the last 7 days.
const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY;
const first = new Date(yesterday + HOUR);
const second = new Date(yesterday + 2 * HOUR);

async function gold(ws: Workspace, emails: string[]) {
  const res = await h.request('POST', '/v1/contacts/batch-upsert', {
    key: ws.key,
    body: { matchBy: 'email', contacts: emails.map((email) => ({ email, labels: { tier: 'gold' } })) },
  });
  expect(res.status).toBe(200);
  await expectSearchIndexConverges(h.env, ws.id);
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true });
  a = await h.createWorkspace();
  b = await h.createWorkspace();
  const saved = await h.request('POST', '/v1/segments', { key: a.key, body: { name: 'Gold', text: 'label:tier = gold' } });
  expect(saved.status).toBe(201);
  segmentId = saved.body.id;
  await gold(a, ['a1@history.example.com', 'a2@history.example.com', 'a3@history.example.com']);
  expect(await h.api.segmentHistory.recordAt(first)).toBeGreaterThanOrEqual(1);
  await gold(a, ['a4@history.example.com', 'a5@history.example.com']);
  // The api has read the change (a cached count of 3 would otherwise be recorded again).
  await h.api.countChanges.poll();
  await h.api.countChanges.poll();
  expect(await h.api.segmentHistory.recordAt(second)).toBeGreaterThanOrEqual(1);
});
afterAll(async () => h?.stop());

const history = (query: string, ws = a) => h.request('GET', `/v1/segments/${segmentId}/history?${query}`, { key: ws.key });

test('an instant is recorded once, whoever asks again; a claim left unfinished past its lease is taken over', async () => {
  expect(await h.api.segmentHistory.recordAt(first)).toBeUndefined();
  const { rows } = await h.env.pool.query('select count(*)::int as n from segment_count_history where segment_id = $1', [segmentId]);
  expect(rows[0].n).toBe(2);
  const third = new Date(yesterday + 3 * HOUR);
  // A claimer that died 11 minutes ago, and one that started a minute ago and is still at it.
  await h.env.pool.query("insert into segment_history_runs (recorded_at, started_at) values ($1, now() - interval '11 minutes')", [third]);
  const fourth = new Date(yesterday + 4 * HOUR);
  await h.env.pool.query("insert into segment_history_runs (recorded_at, started_at) values ($1, now() - interval '1 minute')", [fourth]);
  expect(await h.api.segmentHistory.recordAt(third)).toBeGreaterThanOrEqual(1);
  expect(await h.api.segmentHistory.recordAt(fourth)).toBeUndefined();
  const recorded = await h.env.pool.query('select recorded_at from segment_count_history where segment_id = $1 order by recorded_at', [segmentId]);
  expect(recorded.rows.map((r) => new Date(r.recorded_at).toISOString())).toEqual([first, second, third].map((d) => d.toISOString()));
});

test('the series in hour steps holds each recorded count, in day steps the last of the day', async () => {
  const range = `from=${new Date(yesterday).toISOString()}&to=${new Date(yesterday + DAY).toISOString()}`;
  const hourly = await history(`${range}&step=hour`);
  expect(hourly.status).toBe(200);
  // Three recordings (the first test took a third over at 03:00).
  const third = new Date(yesterday + 3 * HOUR);
  expect(hourly.body.points).toEqual([
    { at: first.toISOString(), recordedAt: first.toISOString(), total: 3, sendable: { email: 3, phone: 0 } },
    { at: second.toISOString(), recordedAt: second.toISOString(), total: 5, sendable: { email: 5, phone: 0 } },
    { at: third.toISOString(), recordedAt: third.toISOString(), total: 5, sendable: { email: 5, phone: 0 } },
  ]);
  const daily = await history(`${range}&step=day`);
  expect(daily.body.points).toEqual([{ at: new Date(yesterday).toISOString(), recordedAt: third.toISOString(), total: 5, sendable: { email: 5, phone: 0 } }]);
  // The default range is the 7 days before now, in hour steps.
  expect((await history('')).body.points.map((p: { total: number }) => p.total)).toEqual([3, 5, 5]);
});

test("the segment list shows each segment's change over the last 7 days", async () => {
  const list = await h.request('GET', '/v1/segments', { key: a.key });
  const item = list.body.items.find((s: { id: string }) => s.id === segmentId);
  expect(item.change7d).toEqual({ from: 3, to: 5, delta: 2, since: first.toISOString() });
  const unrecorded = await h.request('POST', '/v1/segments', { key: a.key, body: { name: 'Silver', text: 'label:tier = silver' } });
  const again = await h.request('GET', '/v1/segments', { key: a.key });
  expect(again.body.items.find((s: { id: string }) => s.id === unrecorded.body.id).change7d).toBeNull();
});

test("another workspace's key never reads the history", async () => {
  const res = await history('', b);
  expect(res.status).toBe(404);
});

test('a range ending before it starts, an unknown step or too many points is a 400 naming the field', async () => {
  const reversed = await history(`from=${second.toISOString()}&to=${first.toISOString()}`);
  expect(reversed.status).toBe(400);
  expect(reversed.body.errors).toEqual([{ field: 'query.from', rule: expect.stringContaining('must be before to') }]);
  const minute = await history('step=minute');
  expect(minute.status).toBe(400);
  expect(minute.body.errors[0].field).toBe('query.step');
  const tooLong = await history(`from=${new Date(Date.now() - 400 * DAY).toISOString()}&step=hour`);
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.errors).toEqual([{ field: 'query.step', rule: expect.stringContaining('an answer holds at most 1000') }]);
  const notADate = await history('from=yesterday');
  expect(notADate.status).toBe(400);
  expect(notADate.body.errors[0].field).toBe('query.from');
});
