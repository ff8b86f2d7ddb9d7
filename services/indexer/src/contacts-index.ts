// The contacts index: one shared index for all workspaces behind an alias, routed by workspace.
// Versioned names (`<alias>-v1`) let a reindex build a new index and swap the alias atomically.
import type { EsClient, estypes } from '@segmenter/shared';

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
    email: { type: 'keyword' },
    phone: { type: 'keyword' },
    first_name: { type: 'keyword', normalizer: 'lowercase' }, // the built-in normalizer
    last_name: { type: 'keyword', normalizer: 'lowercase' },
    city: { type: 'keyword' },
    region: { type: 'keyword' },
    postal_code: { type: 'keyword' },
    country: { type: 'keyword' },
    timezone: { type: 'keyword' },
    language: { type: 'keyword' },
    subscription_categories: { type: 'keyword' },
    source: { type: 'keyword' },
    consent_at: { type: 'date' },
    email_status: { type: 'keyword' },
    phone_status: { type: 'keyword' },
    email_rating: { type: 'short' },
    tag_ids: { type: 'keyword' },
    labels: { type: 'keyword' },
    label_keys: { type: 'keyword' },
    created_at: { type: 'date' },
    updated_at: { type: 'date' },
    deleted_at: { type: 'date' },
  },
};

export const CONTACTS_SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  // One local node cannot hold replicas; production raises this with the cluster size.
  number_of_replicas: 0,
};

export const contactsIndexName = (alias: string, generation: number) => `${alias}-v${generation}`;

/**
 * Creates `<alias>-v1` with the alias unless the alias already exists; otherwise applies the
 * current mapping to it, which adds fields a newer release introduced (Elasticsearch accepts
 * additive changes and refuses incompatible ones loudly: those need a reindex). Safe to race.
 */
export async function ensureContactsIndex(es: EsClient, alias: string): Promise<void> {
  if (await es.indices.existsAlias({ name: alias })) {
    await es.indices.putMapping({ index: alias, ...CONTACTS_MAPPING });
    return;
  }
  try {
    await es.indices.create({
      index: contactsIndexName(alias, 1),
      settings: CONTACTS_SETTINGS,
      mappings: CONTACTS_MAPPING,
      aliases: { [alias]: { is_write_index: true } },
    });
  } catch (err) {
    const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
    if (type !== 'resource_already_exists_exception') throw err;
  }
}
