// Webhooks where loopback is not allowed (WEBHOOK_ALLOW_LOOPBACK=off, production's default):
// registering a loopback URL is a 400 naming body.url and the rule, and a webhook whose URL
// reaches loopback anyway (registered while it was allowed) is refused when connecting: the
// attempt fails as "address not allowed" and nothing reaches the receiver.
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventPublisher, EventPublisher, membershipEventKey } from '@segmenter/shared';
import { randomUUID } from 'node:crypto';
import { useApiHarness } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';

const t = useApiHarness({
  relay: true,
  webhooks: true,
  configure: (config) => ({ ...config, webhooks: { ...config.webhooks, allowLoopback: false, pollIntervalMs: 50, retryBaseMs: 100, retryMaxMs: 300 } }),
});

let receiver: Server;
let port: number;
let hits = 0;
let publisher: EventPublisher;
beforeAll(async () => {
  receiver = createServer((_req, res) => {
    hits += 1;
    res.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
  publisher = await createEventPublisher({ brokers: t.h.env.config.kafka.brokers, clientId: 'webhooks-address-test' }, t.h.env.log);
});
afterAll(async () => {
  await publisher?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const RULE = 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off';

test.each([`http://127.0.0.1:PORT/hook`, 'http://localhost:PORT/hook', 'http://[::1]:PORT/hook', 'https://127.1.2.3/hook', 'https://[::ffff:127.0.0.1]/hook'])(
  'registering %s is refused, naming body.url and the rule',
  async (template) => {
    const url = template.replace('PORT', String(port));
    const res = await t.h.request('POST', '/v1/webhooks', { key: t.ws.key, body: { url, events: ['segment.entered'] } });
    expect([res.status, res.body.errors]).toEqual([400, [{ field: 'body.url', rule: RULE }]]);
  },
);

test('an internal address is refused at registration whatever the setting; a public name is accepted', async () => {
  const internal = await t.h.request('POST', '/v1/webhooks', { key: t.ws.key, body: { url: 'https://169.254.169.254/latest', events: ['segment.entered'] } });
  expect([internal.status, internal.body.errors[0]]).toEqual([
    400,
    { field: 'body.url', rule: 'must not be an internal address: link-local (169.254.0.0/16)' },
  ]);
  const named = await t.h.request('POST', '/v1/webhooks', { key: t.ws.key, body: { url: 'https://hooks.example.com/in', events: ['segment.exited'] } });
  expect(named.status).toBe(201);
  const patched = await t.h.request('PATCH', `/v1/webhooks/${named.body.id}`, { key: t.ws.key, body: { url: `http://localhost:${port}/x` } });
  expect([patched.status, patched.body.errors]).toEqual([400, [{ field: 'body.url', rule: RULE }]]);
  await t.h.request('DELETE', `/v1/webhooks/${named.body.id}`, { key: t.ws.key });
});

test('a webhook whose URL reaches loopback anyway is refused when connecting: a failed attempt, "address not allowed", nothing received', async () => {
  const created = await t.h.request('POST', '/v1/webhooks', { key: t.ws.key, body: { url: 'https://hooks.example.com/in', events: ['segment.entered'] } });
  expect(created.status).toBe(201);
  // As if registered while loopback was allowed.
  await t.h.env.pool.query('update webhooks set url = $2 where id = $1', [created.body.id, `http://127.0.0.1:${port}/hook`]);
  const base = {
    schemaVersion: 1 as const,
    type: 'segment.entered' as const,
    workspaceId: t.ws.id,
    segmentId: randomUUID(),
    contactId: randomUUID(),
    contactVersion: 1,
    cause: 'change' as const,
    occurredAt: new Date().toISOString(),
  };
  const event = { ...base, eventKey: membershipEventKey(base) };
  await publisher.publish(t.h.env.config.kafka.topics.segmentEvents, [{ key: event.contactId, value: JSON.stringify(event) }]);
  const [delivery] = await eventually(
    async () => (await t.h.request('GET', `/v1/webhooks/${created.body.id}/deliveries`, { key: t.ws.key })).body.items,
    (items: any[]) => items[0]?.attempts >= 2,
  );
  expect(delivery).toMatchObject({ status: 'pending', lastResponseStatus: null, lastError: 'address not allowed' });
  expect(hits).toBe(0);
});
