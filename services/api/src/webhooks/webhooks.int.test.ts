// Webhooks end to end against real Postgres and Kafka: a receiver on the loopback address gets
// segment events published on the segment-events topic and tag events made through the API,
// signed with the webhook's secret; failures are retried with backoff, pause the webhook after
// the configured failures in a row, and resume delivers; a duplicated event is delivered once;
// bad registrations are 4xx naming the field; one workspace never sees or gets another's; one
// webhook's backlog does not hold up another's; erasing a contact deletes its deliveries; an event
// older than the retention makes no delivery. (Loopback refused: webhooks-address.int.test.ts.)
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventPublisher, EventPublisher, MembershipEvent, membershipEventKey } from '@segmenter/shared';
import { Kafka, logLevel } from 'kafkajs';
import { useApiHarness, Workspace } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';
import { queueDeliveries } from './webhook-deliveries-store';
import { webhookSignatureMatches } from './webhook-signature';

/** A failure streak pauses a webhook once it has 3 failures and lasted this long. */
const PAUSE_AFTER_MS = 800;

const t = useApiHarness({
  relay: true,
  webhooks: true,
  configure: (config) => ({
    ...config,
    webhooks: {
      ...config.webhooks,
      retryBaseMs: 100,
      retryMaxMs: 300,
      pauseAfterFailures: 3,
      pauseAfterMs: PAUSE_AFTER_MS,
      maxAttempts: 10,
      pollIntervalMs: 50,
      timeoutMs: 3000,
    },
  }),
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1: records every request per path and answers what `answer` says for that path. */
const received: Received[] = [];
const answers = new Map<string, (nth: number) => number>();
/** Paths whose answers wait this long; the most requests each had open at once. */
const delays = new Map<string, number>();
const open = new Map<string, number>();
const mostOpen = new Map<string, number>();
let receiver: Server;
let receiverUrl: string;
let publisher: EventPublisher;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const nth = received.filter((r) => r.path === path).length;
      open.set(path, (open.get(path) ?? 0) + 1);
      mostOpen.set(path, Math.max(mostOpen.get(path) ?? 0, open.get(path)!));
      setTimeout(
        () => {
          open.set(path, open.get(path)! - 1);
          res.statusCode = (answers.get(path) ?? (() => 200))(nth);
          res.end('thanks');
        },
        delays.get(path) ?? 0,
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  publisher = await createEventPublisher({ brokers: t.h.env.config.kafka.brokers, clientId: 'webhooks-test' }, t.h.env.log);
});
afterAll(async () => {
  await publisher?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const call = (method: string, path: string, body?: unknown, key = t.ws.key) => t.h.request(method, path, { key, body });
const at = (path: string) => received.filter((r) => r.path === path);

async function register(path: string, events: string[], extra: object = {}, key = t.ws.key) {
  const res = await call('POST', '/v1/webhooks', { url: `${receiverUrl}${path}`, events, ...extra }, key);
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

function membershipEvent(workspaceId: string, overrides: Partial<MembershipEvent> = {}): MembershipEvent {
  const base = {
    schemaVersion: 1 as const,
    type: 'segment.entered' as const,
    workspaceId,
    segmentId: randomUUID(),
    contactId: randomUUID(),
    contactVersion: 1,
    cause: 'change' as const,
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
  return { ...base, eventKey: overrides.eventKey ?? membershipEventKey(base) };
}

const publishMembership = (...events: MembershipEvent[]) =>
  publisher.publish(
    t.h.env.config.kafka.topics.segmentEvents,
    events.map((e) => ({ key: e.contactId, value: JSON.stringify(e) })),
  );

const deliveries = async (webhookId: string, key = t.ws.key) => (await call('GET', `/v1/webhooks/${webhookId}/deliveries`, undefined, key)).body.items as any[];

function expectSigned(request: Received, secret: string) {
  const timestamp = Number(request.headers['x-segmenter-timestamp']);
  expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
  expect(webhookSignatureMatches(secret, timestamp, request.body, String(request.headers['x-segmenter-signature']))).toBe(true);
}

/** The members of the fan-out's consumer group of a source topic (none: that topic is not being read). */
async function fanOutMembers(source: 'segment-events' | 'contact-events'): Promise<number> {
  const admin = new Kafka({ brokers: t.h.env.config.kafka.brokers, clientId: 'webhooks-test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([`${t.h.env.config.webhooks.consumerGroup}.${source}`]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

// First in the file: until then the workspace has no webhook.
test('a source topic is read only while some webhook subscribes to its events; the first tag webhook still gets the tags added after it', async () => {
  // Without webhooks, nothing is read: an import's contact events cost this process nothing.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect([await fanOutMembers('segment-events'), await fanOutMembers('contact-events')]).toEqual([0, 0]);

  const segmentsOnly = await register('/first-segments', ['segment.exited']);
  await eventually(
    () => fanOutMembers('segment-events'),
    (n) => n === 1,
    20_000,
  );
  expect(await fanOutMembers('contact-events')).toBe(0);

  // Registered in SQL's sight only when the API answers; the tag added right after is not lost
  // while the contact-events consumer joins: it resumes where its group stopped (here: the start).
  const tags = await register('/first-tags', ['contact.tags_added']);
  const contact = (await call('POST', '/v1/contacts', { email: 'first-tags@example.com' })).body.id as string;
  expect((await call('POST', `/v1/contacts/${contact}/tags/add`, { tags: ['First'], createMissing: true })).status).toBe(200);
  await eventually(
    () => fanOutMembers('contact-events'),
    (n) => n === 1,
    20_000,
  );
  await eventually(
    async () => at('/first-tags').map((r) => JSON.parse(r.body) as { type: string; data: { contactId: string } }),
    (bodies) => bodies.some((b) => b.type === 'contact.tags_added' && b.data.contactId === contact),
    30_000,
  );

  // The last webhook of a source deleted: its topic is no longer read.
  expect((await call('DELETE', `/v1/webhooks/${tags.id}`)).status).toBe(204);
  await eventually(
    () => fanOutMembers('contact-events'),
    (n) => n === 0,
    20_000,
  );
  expect(await fanOutMembers('segment-events')).toBe(1);
  expect((await call('DELETE', `/v1/webhooks/${segmentsOnly.id}`)).status).toBe(204);
  await eventually(
    () => fanOutMembers('segment-events'),
    (n) => n === 0,
    20_000,
  );
});

test('a segment event from the topic and a tag added through the API reach the receiver, signed with the secret', async () => {
  const hook = await register('/both', ['segment.entered', 'contact.tags_added']);
  expect(hook.secret).toMatch(/^whsec_/);
  const shown = await call('GET', `/v1/webhooks/${hook.id}`);
  expect(shown.body).toMatchObject({ id: hook.id, url: `${receiverUrl}/both`, events: ['segment.entered', 'contact.tags_added'], status: 'active' });
  expect(shown.body.secret).toBeUndefined();

  const entered = membershipEvent(t.ws.id);
  await publishMembership(entered);
  const contact = (await call('POST', '/v1/contacts', { email: 'hooked@example.com' })).body.id as string;
  const tagged = await call('POST', `/v1/contacts/${contact}/tags/add`, { tags: ['Hooked'], createMissing: true });
  expect(tagged.status).toBe(200);

  await eventually(
    async () => at('/both').length,
    (n) => n >= 2,
    30_000,
  );
  const bodies = at('/both').map((r) => JSON.parse(r.body));
  const segmentBody = bodies.find((b) => b.type === 'segment.entered');
  expect(segmentBody).toEqual({ id: entered.eventKey, type: 'segment.entered', workspaceId: t.ws.id, occurredAt: entered.occurredAt, data: entered });
  const tagBody = bodies.find((b) => b.type === 'contact.tags_added');
  expect(tagBody).toMatchObject({ type: 'contact.tags_added', workspaceId: t.ws.id, data: { contactId: contact, tagIds: tagged.body.tagIds } });
  expect(tagBody.id).toBe(tagBody.data.eventId);
  for (const request of at('/both')) {
    expectSigned(request, hook.secret);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-segmenter-event']).toBe(JSON.parse(request.body).type);
    expect(request.headers['x-segmenter-event-key']).toBe(JSON.parse(request.body).id);
  }

  const log = await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 2 && items.every((d) => d.status === 'delivered'),
  );
  expect(log.map((d) => d.eventType).sort()).toEqual(['contact.tags_added', 'segment.entered']);
  expect(log[0]).toMatchObject({ webhookId: hook.id, attempts: 1, lastResponseStatus: 200, lastError: null, nextAttemptAt: null });
  expect(
    at('/both')
      .map((r) => r.headers['x-segmenter-delivery'])
      .sort(),
  ).toEqual(log.map((d) => d.id).sort());

  // A rotated secret signs every later delivery; the old one no longer verifies.
  const rotated = await call('POST', `/v1/webhooks/${hook.id}/rotate-secret`);
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).not.toBe(hook.secret);
  await publishMembership(membershipEvent(t.ws.id));
  await eventually(
    async () => at('/both').length,
    (n) => n >= 3,
  );
  expectSigned(at('/both')[2]!, rotated.body.secret);
  expect(() => expectSigned(at('/both')[2]!, hook.secret)).toThrow();
});

test('a receiver that fails the first attempts gets the delivery retried, and the log shows the attempts', async () => {
  answers.set('/flaky', (nth) => (nth <= 2 ? 503 : 204));
  const hook = await register('/flaky', ['segment.exited']);
  await publishMembership(membershipEvent(t.ws.id, { type: 'segment.exited' }));
  const [delivery] = await eventually(
    () => deliveries(hook.id),
    (items) => items[0]?.status === 'delivered',
  );
  expect(delivery).toMatchObject({ eventType: 'segment.exited', attempts: 3, lastResponseStatus: 204, lastError: null });
  expect(at('/flaky').map((r) => r.headers['x-segmenter-attempt'])).toEqual(['1', '2', '3']);
  // The same delivery each time, with the same body.
  expect(new Set(at('/flaky').map((r) => r.body)).size).toBe(1);
  expect((await call('GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject({ status: 'active', consecutiveFailures: 0, failingSince: null });
});

test('a receiver that always fails gets the webhook paused after the configured failures in a row; resume delivers', async () => {
  let up = false;
  answers.set('/down', () => (up ? 200 : 500));
  const hook = await register('/down', ['segment.entered']);
  await publishMembership(membershipEvent(t.ws.id));
  // Three failures come within a few hundred ms: not enough on their own, the streak must also last PAUSE_AFTER_MS.
  const failing = await eventually(
    async () => (await call('GET', `/v1/webhooks/${hook.id}`)).body,
    (w) => w.consecutiveFailures >= 3 || w.status === 'paused',
  );
  expect(failing.failingSince).not.toBeNull();
  const paused = await eventually(
    async () => (await call('GET', `/v1/webhooks/${hook.id}`)).body,
    (w) => w.status === 'paused',
  );
  const failures = paused.consecutiveFailures as number;
  expect(failures).toBeGreaterThanOrEqual(3);
  expect(Date.parse(paused.pausedAt) - Date.parse(paused.failingSince)).toBeGreaterThanOrEqual(PAUSE_AFTER_MS);
  expect(paused.failingSince).toBe(failing.failingSince); // the streak's start, kept
  expect(paused.pausedReason).toBe(`${failures} failed attempts in a row since ${paused.failingSince}; the last: HTTP 500`);
  // Events that arrive while paused wait with the rest.
  await publishMembership(membershipEvent(t.ws.id));
  const waiting = await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 2,
  );
  expect(waiting.every((d) => d.status === 'pending' && d.nextAttemptAt === null)).toBe(true);
  expect(waiting.find((d) => d.attempts === failures)).toMatchObject({ lastResponseStatus: 500, lastError: 'HTTP 500' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(at('/down')).toHaveLength(failures); // nothing is tried while paused

  up = true;
  const resumed = await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'active' });
  expect(resumed.body).toMatchObject({ status: 'active', pausedReason: null, consecutiveFailures: 0, failingSince: null });
  const done = await eventually(
    () => deliveries(hook.id),
    (items) => items.every((d) => d.status === 'delivered'),
  );
  expect(done.map((d) => d.attempts).sort((a, b) => a - b)).toEqual([1, failures + 1]);

  // Paused by request: deliveries wait too, and resume sends them.
  await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'paused' });
  expect((await call('GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject({ status: 'paused', pausedReason: 'paused by request' });
  await publishMembership(membershipEvent(t.ws.id));
  await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 3,
  );
  expect(at('/down')).toHaveLength(failures + 2);
  await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'active' });
  await eventually(
    () => deliveries(hook.id),
    (items) => items.every((d) => d.status === 'delivered'),
  );
});

test('the same event twice on the topic is delivered once; webhooks restricted to segments get only theirs', async () => {
  const tag = (await call('POST', '/v1/tags', { name: 'Segment Source' })).body.id as string;
  const segment = (await call('POST', '/v1/segments', { name: 'Restricted', text: 'tag:"Segment Source"' })).body.id as string;
  expect(tag).toBeDefined();
  const all = await register('/dup', ['segment.entered']);
  const restricted = await register('/restricted', ['segment.entered'], { segmentIds: [segment] });

  const contactId = randomUUID();
  const event = membershipEvent(t.ws.id, { contactId, segmentId: segment });
  const other = membershipEvent(t.ws.id, { contactId, contactVersion: 2 }); // another segment
  // Same key, same partition: the marker comes after both copies.
  await publishMembership(event, event);
  await publishMembership({ ...event }, other);

  await eventually(
    () => deliveries(all.id),
    (items) => items.length === 2 && items.every((d) => d.status === 'delivered'),
  );
  expect(
    at('/dup')
      .map((r) => JSON.parse(r.body).id)
      .sort(),
  ).toEqual([event.eventKey, other.eventKey].sort());
  const onlyTheirs = await eventually(
    () => deliveries(restricted.id),
    (items) => items.length === 1 && items[0].status === 'delivered',
  );
  expect(onlyTheirs[0].eventKey).toBe(event.eventKey);
  expect(at('/restricted')).toHaveLength(1);
});

test('bad registrations are 4xx naming the field and the rule', async () => {
  const url = `${receiverUrl}/bad`;
  const table: { body: object; field: string; rule: RegExp }[] = [
    { body: { url: 'http://hooks.example.com/x', events: ['segment.entered'] }, field: 'body.url', rule: /https unless the host is loopback/ },
    { body: { url: 'ftp://127.0.0.1/x', events: ['segment.entered'] }, field: 'body.url', rule: /must use https/ },
    { body: { url: 'nope', events: ['segment.entered'] }, field: 'body.url', rule: /absolute URL/ },
    { body: { url: 'https://u:p@hooks.example.com/', events: ['segment.entered'] }, field: 'body.url', rule: /user name or password/ },
    { body: { events: ['segment.entered'] }, field: 'body.url', rule: /URL/ },
    { body: { url, events: [] }, field: 'body.events', rule: /at least one/ },
    { body: { url, events: ['contact.upserted'] }, field: 'body.events.0', rule: /must be one of segment.entered/ },
    { body: { url, events: ['segment.entered'], segmentIds: ['x'] }, field: 'body.segmentIds.0', rule: /segment id/ },
    { body: { url, events: ['segment.entered'], segmentIds: [randomUUID()] }, field: 'body.segmentIds.0', rule: /saved segment of this workspace/ },
    { body: { url, events: ['segment.entered'], secret: 'mine' }, field: 'body', rule: /secret/ },
  ];
  for (const { body, field, rule } of table) {
    const res = await call('POST', '/v1/webhooks', body);
    expect([res.status, res.body.errors[0]?.field]).toEqual([400, field]);
    expect(res.body.errors[0].rule).toMatch(rule);
  }
  const hook = await register('/bad', ['segment.entered']);
  const patch = await call('PATCH', `/v1/webhooks/${hook.id}`, { url: 'http://hooks.example.com/x' });
  expect([patch.status, patch.body.errors[0].field]).toEqual([400, 'body.url']);
  expect((await call('PATCH', `/v1/webhooks/${hook.id}`, {})).status).toBe(400);
  expect((await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'off' })).body.errors[0].field).toBe('body.status');
  expect((await call('GET', '/v1/webhooks/not-a-uuid')).body.errors[0].field).toBe('params.id');
  expect((await call('GET', `/v1/webhooks/${hook.id}/deliveries?status=lost`)).body.errors[0].field).toBe('query.status');
  expect((await call('GET', `/v1/webhooks/${hook.id}/deliveries?cursor=bogus`)).body.errors[0].field).toBe('query.cursor');

  // A read key sees webhooks but cannot register one.
  const readKey = await t.h.operator('POST', `/v1/admin/workspaces/${t.ws.id}/api-keys`, { name: 'reader', scopes: ['read'] });
  expect((await call('POST', '/v1/webhooks', { url, events: ['segment.entered'] }, readKey.body.key)).status).toBe(403);
  expect((await call('GET', '/v1/webhooks', undefined, readKey.body.key)).status).toBe(200);

  // At most 25 per workspace.
  const full = await t.h.createWorkspace();
  for (let i = 0; i < 25; i++) await register(`/full-${i}`, ['segment.entered'], {}, full.key);
  const over = await call('POST', '/v1/webhooks', { url, events: ['segment.entered'] }, full.key);
  expect([over.status, over.body.errors[0].field, over.body.errors[0].rule]).toEqual([409, 'body.url', 'at most 25 webhooks per workspace']);
  const pages = [(await call('GET', '/v1/webhooks?limit=10', undefined, full.key)).body];
  while (pages[pages.length - 1].nextCursor)
    pages.push((await call('GET', `/v1/webhooks?limit=10&cursor=${pages[pages.length - 1].nextCursor}`, undefined, full.key)).body);
  expect(new Set(pages.flatMap((p) => p.items.map((w: { id: string }) => w.id))).size).toBe(25);
});

test("one workspace's key cannot see or touch another's webhooks, and its events never reach another's webhook", async () => {
  const other: Workspace = await t.h.createWorkspace();
  const mine = await register('/mine', ['segment.entered']);
  const theirs = await register('/theirs', ['segment.entered'], {}, other.key);

  for (const [method, path, body] of [
    ['GET', `/v1/webhooks/${mine.id}`],
    ['PATCH', `/v1/webhooks/${mine.id}`, { status: 'paused' }],
    ['POST', `/v1/webhooks/${mine.id}/rotate-secret`],
    ['GET', `/v1/webhooks/${mine.id}/deliveries`],
    ['DELETE', `/v1/webhooks/${mine.id}`],
  ] as [string, string, unknown?][]) {
    expect([method, path, (await call(method, path, body, other.key)).status]).toEqual([method, path, 404]);
  }
  const theirList = (await call('GET', '/v1/webhooks', undefined, other.key)).body.items.map((w: { id: string }) => w.id);
  expect(theirList).toEqual([theirs.id]);
  expect((await call('GET', `/v1/webhooks/${mine.id}`)).body.status).toBe('active');

  // Events of this workspace reach its webhook only; a webhook restricted to another workspace's segment cannot be made.
  await publishMembership(membershipEvent(t.ws.id));
  await eventually(
    () => deliveries(mine.id),
    (items) => items[0]?.status === 'delivered',
  );
  await publishMembership(membershipEvent(other.id));
  await eventually(
    () => deliveries(theirs.id, other.key),
    (items) => items[0]?.status === 'delivered',
  );
  expect(at('/mine').map((r) => JSON.parse(r.body).workspaceId)).toEqual([t.ws.id]);
  expect(at('/theirs').map((r) => JSON.parse(r.body).workspaceId)).toEqual([other.id]);

  // Deleting a webhook deletes its log; the other workspace's stays.
  expect((await call('DELETE', `/v1/webhooks/${mine.id}`)).status).toBe(204);
  expect((await call('GET', `/v1/webhooks/${mine.id}/deliveries`)).status).toBe(404);
  const { rows } = await t.h.env.pool.query('select count(*)::int as n from webhook_deliveries where webhook_id = $1', [mine.id]);
  expect(rows[0].n).toBe(0);
  expect(await deliveries(theirs.id, other.key)).toHaveLength(1);
});

test('housekeeping deletes deliveries made longer ago than the retention, whatever their state', async () => {
  const hook = await register('/kept', ['segment.entered']);
  await publishMembership(membershipEvent(t.ws.id), membershipEvent(t.ws.id));
  const [newer, older] = await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 2 && items.every((d) => d.status === 'delivered'),
  );
  await t.h.env.pool.query(`update webhook_deliveries set created_at = now() - interval '169 hours' where id = $1`, [older.id]);
  await t.h.api.housekeeping.runOnce();
  expect((await deliveries(hook.id)).map((d) => d.id)).toEqual([newer.id]);
});

test("one webhook's backlog does not hold up another's, and a slow receiver gets at most 2 attempts at once", async () => {
  delays.set('/backlog', 500);
  const busy = await register('/backlog', ['segment.entered']);
  const quiet = await register('/quiet', ['segment.entered']);
  // Only the busy one takes the backlog's events: it is restricted to their segment.
  expect((await call('POST', '/v1/tags', { name: 'Backlog Source' })).status).toBe(201);
  const segment = (await call('POST', '/v1/segments', { name: 'Backlog', text: 'tag:"Backlog Source"' })).body.id as string;
  expect((await call('PATCH', `/v1/webhooks/${busy.id}`, { segmentIds: [segment] })).status).toBe(200);
  expect((await call('PATCH', `/v1/webhooks/${quiet.id}`, { events: ['segment.exited'] })).status).toBe(200);
  await publishMembership(...Array.from({ length: 40 }, () => membershipEvent(t.ws.id, { segmentId: segment })));
  await eventually(
    () => deliveries(busy.id),
    (items) => items.length === 40,
  );
  // Queued behind 40 older deliveries, each taking 500 ms: oldest first, it would wait until 32 or more had been sent.
  await publishMembership(membershipEvent(t.ws.id, { type: 'segment.exited' }));
  await eventually(
    async () => at('/quiet').length,
    (n) => n === 1,
  );
  expect(at('/backlog').length).toBeLessThan(20);
  await eventually(
    async () => at('/backlog').length,
    (n) => n === 40,
    30_000,
  );
  expect(mostOpen.get('/backlog')).toBe(2);
});

test('failed connections show a coarse reason in the log, never the error text', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const res = await call('POST', '/v1/webhooks', { url: `http://127.0.0.1:${port}/gone`, events: ['segment.entered'] });
  expect(res.status).toBe(201);
  await publishMembership(membershipEvent(t.ws.id));
  const [delivery] = await eventually(
    () => deliveries(res.body.id),
    (items) => items[0]?.attempts >= 1 && items[0].lastError !== null,
  );
  expect(delivery).toMatchObject({ status: 'pending', lastResponseStatus: null, lastError: 'connection refused' });
  await call('DELETE', `/v1/webhooks/${res.body.id}`);
});

test('erasing a contact deletes its webhook deliveries, sent and waiting; a later event with its data makes none', async () => {
  const hook = await register('/erased', ['contact.tags_added']);
  const contact = (await call('POST', '/v1/contacts', { email: 'erase-me@example.com', firstName: 'Erasable' })).body.id as string;
  const keeper = (await call('POST', '/v1/contacts', { email: 'keep-me@example.com' })).body.id as string;
  expect((await call('POST', `/v1/contacts/${contact}/tags/add`, { tags: ['Before'], createMissing: true })).status).toBe(200);
  expect((await call('POST', `/v1/contacts/${keeper}/tags/add`, { tags: ['Before'] })).status).toBe(200);
  await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 2 && items.every((d) => d.status === 'delivered'),
  );
  // One more, waiting on the paused webhook.
  await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'paused' });
  expect((await call('POST', `/v1/contacts/${contact}/tags/add`, { tags: ['While paused'], createMissing: true })).status).toBe(200);
  await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 3,
  );
  // Of this webhook, or of any (others of the workspace take tag events too).
  const stored = async (id: string, webhookId: string | null = hook.id) =>
    (
      await t.h.env.pool.query(
        'select count(*)::int as n from webhook_deliveries where workspace_id = $1 and contact_id = $2 and ($3::uuid is null or webhook_id = $3)',
        [t.ws.id, id, webhookId],
      )
    ).rows[0].n;
  expect(await stored(contact)).toBe(2);

  expect((await call('DELETE', `/v1/contacts/${contact}/erase`)).status).toBe(204);
  expect(await stored(contact, null)).toBe(0);
  const left = await deliveries(hook.id);
  expect(left).toHaveLength(1);
  const { rows } = await t.h.env.pool.query(`select count(*)::int as n from webhook_deliveries where workspace_id = $1 and payload::text like '%erase-me%'`, [
    t.ws.id,
  ]);
  expect(rows[0].n).toBe(0);
  expect(await stored(keeper)).toBe(1);

  // A tag event of the contact still on its way (fanned out after the erasure) makes no delivery; ids-only events do.
  const queue = (personal: boolean) =>
    queueDeliveries(
      t.h.env.pool,
      [
        {
          workspaceId: t.ws.id,
          type: personal ? 'contact.tags_added' : 'segment.entered',
          key: randomUUID(),
          segmentId: null,
          contactId: contact,
          personal,
          occurredAt: new Date().toISOString(),
          payload: { data: personal ? 'erase-me@example.com' : 'ids only' },
        },
      ],
      168,
    );
  await queue(true);
  expect(await stored(contact, null)).toBe(0);
  await call('PATCH', `/v1/webhooks/${hook.id}`, { events: ['contact.tags_added', 'segment.entered'] });
  await queue(false);
  expect(await stored(contact)).toBe(1);
});

test('an event older than the delivery retention, replayed from the topic, makes no delivery', async () => {
  const hook = await register('/replayed', ['segment.entered']);
  // Registered long ago, so only the retention stands between an old event and a new delivery.
  await t.h.env.pool.query(`update webhooks set created_at = now() - interval '400 hours' where id = $1`, [hook.id]);
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
  const expired = membershipEvent(t.ws.id, { occurredAt: hoursAgo(169) });
  const kept = membershipEvent(t.ws.id, { occurredAt: hoursAgo(100) });
  await publishMembership(expired, kept);
  await eventually(
    () => deliveries(hook.id),
    (items) => items.length === 1 && items[0].status === 'delivered',
  );
  await publishMembership(membershipEvent(t.ws.id)); // a later marker: the first two were fanned out before it
  const items = await eventually(
    () => deliveries(hook.id),
    (list) => list.length === 2,
  );
  expect(items.map((d) => d.eventKey)).not.toContain(expired.eventKey);
  expect(items.map((d) => d.eventKey)).toContain(kept.eventKey);
});
