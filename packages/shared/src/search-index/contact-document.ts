// Builds the Elasticsearch document for a contact from an event alone: the indexer never reads
// Postgres, so an event replayed a year later still produces the same document. Erased contacts
// become tombstones (no personal data) so a late, older event cannot resurrect them.
import type { CustomFieldValue } from '../domain/contact-domain';
import {
  type ColumnOf,
  CONTACT_FIELDS,
  type ContactFieldName,
  contactFieldsWithout,
  type FieldsWhere,
  type SnapshotValueOf,
  snapshotValueOf,
} from '../domain/contact-fields';
import { ChangeEvent, ContactSnapshot } from '../events/change-events';
import { assertNever } from '../lang/assert-never';

type IndexedField = Exclude<ContactFieldName, FieldsWhere<{ index: null }>>;
const INDEXED_FIELDS: readonly IndexedField[] = contactFieldsWithout({ index: null });
/** The standard fields as the document holds them: under their column name, with the snapshot's value. */
type StandardDocumentFields = { [K in IndexedField as ColumnOf<K>]?: SnapshotValueOf<K> };

export interface ContactDocument extends StandardDocumentFields {
  workspace_id: string;
  contact_id: string;
  version: number;
  deleted: boolean;
  erased?: true;
  tag_ids?: string[];
  /** `key=value` terms: `=`, `IN` and prefix conditions are single term lookups. */
  labels?: string[];
  label_keys?: string[];
  custom_fields?: CustomFieldEntry[];
  custom_field_keys?: string[];
  engagement?: EngagementEntry[];
  deleted_at?: string | null;
}

/** One custom field: the value under its type (a string that reads as a date also under `date`). */
export interface CustomFieldEntry {
  key: string;
  string?: string;
  number?: number;
  date?: string;
  boolean?: boolean;
}

export interface EngagementEntry {
  channel: string;
  status: string;
  /** 1 is the most recent time, 2 the one before, up to ENGAGEMENT_RANKS. */
  rank: number;
  at: string;
}

export interface IndexOperation {
  workspaceId: string;
  contactId: string;
  version: number;
  document: ContactDocument;
  /**
   * How Elasticsearch compares the version: 'external' (the default) takes only a higher one; a
   * reconcile repair's 'external_gte' also overwrites a document of the same version whose
   * content drifted, while a later event still wins over it.
   */
  versionType?: 'external' | 'external_gte';
}

/** Writing a whole document (a rebuild's copy, a repair): its own ids and version. */
export function documentOperation(document: ContactDocument, versionType?: IndexOperation['versionType']): IndexOperation {
  return { workspaceId: document.workspace_id, contactId: document.contact_id, version: document.version, document, ...(versionType ? { versionType } : {}) };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** Whether a string is a date Elasticsearch and Postgres read the same way (validated values are). */
export function readsAsDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return !Number.isNaN(time) && (value.length !== 10 || new Date(time).toISOString().startsWith(value));
}

function customFieldEntries(fields: Record<string, CustomFieldValue>): CustomFieldEntry[] {
  return Object.keys(fields)
    .sort()
    .map((key) => {
      const value = fields[key]!;
      if (typeof value === 'number') return { key, number: value };
      if (typeof value === 'boolean') return { key, boolean: value };
      return readsAsDate(value) ? { key, string: value, date: value } : { key, string: value };
    });
}

/** `engagement` in a snapshot is `{ "email.opened": [newest, ...] }`; one entry per rank. */
function engagementEntries(engagement: Record<string, string[]> | undefined): EngagementEntry[] {
  return Object.keys(engagement ?? {})
    .sort()
    .flatMap((pair) => {
      const [channel, status] = pair.split('.') as [string, string];
      return engagement![pair]!.map((at, i) => ({ channel, status, rank: i + 1, at }));
    });
}

function standardDocumentFields(c: ContactSnapshot): StandardDocumentFields {
  return Object.fromEntries(INDEXED_FIELDS.map((name) => [CONTACT_FIELDS[name].column, snapshotValueOf(c, name)]));
}

export function contactDocument(c: ContactSnapshot): ContactDocument {
  const labelKeys = Object.keys(c.labels).sort();
  return {
    workspace_id: c.workspaceId,
    contact_id: c.id,
    version: c.version,
    deleted: c.deletedAt !== null,
    ...standardDocumentFields(c),
    tag_ids: c.tagIds,
    labels: labelKeys.map((k) => `${k}=${c.labels[k]}`),
    label_keys: labelKeys,
    custom_fields: customFieldEntries(c.customFields),
    custom_field_keys: Object.keys(c.customFields).sort(),
    engagement: engagementEntries(c.engagement),
    deleted_at: c.deletedAt,
  };
}

/** An erased contact's document: ids and version only, excluded from every query. */
export function tombstoneDocument(workspaceId: string, contactId: string, version: number): ContactDocument {
  return { workspace_id: workspaceId, contact_id: contactId, version, deleted: true, erased: true };
}

/** What an event does to the index: one document write, or nothing (tag events touch no contact). */
export function indexOperationOf(event: ChangeEvent): IndexOperation | undefined {
  switch (event.type) {
    case 'contact.upserted':
    case 'contact.deleted':
    case 'contact.restored':
    case 'contact.tags_added':
    case 'contact.tags_removed':
    case 'contact.labels_set':
    case 'contact.labels_removed':
    case 'contact.engagement_recorded':
      return { workspaceId: event.workspaceId, contactId: event.contactId, version: event.contact.version, document: contactDocument(event.contact) };
    case 'contact.erased':
      return {
        workspaceId: event.workspaceId,
        contactId: event.contactId,
        version: event.version,
        document: tombstoneDocument(event.workspaceId, event.contactId, event.version),
      };
    case 'tag.renamed': // documents hold tag ids: a rename changes no document
    case 'tag.deleted': // each affected contact has its own contact.tags_removed event
      return undefined;
    default:
      return assertNever(event);
  }
}
