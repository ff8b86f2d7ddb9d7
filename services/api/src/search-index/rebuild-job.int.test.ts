// A rebuild's copy through the document writer, against the real Elasticsearch: a page written to
// the new generation and counted, versions kept, a blocked index retried, a closed one failing the chunk.
import { contactDocument, ContactDocument, createContactsIndex, createEsClient, EsClient, tombstoneDocument } from '@segmenter/shared';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { copyDocuments } from './rebuild-job';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const page = (count: number, version = 2): ContactDocument[] =>
  Array.from({ length: count }, (_, n) => contactDocument(contactSnapshot(WS, id(n + 1), version)));

let env: TestEnvironment;
let generation = 0;
beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.cleanup());

const newGeneration = async () => createContactsIndex(env.es, env.config.elasticsearch.contactsAlias, ++generation);

async function countOf(index: string): Promise<number> {
  await env.es.indices.refresh({ index });
  return (await env.es.count({ index })).count;
}

test('copies a page to the new generation with Postgres versions; a live event that landed first keeps its newer version', async () => {
  const index = await newGeneration();
  // A live event reached the new index (through the write alias) before the copy of its contact.
  await env.es.index({ index, id: id(1), routing: WS, version: 5, version_type: 'external', document: contactDocument(contactSnapshot(WS, id(1), 5)) });
  await copyDocuments(env.es, index, [...page(100), tombstoneDocument(WS, id(500), 7)]);
  expect(await countOf(index)).toBe(101);
  expect((await env.es.get({ index, id: id(1), routing: WS }))._version).toBe(5);
  expect((await env.es.get({ index, id: id(2), routing: WS }))._version).toBe(2);
  expect((await env.es.get<ContactDocument>({ index, id: id(500), routing: WS }))._source).toEqual(tombstoneDocument(WS, id(500), 7));
});

test('the copy retries items Elasticsearch refuses with 429 (a write-blocked index) and completes once the block lifts', async () => {
  const index = await newGeneration();
  await env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
  // A client of its own, to watch the copy's bulk responses: the first is refused item by item
  // (429), and only then is the block lifted.
  const es: EsClient = createEsClient(env.config.elasticsearch);
  const statuses: number[][] = [];
  es.diagnostic.on('response', (_err, result) => {
    if (!result?.meta.request.params.path.endsWith('/_bulk')) return;
    const items = (result.body as { items: { index: { status: number } }[] }).items;
    statuses.push(items.map((i) => i.index.status));
    if (statuses.length === 1) void env.es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
  });
  try {
    await copyDocuments(es, index, page(3));
  } finally {
    await es.close();
  }
  expect(statuses[0]).toEqual([429, 429, 429]);
  expect(statuses[statuses.length - 1]).toEqual([201, 201, 201]);
  expect(await countOf(index)).toBe(3);
});

test('a page no index will take (a closed generation) fails the chunk with the reason', async () => {
  const index = await newGeneration();
  await env.es.indices.close({ index });
  await expect(copyDocuments(env.es, index, page(2))).rejects.toThrow('copy failed for 2 documents: 400 index_closed_exception: closed');
});
