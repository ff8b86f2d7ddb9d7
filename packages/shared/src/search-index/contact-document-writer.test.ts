// The document writer against a scripted client: asserts the exact bulk lines it sends and how
// each item status is counted, retried or handed to the dead-letter hook.
import type { EsClient } from '../elasticsearch/es-client';
import type { ChangeEvent } from '../events/change-events';
import { contactSnapshot, contactUpserted } from '../../../../test/support/contact-events';
import { contactDocument, documentOperation, indexOperationOf, tombstoneDocument } from './contact-document';
import {
  bulkOperations,
  newestPerContact,
  RetryableBulkError,
  writeChangeEvents,
  writeContactDocuments,
  writeContactDocumentsOrThrow,
} from './contact-document-writer';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const upserted = (n: number, version: number) => contactUpserted(WS, id(n), version);
const write = (event: ChangeEvent) => ({ event, operation: indexOperationOf(event)! });

type Item = { index: { status: number; error?: { type: string; reason: string } } };

function scriptedClient(responses: Item[][]) {
  const calls: object[][] = [];
  const requests: object[] = [];
  const transportOptions: object[] = [];
  const client = {
    async bulk(request: { operations: (object | string)[] }, transport: object) {
      // The writer sends each line as JSON text (serialised once); the assertions read them as objects.
      const operations = request.operations.map((line) => (typeof line === 'string' ? (JSON.parse(line) as object) : line));
      calls.push(operations);
      requests.push({ ...request, operations });
      transportOptions.push(transport);
      const items = responses.shift();
      if (!items) throw new Error('unexpected bulk call');
      return { errors: items.some((i) => i.index.status >= 300), items };
    },
  };
  return { es: client as unknown as EsClient, calls, requests, transportOptions };
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
  // The answer is trimmed to what the verdicts read.
  expect(requests[0]).toMatchObject({
    refresh: false,
    require_alias: true,
    operations: [action, document],
    filter_path: ['items.*.status', 'items.*.error.type', 'items.*.error.reason'],
  });
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
  const renamed: ChangeEvent = {
    schemaVersion: 1,
    eventId: '9',
    occurredAt: '2026-11-24T10:00:00.000Z',
    workspaceId: WS,
    type: 'tag.renamed',
    tagId: id(99),
    name: 'New',
    previousName: 'Old',
  };
  expect(await writeChangeEvents(es, [renamed], options)).toEqual({ indexed: 0, stale: 0, skipped: 1, failed: [] });
  expect(calls).toHaveLength(0);
});

test('created and version conflicts count as done; nothing is retried', async () => {
  const { es, calls } = scriptedClient([
    [{ index: { status: 201 } }, { index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'stale' } } }],
  ]);
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
  const es = {
    bulk: async () => {
      throw new Error('connect ECONNREFUSED');
    },
  } as unknown as EsClient;
  await expect(writeChangeEvents(es, [upserted(1, 1)], options)).rejects.toThrow('ECONNREFUSED');
});

