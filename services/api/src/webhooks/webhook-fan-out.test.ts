import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { BatchHandlerContext, IncomingMessage, Pool } from '@segmenter/shared';
import { createFanOutHandler, fanOutRetryDelayMs, webhookEventOf } from './webhook-fan-out';

const workspaceId = randomUUID();
const message = (offset: number, value: unknown): IncomingMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: 'k',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
});
const membership = (eventKey: string) => ({
  schemaVersion: 1,
  type: 'segment.entered',
  eventKey,
  workspaceId,
  segmentId: randomUUID(),
  contactId: randomUUID(),
  contactVersion: 3,
  cause: 'change',
  occurredAt: '2026-12-01T10:00:00.000Z',
});

/** A pool whose inserts fail `failures` times; records the order of inserts and offset marks. */
function harness(failures = 0, running = true) {
  const steps: string[] = [];
  let left = failures;
  const pool = {
    query: async (_sql: string, values: unknown[]) => {
      if (left-- > 0) throw new Error('postgres down');
      steps.push(`insert ${(JSON.parse(values[0] as string) as { key: string }[]).map((e) => e.key).join(',')}`);
      return { rowCount: 1 };
    },
  } as unknown as Pool;
  const ctx: BatchHandlerContext = {
    markProcessed: (m) => steps.push(`mark ${m.offset}`),
    heartbeat: async () => undefined,
    isRunning: () => running,
  };
  const counts = { queued: 0, invalid: 0 };
  const deps = {
    pool,
    log: pino({ level: 'silent' }),
    retentionHours: 168,
    onQueued: (n: number) => (counts.queued += n),
    onInvalid: () => (counts.invalid += 1),
  };
  return { steps, ctx, counts, deps };
}

describe('the fan-out batch handler', () => {
  test('writes the batch, then marks its last message processed; a poison message is skipped and counted', async () => {
    const { steps, ctx, counts, deps } = harness();
    await createFanOutHandler('segment-events', deps)([message(1, membership('a')), message(2, 'not json'), message(3, membership('b'))], ctx);
    expect(steps).toEqual(['insert a,b', 'mark 3']);
    expect(counts).toEqual({ queued: 1, invalid: 1 });
  });

  test('only tag events of the contact-events topic become deliveries; a batch without any writes nothing but is marked', async () => {
    const { steps, ctx, deps } = harness();
    await createFanOutHandler('contact-events', deps)([message(7, { type: 'contact.upserted' }), message(8, { type: 'tag.renamed' })], ctx);
    expect(steps).toEqual(['mark 8']);
  });

  test('retries a failed write before marking anything', async () => {
    const { steps, ctx, deps } = harness(2);
    await createFanOutHandler('segment-events', deps)([message(1, membership('a'))], ctx);
    expect(steps).toEqual(['insert a', 'mark 1']);
  }, 10_000);

  test('the wait between retries doubles from 250 ms and never exceeds 5 s (the member heartbeats after each)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(fanOutRetryDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test('a failed write while stopping marks nothing: the batch is replayed by the next owner', async () => {
    const { steps, ctx, deps } = harness(1, false);
    await expect(createFanOutHandler('segment-events', deps)([message(1, membership('a'))], ctx)).rejects.toThrow('postgres down');
    expect(steps).toEqual([]);
  });
});

test('a contact event whose event-type header is not a webhook type is skipped without reading its body', () => {
  const notJson = Buffer.from('{ this is not parsed');
  expect(webhookEventOf('contact-events', notJson, { 'event-type': 'contact.upserted' })).toBeUndefined();
  // Without the header the body is read, and a broken one is refused.
  expect(() => webhookEventOf('contact-events', notJson)).toThrow();
  expect(() => webhookEventOf('contact-events', notJson, { 'event-type': 'contact.tags_added' })).toThrow();
});
