// The bulk writer against a scripted client: asserts the exact bulk lines it sends and how each
// item status is counted, retried or handed back for dead-lettering.
import type { ChangeEvent, EsClient } from '@segmenter/shared';
import { contactUpserted } from '../../../test/support/contact-events';
import { bulkOperations, newestPerContact, RetryableBulkError, writeChangeEvents } from './bulk-writer';
import { indexOperationOf } from '@segmenter/shared';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const upserted = (n: number, version: number) => contactUpserted(WS, id(n), version);
const write = (event: ChangeEvent) => ({ event, operation: indexOperationOf(event)! });

type Item = { index: { status: number; error?: { type: string; reason: string } } };

function scriptedClient(responses: Item[][]) {
  const calls: object[][] = [];
  const requests: object[] = [];
  const client = {
    async bulk(request: { operations: object[] }) {
      calls.push(request.operations);
      requests.push(request);
      const items = responses.shift();
      if (!items) throw new Error('unexpected bulk call');
      return { errors: items.some((i) => i.index.status >= 300), items };
    },
  };
  return { es: client as unknown as EsClient, calls, requests };
}

const busy: Item = { index: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } } };
const bad: Item = { index: { status: 400, error: { type: 'document_parsing_exception', reason: 'strict mapping' } } };
const options = { resolveTargets: async () => ['contacts-v1'], maxItemRetries: 2, retryBaseMs: 1 };

test('bulk lines: index with external version and workspace routing, then the document, to the resolved index', async () => {
  const [action, document] = bulkOperations([indexOperationOf(upserted(1, 7))!], ['contacts-v1']);
  expect(action).toEqual({ index: { _index: 'contacts-v1', _id: id(1), routing: WS, version: 7, version_type: 'external' } });
  expect(document).toMatchObject({ workspace_id: WS, contact_id: id(1), version: 7, deleted: false, email: '00000000@example.com' });
  const { es, requests } = scriptedClient([[{ index: { status: 201 } }]]);
  await writeChangeEvents(es, [upserted(1, 7)], options);
  expect(requests[0]).toMatchObject({ refresh: false, require_alias: true, operations: [action, document] });
});

test('during a rebuild every write goes to both indices and counts as done only when both took it', async () => {
  const twoTargets = { ...options, resolveTargets: async () => ['contacts-v1', 'contacts-v2'] };
  const { es, calls } = scriptedClient([
    [{ index: { status: 201 } }, { index: { status: 409 } }, { index: { status: 201 } }, busy],
    [{ index: { status: 200 } }, { index: { status: 201 } }],
  ]);
  const outcome = await writeChangeEvents(es, [upserted(1, 1), upserted(2, 1)], twoTargets);
  expect(outcome).toEqual({ indexed: 2, stale: 0, skipped: 0, failed: [] });
  expect(calls[0]!.filter((_, i) => i % 2 === 0).map((a: any) => [a.index._index, a.index._id])).toEqual([
    ['contacts-v1', id(1)],
    ['contacts-v2', id(1)],
    ['contacts-v1', id(2)],
    ['contacts-v2', id(2)],
  ]);
  expect(calls[1]).toEqual(bulkOperations([indexOperationOf(upserted(2, 1))!], ['contacts-v1', 'contacts-v2']));
});

test('an index retired by a rebuild mid-batch is dropped: the targets are asked again and the write retried', async () => {
  const answers = [['contacts-v1', 'contacts-v2'], ['contacts-v2']];
  const shifting = { ...options, resolveTargets: async () => answers.shift()! };
  const gone: Item = { index: { status: 404, error: { type: 'index_not_found_exception', reason: 'no such index [contacts-v1]' } } };
  const { es, calls } = scriptedClient([[gone, { index: { status: 201 } }], [{ index: { status: 200 } }]]);
  expect(await writeChangeEvents(es, [upserted(1, 1)], shifting)).toEqual({ indexed: 1, stale: 0, skipped: 0, failed: [] });
  expect(calls[1]).toEqual(bulkOperations([indexOperationOf(upserted(1, 1))!], ['contacts-v2']));
});

test('no index behind the write alias fails the call (retried), never writes by a guessed name', async () => {
  const { es, calls } = scriptedClient([]);
  await expect(writeChangeEvents(es, [upserted(1, 1)], { ...options, resolveTargets: async () => [] })).rejects.toBeInstanceOf(RetryableBulkError);
  expect(calls).toHaveLength(0);
});

test('only the newest version of each contact in a batch is sent, whatever the order', () => {
  const kept = newestPerContact([upserted(1, 2), upserted(2, 1), upserted(1, 5), upserted(1, 3)].map(write));
  expect(kept.map((w) => [w.operation.contactId, w.operation.version])).toEqual([
    [id(1), 5],
    [id(2), 1],
  ]);
});

test('tag events change no document and send nothing', async () => {
  const { es, calls } = scriptedClient([]);
  const renamed: ChangeEvent = { schemaVersion: 1, eventId: '9', occurredAt: '2026-11-24T10:00:00.000Z', workspaceId: WS, type: 'tag.renamed', tagId: id(99), name: 'New', previousName: 'Old' };
  expect(await writeChangeEvents(es, [renamed], options)).toEqual({ indexed: 0, stale: 0, skipped: 1, failed: [] });
  expect(calls).toHaveLength(0);
});

test('created and version conflicts count as done; nothing is retried', async () => {
  const { es, calls } = scriptedClient([[{ index: { status: 201 } }, { index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'stale' } } }]]);
  const outcome = await writeChangeEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(outcome).toEqual({ indexed: 1, stale: 1, skipped: 0, failed: [] });
  expect(calls).toHaveLength(1);
});

test('429 and 5xx items are retried alone until they succeed', async () => {
  const { es, calls } = scriptedClient([
    [{ index: { status: 201 } }, { index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'busy' } } }],
    [{ index: { status: 200 } }],
  ]);
  const outcome = await writeChangeEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(outcome).toEqual({ indexed: 2, stale: 0, skipped: 0, failed: [] });
  expect(calls[1]).toEqual(bulkOperations([indexOperationOf(upserted(2, 1))!], ['contacts-v1']));
});


test('items Elasticsearch can never accept are handed back with the reason', async () => {
  const { es } = scriptedClient([[{ index: { status: 201 } }, bad]]);
  const outcome = await writeChangeEvents(es, [upserted(1, 1), upserted(2, 1)], options);
  expect(outcome.indexed).toBe(1);
  expect(outcome.failed.map((f) => [f.event.type === 'contact.upserted' && f.event.contactId, f.reason])).toEqual([
    [id(2), '400 document_parsing_exception: strict mapping'],
  ]);
});

test('retryable items that keep failing fail the call, so the batch is retried, never dead-lettered', async () => {
  const { es, calls } = scriptedClient([[busy, bad], [busy], [busy]]);
  await expect(writeChangeEvents(es, [upserted(1, 1), upserted(2, 1)], options)).rejects.toBeInstanceOf(RetryableBulkError);
  expect(calls).toHaveLength(3); // the first try and maxItemRetries = 2 retries
});

test('a request-level failure propagates so the caller retries the whole batch', async () => {
  const es = { bulk: async () => { throw new Error('connect ECONNREFUSED'); } } as unknown as EsClient;
  await expect(writeChangeEvents(es, [upserted(1, 1)], options)).rejects.toThrow('ECONNREFUSED');
});