describe('writing documents (rebuild, repair)', () => {
  const documentWrite = (n: number, version: number) => ({ operation: documentOperation(contactDocument(contactSnapshot(WS, id(n), version))) });
  const created: Item = { index: { status: 201 } };
  const conflict: Item = { index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'current version [9] is higher' } } };

  test('no request carries more than flushBytes; a single larger write goes alone', async () => {
    const writes = [1, 2, 3, 4, 5].map((n) => documentWrite(n, 1));
    const bytesOf = (lines: object[]) => lines.reduce((sum: number, line) => sum + Buffer.byteLength(JSON.stringify(line)) + 1, 0);
    const oneWrite = bytesOf(bulkOperations([writes[0]!.operation], ['contacts-v1']));
    const { es, calls } = scriptedClient([[created, created], [created, created], [created]]);
    const outcome = await writeContactDocuments(es, writes, { ...options, flushBytes: 2 * oneWrite + 1, onDrop: () => undefined });
    expect(outcome).toEqual({ indexed: 5, stale: 0, conflicts: [] });
    expect(calls.map((lines) => lines.length / 2)).toEqual([2, 2, 1]);
    expect(calls.flat()).toEqual(
      bulkOperations(
        writes.map((w) => w.operation),
        ['contacts-v1'],
      ),
    );
    for (const lines of calls) expect(bytesOf(lines)).toBeLessThanOrEqual(2 * oneWrite + 1);

    const tiny = scriptedClient([[created], [created]]);
    await writeContactDocuments(tiny.es, writes.slice(0, 2), { ...options, flushBytes: 10, onDrop: () => undefined });
    expect(tiny.calls.map((lines) => lines.length / 2)).toEqual([1, 1]);
  });

  test('a repair overwrites the same version (external_gte); a tombstone keeps external', () => {
    const repair = documentOperation(contactDocument(contactSnapshot(WS, id(1), 4)), 'external_gte');
    const tombstone = documentOperation(tombstoneDocument(WS, id(2), 8));
    expect(bulkOperations([repair, tombstone], ['contacts-v1']).filter((_, i) => i % 2 === 0)).toEqual([
      { index: { _index: 'contacts-v1', _id: id(1), routing: WS, version: 4, version_type: 'external_gte' } },
      { index: { _index: 'contacts-v1', _id: id(2), routing: WS, version: 8, version_type: 'external' } },
    ]);
  });

  test('conflicts lists every write a target refused as older, even when another target took it', async () => {
    const twoTargets = { ...options, resolveTargets: async () => ['contacts-v1', 'contacts-v2'] };
    const writes = [1, 2, 3].map((n) => documentWrite(n, 1));
    const { es } = scriptedClient([[created, created, created, conflict, conflict, conflict]]);
    const outcome = await writeContactDocuments(es, writes, { ...twoTargets, onDrop: () => undefined });
    expect(outcome.indexed).toBe(2);
    expect(outcome.stale).toBe(1);
    expect(outcome.conflicts).toEqual([writes[1], writes[2]]);
  });

  test('the dead-letter hook gets the write itself and the reason; the rest is counted', async () => {
    const writes = [1, 2].map((n) => documentWrite(n, 1));
    const dropped: unknown[] = [];
    const { es } = scriptedClient([[bad, created]]);
    const outcome = await writeContactDocuments(es, writes, { ...options, onDrop: (d) => dropped.push(d) });
    expect(dropped).toEqual([{ write: writes[0], reason: '400 document_parsing_exception: strict mapping' }]);
    expect(outcome).toEqual({ indexed: 1, stale: 0, conflicts: [] });
  });

  test('retries back off: each wait doubles the one before', async () => {
    const waits: number[] = [];
    const realSetTimeout = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      waits.push(ms);
      return realSetTimeout(fn, 0);
    }) as typeof setTimeout);
    try {
      const { es } = scriptedClient([[busy], [busy], [busy], [created]]);
      await writeContactDocuments(es, [documentWrite(1, 1)], { ...options, maxItemRetries: 3, retryBaseMs: 100, onDrop: () => undefined });
    } finally {
      jest.restoreAllMocks();
    }
    expect(waits).toEqual([100, 200, 400]);
  });
});

test('a retry answered 409 by a target that took the write on an earlier attempt counts as indexed, not as a conflict', async () => {
  const twoTargets = { ...options, resolveTargets: async () => ['contacts-v1', 'contacts-v2'] };
  const conflict: Item = { index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'current version [1] is higher or equal' } } };
  const { es } = scriptedClient([
    [{ index: { status: 201 } }, busy],
    [conflict, { index: { status: 201 } }],
  ]);
  const write = { operation: indexOperationOf(upserted(1, 1))! };
  expect(await writeContactDocuments(es, [write], { ...twoTargets, onDrop: () => undefined })).toEqual({ indexed: 1, stale: 0, conflicts: [] });
});

test('the indexer leaves resends to its own batch retry; jobs keep the client resending a request that failed to connect', async () => {
  const indexer = scriptedClient([[{ index: { status: 201 } }]]);
  await writeChangeEvents(indexer.es, [upserted(1, 1)], options);
  expect(indexer.transportOptions).toEqual([expect.objectContaining({ maxRetries: 0 })]);
  const job = scriptedClient([[{ index: { status: 201 } }]]);
  await writeContactDocumentsOrThrow(job.es, [{ operation: indexOperationOf(upserted(1, 1))! }], options, 'the copy');
  expect(job.transportOptions).toEqual([expect.objectContaining({ maxRetries: 3 })]);
});
