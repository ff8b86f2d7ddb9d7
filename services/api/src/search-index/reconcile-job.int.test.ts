// A reconcile repair through the document writer, against the real Elasticsearch: one bulk write
// per page puts Postgres's answer in every index behind the write alias, and a document a newer
// event reached first stays as it is and counts as not repaired.
import { contactDocument, ContactDocument, createContactsIndex, ensureContactsIndex, indicesOf, tombstoneDocument, writeAliasOf } from '@segmenter/shared';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { repairDrift, repairWrite } from './reconcile-job';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const doc = (n: number, version: number, firstName = `v${version}`) => contactDocument(contactSnapshot(WS, id(n), version, { firstName }));

let env: TestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.cleanup());

async function put(index: string, document: ContactDocument): Promise<void> {
  await env.es.index({ index, id: document.contact_id, routing: WS, version: document.version, version_type: 'external', document });
}

async function read(index: string, n: number): Promise<{ version?: number; source?: ContactDocument }> {
  const hit = await env.es.get<ContactDocument>({ index, id: id(n), routing: WS }, { ignore: [404] });
  return hit.found ? { version: hit._version, source: hit._source } : {};
}

test('each kind of drift is repaired in every index behind the write alias; one a newer event reached is left and counted', async () => {
  const alias = env.config.elasticsearch.contactsAlias;
  await ensureContactsIndex(env.es, alias);
  // A rebuild is filling generation 2: the write alias names both.
  const rebuilding = await createContactsIndex(env.es, alias, 2, { [writeAliasOf(alias)]: {} });
  const [current] = await indicesOf(env.es, alias);
  const indices = [current!, rebuilding];
  for (const index of indices) {
    await put(index, doc(1, 3, 'drifted')); // mismatched: same version, other content
    await put(index, doc(2, 2)); // stale
    await put(index, doc(3, 5)); // extra: no contact in Postgres
    await put(index, doc(5, 7)); // an event newer than the repair landed first
  }
  const writes = [
    repairWrite('mismatched', doc(1, 3), { id: id(1), version: 3, source: doc(1, 3, 'drifted') }),
    repairWrite('stale', doc(2, 3), { id: id(2), version: 2, source: doc(2, 2) }),
    repairWrite('extra', undefined, { id: id(3), version: 5, source: doc(3, 5) }),
    repairWrite('missing', doc(4, 1), undefined),
    repairWrite('stale', doc(5, 6), { id: id(5), version: 5, source: doc(5, 5) }),
  ];

  expect(await repairDrift(env.es, alias, writes)).toEqual({ repaired: 4, unrepaired: 1 });
  for (const index of indices) {
    expect(await read(index, 1)).toEqual({ version: 3, source: doc(1, 3) });
    expect(await read(index, 2)).toEqual({ version: 3, source: doc(2, 3) });
    expect(await read(index, 3)).toEqual({ version: 6, source: tombstoneDocument(WS, id(3), 6) });
    expect(await read(index, 4)).toEqual({ version: 1, source: doc(4, 1) });
    expect(await read(index, 5)).toEqual({ version: 7, source: doc(5, 7) });
  }
  // Run again: the same page is now in place, and writing it again changes nothing.
  expect(await repairDrift(env.es, alias, writes.slice(0, 2))).toEqual({ repaired: 2, unrepaired: 0 });
});
