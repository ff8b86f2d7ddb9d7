// The bulk writer against a scripted client: asserts the exact bulk lines it sends and how each
// item status is counted, retried or handed back for dead-lettering.
import type { ContactEvent, EsClient } from '@segmenter/shared';
import { bulkOperations, newestPerContact, writeContactEvents } from './bulk-writer';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function upserted(contactNumber: number, version: number): ContactEvent {
  return {
    schemaVersion: 1,
    eventId: String(contactNumber * 100 + version),
    occurredAt: '2026-11-24T10:00:00.000Z',
    type: 'contact.upserted',
    workspaceId: WS,
    contactId: id(contactNumber),
    contact: {
      id: id(contactNumber),
      workspaceId: WS,
      email: `c${contactNumber}@example.com`,
      phone: null,
      firstName: null,
      lastName: null,
      createdAt: '2026-11-24T09:00:00.000Z',
      updatedAt: '2026-11-24T10:00:00.000Z',
      version,
    },
  };
}

type Item = { index: { status: number; error?: { type: string; reason: string } } };

function scriptedClient(responses: Item[][]) {
  const calls: object[][] = [];
  const client = {
    async bulk(request: { operations: object[] }) {
      calls.push(request.operations);
      const items = responses.shift();
      if (!items) throw new Error('unexpected bulk call');
      return { errors: items.some((i) => i.index.status >= 300), items };
    },
  };
  return { es: client as unknown as EsClient, calls };
}

const options = { alias: 'contacts', maxItemRetries: 2, retryBaseMs: 1 };

test('bulk lines: index with external version and workspace routing, then the document', () => {
  expect(bulkOperations([upserted(1, 7)], 'contacts')).toEqual([
    { index: { _index: 'contacts', _id: id(1), routing: WS, version: 7, version_type: 'external' } },
    {
      workspace_id: WS,
      contact_id: id(1),
      email: 'c1@example.com',
      phone: null,
      first_name: null,
      last_name: null,
      created_at: '2026-11-24T09:00:00.000Z',
      updated_at: '2026-11-24T10:00:00.000Z',
      version: 7,
    },
  ]);
});

test('only the newest version of each contact in a batch is sent, whatever the order', () => {
  const kept = newestPerContact([upserted(1, 2), upserted(2, 1), upserted(1, 5), upserted(1, 3)]);
  expect(kept.map((e) => [e.contactId, e.type === 'contact.upserted' && e.contact.version])).toEqual([
    [id(1), 5],
    [id(2), 1],
  ]);
});

test('created and version conflicts count as done; nothing is retried', async () => {
  const { es, calls } = scriptedClient([[{ index: { status: 201 } }, { index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'stale' } } }]]);
  const outcome = await writeContactEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(outcome).toEqual({ indexed: 1, stale: 1, failed: [] });
  expect(calls).toHaveLength(1);
});

test('429 and 5xx items are retried alone until they succeed', async () => {
  const { es, calls } = scriptedClient([
    [{ index: { status: 201 } }, { index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'busy' } } }],
    [{ index: { status: 200 } }],
  ]);
  const outcome = await writeContactEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(outcome).toEqual({ indexed: 2, stale: 0, failed: [] });
  expect(calls[1]).toEqual(bulkOperations([upserted(2, 1)], 'contacts'));
});

test('retryable items that keep failing, and non-retryable items, are handed back with the reason', async () => {
  const busy: Item = { index: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } } };
  const bad: Item = { index: { status: 400, error: { type: 'document_parsing_exception', reason: 'strict mapping' } } };
  const { es, calls } = scriptedClient([[busy, bad], [busy], [busy]]);
  const outcome = await writeContactEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(calls).toHaveLength(3); // the first try and maxItemRetries = 2 retries
  expect(outcome.indexed).toBe(0);
  expect(outcome.failed.map((f) => [f.event.contactId, f.reason])).toEqual([
    [id(2), '400 document_parsing_exception: strict mapping'],
    [id(1), '503 unavailable_shards_exception: primary shard is not active'],
  ]);
});

test('a request-level failure propagates so the caller retries the whole batch', async () => {
  const es = { bulk: async () => { throw new Error('connect ECONNREFUSED'); } } as unknown as EsClient;
  await expect(writeContactEvents(es, [upserted(1, 1)], options)).rejects.toThrow('ECONNREFUSED');
});
