// The document writer against the real Elasticsearch: documents written through a generation's
// target alias and counted, replays refused as stale, a blocked index retried, a closed one dropped.
import { contactSnapshot } from '../../../../test/support/contact-events';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { contactDocument, documentOperation } from './contact-document';
import { DocumentWrite, DroppedWrite, RetryableBulkError, writeContactDocuments } from './contact-document-writer';
import { createContactsIndex, targetAliasOf } from './contacts-index';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const writeOf = (n: number, version: number, firstName = `v${version}`): DocumentWrite => ({
  operation: documentOperation(contactDocument(contactSnapshot(WS, id(n), version, { firstName }))),
});

let env: TestEnvironment;
let generation = 0;
beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.cleanup());

/** A fresh generation of its own, behind its target alias only, as a rebuild makes one. */
async function freshIndex(): Promise<{ index: string; target: string }> {
  generation += 1;
  const index = await createContactsIndex(env.es, env.config.elasticsearch.contactsAlias, generation);
  return { index, target: targetAliasOf(index) };
}

async function countOf(index: string): Promise<number> {
  await env.es.indices.refresh({ index });
  return (await env.es.count({ index })).count;
}

const options = (target: string, dropped: DroppedWrite<DocumentWrite>[] = []) => ({
  resolveTargets: async () => [target],
  onDrop: (d: DroppedWrite<DocumentWrite>) => dropped.push(d),
  retryBaseMs: 50,
});

test('writes every document through the target alias with its version; a replay of older versions is refused as stale', async () => {
  const { index, target } = await freshIndex();
  const writes = Array.from({ length: 50 }, (_, n) => writeOf(n + 1, 3));
  // A small flushBytes: the 50 documents go in several requests, and all of them arrive.
  expect(await writeContactDocuments(env.es, writes, { ...options(target), flushBytes: 8 * 1024 })).toEqual({ indexed: 50, stale: 0, conflicts: [] });
  expect(await countOf(index)).toBe(50);

  const older = [writeOf(1, 2, 'older'), writeOf(2, 3, 'same version')];
  const replay = await writeContactDocuments(env.es, older, options(target));
  expect(replay).toEqual({ indexed: 0, stale: 2, conflicts: older });
  const doc = await env.es.get<{ first_name: string }>({ index, id: id(1), routing: WS });
  expect([doc._version, doc._source!.first_name]).toEqual([3, 'v3']);
});

test('a repair overwrites a document of the same version (external_gte), never a newer one', async () => {
  const { index, target } = await freshIndex();
  await writeContactDocuments(env.es, [writeOf(1, 4), writeOf(2, 9)], options(target));
  const repairs = [1, 2].map((n) => ({
    operation: documentOperation(contactDocument(contactSnapshot(WS, id(n), 4, { firstName: 'repaired' })), 'external_gte'),
  }));
  const outcome = await writeContactDocuments(env.es, repairs, options(target));
  expect(outcome).toEqual({ indexed: 1, stale: 1, conflicts: [repairs[1]] });
  const names = await Promise.all([1, 2].map(async (n) => (await env.es.get<{ first_name: string }>({ index, id: id(n), routing: WS }))._source!.first_name));
  expect(names).toEqual(['repaired', 'v9']);
});

test('items refused with 429 (an index blocked for writes) are retried until the block lifts', async () => {
  const { index, target } = await freshIndex();
  // The block Elasticsearch itself sets at the flood-stage disk watermark: every write to the
  // index answers 429 until it is lifted. We lift it when the writer asks for its targets again,
  // that is, when it retries.
  await env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
  let attempts = 0;
  const resolveTargets = async () => {
    attempts += 1;
    if (attempts === 2) await env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
    return [target];
  };
  const writes = [1, 2, 3].map((n) => writeOf(n, 1));
  expect(await writeContactDocuments(env.es, writes, { ...options(target), resolveTargets })).toEqual({ indexed: 3, stale: 0, conflicts: [] });
  expect(attempts).toBe(2);
  expect(await countOf(index)).toBe(3);
});

test('items that stay blocked fail the call after the retries, and nothing is dropped', async () => {
  const { index, target } = await freshIndex();
  await env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
  const dropped: DroppedWrite<DocumentWrite>[] = [];
  await expect(writeContactDocuments(env.es, [writeOf(1, 1)], { ...options(target, dropped), maxItemRetries: 2, retryBaseMs: 10 })).rejects.toBeInstanceOf(
    RetryableBulkError,
  );
  expect(dropped).toEqual([]);
  await env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
});

test('a write no index will ever take (a closed index) goes to the dead-letter hook, the others are written', async () => {
  const open = await freshIndex();
  const closed = await freshIndex();
  await env.es.indices.close({ index: closed.index });
  const dropped: DroppedWrite<DocumentWrite>[] = [];
  const writes = [writeOf(1, 1)];
  const twoTargets = { ...options(open.target, dropped), resolveTargets: async () => [open.target, closed.target] };
  expect(await writeContactDocuments(env.es, writes, twoTargets)).toEqual({ indexed: 0, stale: 0, conflicts: [] });
  expect(dropped).toEqual([{ write: writes[0], reason: '400 index_closed_exception: closed' }]);
  // The open index took it: a drop is about the write as a whole, which the caller dead-letters.
  expect(await countOf(open.index)).toBe(1);
});

test('a generation deleted mid-write is dropped from the targets when they are asked again, and never recreated', async () => {
  const live = await freshIndex();
  const retired = await freshIndex();
  await env.es.indices.delete({ index: retired.index });
  const answers = [[retired.target, live.target], [live.target]];
  const outcome = await writeContactDocuments(env.es, [writeOf(1, 1)], { ...options(live.target), resolveTargets: async () => answers.shift()! });
  expect(outcome).toEqual({ indexed: 1, stale: 0, conflicts: [] });
  expect(answers).toEqual([]);
  expect(await env.es.indices.exists({ index: retired.index })).toBe(false);
  expect(await countOf(live.index)).toBe(1);
});
