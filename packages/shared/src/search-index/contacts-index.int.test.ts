// The index behind the alias: created once, and upgraded in place when a release adds fields.
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { CONTACTS_MAPPING, contactsIndexName, ensureContactsIndex, indicesOf, writeAliasOf } from './contacts-index';

let env: TestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.cleanup());

test('a new deployment gets generation 1 behind the read and the write alias', async () => {
  const alias = `${env.config.elasticsearch.contactsAlias}-fresh`;
  await ensureContactsIndex(env.es, alias);
  expect(await indicesOf(env.es, alias)).toEqual([contactsIndexName(alias, 1)]);
  expect(await indicesOf(env.es, writeAliasOf(alias))).toEqual([contactsIndexName(alias, 1)]);
  await env.es.indices.delete({ index: contactsIndexName(alias, 1) });
});

test('an index made by an older release gains the fields this release adds, and the write alias', async () => {
  const alias = env.config.elasticsearch.contactsAlias;
  await env.es.indices.create({
    index: contactsIndexName(alias, 1),
    mappings: { dynamic: 'strict', _routing: { required: true }, properties: { workspace_id: { type: 'keyword' }, contact_id: { type: 'keyword' } } },
    aliases: { [alias]: { is_write_index: true } },
  });
  await ensureContactsIndex(env.es, alias);
  const mapping = await env.es.indices.getMapping({ index: alias });
  const properties = Object.keys(mapping[contactsIndexName(alias, 1)]!.mappings.properties ?? {}).sort();
  expect(properties).toEqual(Object.keys(CONTACTS_MAPPING.properties!).sort());
  expect(await indicesOf(env.es, writeAliasOf(alias))).toEqual([contactsIndexName(alias, 1)]);
  await ensureContactsIndex(env.es, alias); // again: nothing to do, no error
});
