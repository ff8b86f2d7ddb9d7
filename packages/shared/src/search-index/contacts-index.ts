// The contacts index: one shared index for all workspaces, routed by workspace, behind two aliases.
// Queries read `<alias>`; the indexer writes to every index behind `<alias>-write`. Both name one
// index except during a rebuild, when the write alias names the old and the new index, so events
// that arrive while the new index fills reach both and the swap loses nothing.
// Each choice is explained in docs/index.md.
import { CONTACT_FIELDS, contactFieldsWithout } from '../domain/contact-fields';
import type { EsClient, estypes } from '../elasticsearch/es-client';

const STANDARD_FIELD_MAPPINGS: Record<string, estypes.MappingProperty> = Object.fromEntries(
  contactFieldsWithout({ index: null }).map((name) => [CONTACT_FIELDS[name].column, CONTACT_FIELDS[name].index]),
);

export const CONTACTS_MAPPING: estypes.MappingTypeMapping = {
  // strict: a field the document builder did not mean to send is a bug, not a new mapping.
  dynamic: 'strict',
  _routing: { required: true },
  properties: {
    workspace_id: { type: 'keyword' },
    contact_id: { type: 'keyword' },
    version: { type: 'long' },
    // Soft-deleted and erased contacts stay as documents (erased ones as tombstones) so external
    // versioning keeps refusing older events; every segment query filters `deleted: false`.
    deleted: { type: 'boolean' },
    erased: { type: 'boolean' },
    // The standard fields, from the contact field table (street is not indexed).
    ...STANDARD_FIELD_MAPPINGS,
    tag_ids: { type: 'keyword' },
    labels: { type: 'keyword' },
    label_keys: { type: 'keyword' },
    // Custom fields of every workspace share these few typed fields: one nested entry per field,
    // so a range on `score` compares numbers and the mapping never grows with a workspace's keys.
    custom_fields: {
      type: 'nested',
      properties: {
        key: { type: 'keyword' },
        string: { type: 'keyword' },
        number: { type: 'double' },
        // A string value that reads as a date is also kept here; never fail a document over it.
        date: { type: 'date', ignore_malformed: true },
        boolean: { type: 'boolean' },
      },
    },
    custom_field_keys: { type: 'keyword' },
    // Engagement: for each channel and status, the ENGAGEMENT_RANKS most recent times, one nested
    // entry per rank. "at least K times in the last N days" is "the K-th most recent time is within
    // N days": one nested term + range lookup, no scripts, no unbounded arrays.
    engagement: {
      type: 'nested',
      properties: {
        channel: { type: 'keyword' },
        status: { type: 'keyword' },
        rank: { type: 'byte' },
        at: { type: 'date' },
      },
    },
    deleted_at: { type: 'date' },
  },
};

export const CONTACTS_SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  // One local node cannot hold replicas; production raises this with the cluster size.
  number_of_replicas: 0,
  // Explicit, so the index refreshes every second even when no one searched it for a while
  // (search-idle shards skip refreshes), which bounds read-your-writes waits.
  refresh_interval: '1s',
};

export const writeAliasOf = (alias: string) => `${alias}-write`;
export const contactsIndexName = (alias: string, generation: number) => `${alias}-v${generation}`;
/**
 * Every index generation also has an alias of its own, and every write names that alias with
 * `require_alias`: a write that names a generation deleted meanwhile then fails (and is retried
 * against the current targets) instead of auto-creating an index by that name outside every alias.
 */
export const targetAliasOf = (index: string) => `${index}-target`;

/** The generation of an index named by contactsIndexName, or undefined for any other name. */
export function generationOf(alias: string, index: string): number | undefined {
  const match = index.startsWith(`${alias}-v`) ? /^\d+$/.exec(index.slice(alias.length + 2)) : null;
  return match ? Number(match[0]) : undefined;
}

const errorType = (err: unknown) => (err as { body?: { error?: { type?: string } } }).body?.error?.type;

