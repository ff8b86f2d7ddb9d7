// The index behind the alias: created once, and upgraded in place when a release adds fields.
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { CONTACTS_MAPPING, contactsIndexName, ensureContactsIndex, indicesOf, targetAliasOf, writeAliasOf, writeTargets } from './contacts-index';

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

test('an index made by an older release gains its target alias and the explicit refresh interval', async () => {
  const alias = `${env.config.elasticsearch.contactsAlias}-old`;
  const index = contactsIndexName(alias, 1);
  await env.es.indices.create({ index, mappings: CONTACTS_MAPPING, aliases: { [alias]: {}, [writeAliasOf(alias)]: {} } });
  expect(await ensureContactsIndex(env.es, alias)).toEqual({ mappingCurrent: true });
  expect(await writeTargets(env.es, alias)).toEqual([targetAliasOf(index)]);
  const settings = await env.es.indices.getSettings({ index });
  expect(settings[index]!.settings!.index!.refresh_interval).toBe('1s');
  await env.es.indices.delete({ index });
});

test('an index that refuses the current mapping does not stop the service: it reports that a rebuild is needed', async () => {
  const alias = `${env.config.elasticsearch.contactsAlias}-clash`;
  const index = contactsIndexName(alias, 1);
  // An older mapping where `version` was a keyword: changing a field's type needs a new index.
  await env.es.indices.create({ index, mappings: { properties: { version: { type: 'keyword' } } }, aliases: { [alias]: {} } });
  const outcome = await ensureContactsIndex(env.es, alias);
  expect(outcome.mappingCurrent).toBe(false);
  expect(outcome.problem).toMatch(/version/);
  await env.es.indices.delete({ index });
});

test('a write naming a deleted generation through its target alias fails instead of recreating it', async () => {
  const alias = `${env.config.elasticsearch.contactsAlias}-gone`;
  const index = contactsIndexName(alias, 3);
  await env.es.indices.create({ index, aliases: { [targetAliasOf(index)]: {} } });
  await env.es.indices.delete({ index });
  const res = await env.es.bulk({
    require_alias: true,
    operations: [{ index: { _index: targetAliasOf(index), _id: 'x', routing: 'w' } }, { workspace_id: 'w' }],
  });
  expect(res.items[0]!.index!.status).toBe(404);
  expect(res.items[0]!.index!.error!.type).toBe('index_not_found_exception');
  expect(await env.es.indices.exists({ index })).toBe(false);
  expect(await env.es.indices.exists({ index: targetAliasOf(index) })).toBe(false);
});
