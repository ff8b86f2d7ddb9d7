// The whole path of a membership event to a campaign tool without Kafka: a write through the api,
// the outbox, Kafka, the indexer's membership tracker (segment-events topic), the api's webhook
// fan-out and sender, to a receiver on the loopback address, signed with the webhook's secret.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSignatureMatches } from '../services/api/src/webhooks/webhook-signature';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { eventually } from './support/test-environment';

let h: ApiHarness;
let ws: Workspace;
let receiver: Server;
let url: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  h = await startApiHarness({
    relay: true,
    indexer: true,
    webhooks: true,
    configure: (config) => ({ ...config, webhooks: { ...config.webhooks, pollIntervalMs: 50 } }),
  });
  ws = await h.createWorkspace();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await h?.stop();
});

const call = (method: string, path: string, body?: unknown) => h.request(method, path, { key: ws.key, body });

test('tagging a contact into a saved segment and out again reaches a loopback webhook as signed segment.entered and segment.exited', async () => {
  for (const name of ['Hot Lead', 'VIP']) expect((await call('POST', '/v1/tags', { name })).status).toBe(201);
  const segment = await call('POST', '/v1/segments', { name: 'hot', text: 'tag:"Hot Lead"' });
  const other = await call('POST', '/v1/segments', { name: 'vip', text: 'tag:VIP' });
  expect([segment.status, other.status]).toEqual([201, 201]);
  // Only the hot segment's events: the VIP segment moves too, and must not be delivered.
  const hook = await call('POST', '/v1/webhooks', { url, events: ['segment.entered', 'segment.exited'], segmentIds: [segment.body.id] });
  expect(hook.status).toBe(201);
  const contact = await call('POST', '/v1/contacts', { email: 'automation@example.com' });
  expect(contact.status).toBe(201);
  const id = contact.body.id as string;

  expect((await call('POST', `/v1/contacts/${id}/tags/add`, { tags: ['Hot Lead', 'VIP'] })).status).toBe(200);
  await eventually(
    async () => received.length,
    (n) => n >= 1,
    30_000,
  );
  expect((await call('POST', `/v1/contacts/${id}/tags/remove`, { tags: ['Hot Lead'] })).status).toBe(200);
  await eventually(
    async () => received.length,
    (n) => n >= 2,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 500)); // nothing else may come

  const bodies = received.map((r) => JSON.parse(r.body));
  expect(bodies.map((b) => [b.type, b.data.segmentId, b.data.contactId, b.data.cause])).toEqual([
    ['segment.entered', segment.body.id, id, 'change'],
    ['segment.exited', segment.body.id, id, 'change'],
  ]);
  expect(bodies[1].data.contactVersion).toBeGreaterThan(bodies[0].data.contactVersion);
  for (const r of received) {
    expect(webhookSignatureMatches(hook.body.secret, Number(r.headers['x-segmenter-timestamp']), r.body, String(r.headers['x-segmenter-signature']))).toBe(
      true,
    );
  }
}, 90_000);