/** The concrete indices behind an alias ([] when the alias does not exist). */
export async function indicesOf(es: EsClient, alias: string): Promise<string[]> {
  try {
    return Object.keys(await es.indices.getAlias({ name: alias })).sort();
  } catch (err) {
    if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw err;
  }
}

/** Creates a new index generation with the current mapping, behind its own target alias only (and `aliases`). */
export async function createContactsIndex(es: EsClient, alias: string, generation: number, aliases: Record<string, object> = {}): Promise<string> {
  const index = contactsIndexName(alias, generation);
  await es.indices.create({ index, settings: CONTACTS_SETTINGS, mappings: CONTACTS_MAPPING, aliases: { ...aliases, [targetAliasOf(index)]: {} } });
  return index;
}

/** The write targets: the target alias of every index behind the write alias. */
export async function writeTargets(es: EsClient, alias: string): Promise<string[]> {
  return (await indicesOf(es, writeAliasOf(alias))).map(targetAliasOf);
}

/** Indices of this alias's generations that no alias reads or writes (leftovers of a rebuild), except `keep`. */
export async function strayGenerations(es: EsClient, alias: string, keep: string[] = []): Promise<string[]> {
  const indices = await es.cat.indices({ index: `${alias}-v*`, h: 'index', format: 'json' }, { ignore: [404] });
  const names = (Array.isArray(indices) ? indices.map((i) => i.index ?? '') : []).filter((n) => generationOf(alias, n) !== undefined);
  const inUse = new Set([...(await indicesOf(es, alias)), ...(await indicesOf(es, writeAliasOf(alias))), ...keep]);
  return names.filter((n) => !inUse.has(n)).sort();
}

export interface EnsureIndexOutcome {
  /** false when the existing index refused the current mapping: a rebuild is needed. */
  mappingCurrent: boolean;
  problem?: string;
}

/** The highest generation among existing indices of this alias, 0 when there is none. */
export async function latestGeneration(es: EsClient, alias: string): Promise<number> {
  const indices = await es.cat.indices({ index: `${alias}-v*`, h: 'index', format: 'json' }, { ignore: [404] });
  const names = Array.isArray(indices) ? indices.map((i) => i.index ?? '') : [];
  return Math.max(0, ...names.map((n) => generationOf(alias, n) ?? 0));
}

/**
 * Creates `<alias>-v1` behind both aliases unless the read alias exists; otherwise applies the
 * current mapping to every index behind either alias, which adds the fields a newer release
 * introduced (Elasticsearch accepts additive changes and refuses incompatible ones loudly: those
 * need a rebuild), and gives an index made before the write alias existed that alias. Safe to race.
 */
export async function ensureContactsIndex(es: EsClient, alias: string): Promise<EnsureIndexOutcome> {
  const writeAlias = writeAliasOf(alias);
  const readIndices = await indicesOf(es, alias);
  if (readIndices.length === 0) {
    try {
      await createContactsIndex(es, alias, 1, { [alias]: {}, [writeAlias]: {} });
    } catch (err) {
      if (errorType(err) !== 'resource_already_exists_exception') throw err;
    }
    return { mappingCurrent: true };
  }
  const writeIndices = await indicesOf(es, writeAlias);
  const all = [...new Set([...readIndices, ...writeIndices])];
  // Aliases an older release did not create: the write alias, and each index's target alias.
  const missing = [
    ...(writeIndices.length === 0 ? readIndices.map((index) => ({ add: { index, alias: writeAlias } })) : []),
    ...all.map((index) => ({ add: { index, alias: targetAliasOf(index) } })),
  ];
  await es.indices.updateAliases({ actions: missing });
  await es.indices.putSettings({ index: all, settings: { refresh_interval: CONTACTS_SETTINGS.refresh_interval } });
  try {
    await es.indices.putMapping({ index: all, ...CONTACTS_MAPPING });
    return { mappingCurrent: true };
  } catch (err) {
    // An incompatible change (a field's type): the services still start on the index as it is,
    // so the operator can rebuild into a new generation with the new mapping.
    if (errorType(err) !== 'illegal_argument_exception') throw err;
    return { mappingCurrent: false, problem: (err as Error).message };
  }
}
