// The contact's standard fields, declared once: where each is stored, indexed, written in the
// contact file, compared by segments and carried by merges. Adding a field is one entry here (plus
// the migration and the snapshot and write schemas, which stay the public contract).
import type { estypes } from '../elasticsearch/es-client';
import type { ContactSnapshot } from '../events/change-events';

type Address = ContactSnapshot['address'];
/** A snapshot key, address fields flattened (`city`, not `address.city`): how the table names fields. */
type FlatSnapshotKey = Exclude<keyof ContactSnapshot, 'address'> | keyof Address;

export interface ContactFieldSpec {
  /** One snake_case name everywhere outside JSON: Postgres column, index document field, CSV header, segment language name. */
  column: string;
  /** Under the snapshot's (and the write's) `address`. */
  inAddress: boolean;
  /** The Postgres type, which says how SQL reads the field from a jsonb write document and into a jsonb snapshot. */
  sqlType: 'text' | 'smallint' | 'timestamptz' | 'text[]';
  /** How a write sets it: among the write's fields (ContactFields), as a channel status (kept with its history), or only by the service. */
  writtenAs: 'field' | 'status' | 'service';
  /** Its index mapping; null when it is not indexed. A `lowercase` normalizer makes segment equality case-insensitive. */
  index: estypes.MappingProperty | null;
  /** How the segment language compares it; null when no profile condition reads it (statuses and categories have conditions of their own). */
  segment: 'text' | 'number' | 'date' | null;
  /** Its column in the contact file (CSV import and export): header spellings real files use, and the template's example value. */
  file: { aliases: readonly string[]; example: string } | null;
  /** Filled from the merged contacts when the kept contact has none. */
  fillOnMerge: boolean;
  /** A field member rows (streams, previews, exports by fields) may carry, by its table key. */
  member: boolean;
}

const keyword = { type: 'keyword' } as const;

/**
 * In the contact file's column order, which the export writes and every list derived from this
 * table follows (merge fill order, segment text fields). `satisfies` checks each key against the
 * snapshot, and that `inAddress` says where the snapshot holds it.
 */
export const CONTACT_FIELDS = {
  email: {
    column: 'email',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['e-mail', 'e-mail address', 'email_address', 'emailaddress', 'mail'], example: 'jane.doe@example.com' },
    fillOnMerge: true,
    member: true,
  },
  phone: {
    column: 'phone',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: {
      aliases: [
        'phone_number',
        'phonenumber',
        'mobile',
        'mobile_phone',
        'mobile_number',
        'cell',
        'cell_phone',
        'cellphone',
        'telephone',
        'tel',
        'sms',
        'msisdn',
      ],
      example: '+14155550123',
    },
    fillOnMerge: true,
    member: true,
  },
  firstName: {
    column: 'first_name',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: { type: 'keyword', normalizer: 'lowercase' }, // the built-in normalizer
    segment: 'text',
    file: { aliases: ['firstname', 'first', 'given_name', 'forename', 'fname'], example: 'Jane' },
    fillOnMerge: true,
    member: true,
  },
  lastName: {
    column: 'last_name',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: { type: 'keyword', normalizer: 'lowercase' },
    segment: 'text',
    file: { aliases: ['lastname', 'last', 'surname', 'family_name', 'lname'], example: 'Doe' },
    fillOnMerge: true,
    member: true,
  },
  street: {
    column: 'street',
    inAddress: true,
    sqlType: 'text',
    writtenAs: 'field',
    index: null,
    segment: null,
    file: { aliases: ['address', 'address_line_1', 'address_line1', 'address1', 'street_address', 'address.street'], example: '1 Market Street' },
    fillOnMerge: true,
    member: false,
  },
  city: {
    column: 'city',
    inAddress: true,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['town', 'address.city'], example: 'San Francisco' },
    fillOnMerge: true,
    member: true,
  },
  region: {
    column: 'region',
    inAddress: true,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['state', 'province', 'address.region'], example: 'CA' },
    fillOnMerge: true,
    member: true,
  },
  postalCode: {
    column: 'postal_code',
    inAddress: true,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['zip', 'zip_code', 'zipcode', 'postcode', 'post_code', 'postalcode', 'address.postalCode'], example: '94105' },
    fillOnMerge: true,
    member: true,
  },
  country: {
    column: 'country',
    inAddress: true,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['country_code', 'address.country'], example: 'US' },
    fillOnMerge: true,
    member: true,
  },
  timezone: {
    column: 'timezone',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['tz', 'time_zone'], example: 'America/Los_Angeles' },
    fillOnMerge: true,
    member: true,
  },
  language: {
    column: 'language',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: ['lang', 'locale'], example: 'en-US' },
    fillOnMerge: true,
    member: true,
  },
  emailStatus: {
    column: 'email_status',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'status',
    index: keyword,
    segment: null,
    file: { aliases: [], example: 'active' },
    fillOnMerge: false,
    member: true,
  },
  phoneStatus: {
    column: 'phone_status',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'status',
    index: keyword,
    segment: null,
    file: { aliases: [], example: 'active' },
    fillOnMerge: false,
    member: true,
  },
  emailRating: {
    column: 'email_rating',
    inAddress: false,
    sqlType: 'smallint',
    writtenAs: 'field',
    index: { type: 'short' },
    segment: 'number',
    file: { aliases: ['rating'], example: '80' },
    fillOnMerge: false,
    member: true,
  },
  source: {
    column: 'source',
    inAddress: false,
    sqlType: 'text',
    writtenAs: 'field',
    index: keyword,
    segment: 'text',
    file: { aliases: [], example: 'import' },
    fillOnMerge: false,
    member: true,
  },
  consentAt: {
    column: 'consent_at',
    inAddress: false,
    sqlType: 'timestamptz',
    writtenAs: 'field',
    index: { type: 'date' },
    segment: 'date',
    file: { aliases: ['consent', 'consent_date', 'opt_in_date', 'optin_date', 'opted_in_at'], example: '2024-05-01T09:30:00Z' },
    fillOnMerge: false,
    member: true,
  },
  subscriptionCategories: {
    column: 'subscription_categories',
    inAddress: false,
    sqlType: 'text[]',
    writtenAs: 'field',
    index: keyword,
    segment: null,
    file: { aliases: ['categories'], example: 'newsletter|offers' },
    fillOnMerge: false,
    member: true,
  },
  createdAt: {
    column: 'created_at',
    inAddress: false,
    sqlType: 'timestamptz',
    writtenAs: 'service', // a write may give it, but only when it creates the contact
    index: { type: 'date' },
    segment: 'date',
    file: { aliases: ['created', 'created_date', 'created_on', 'signup_date', 'sign_up_date', 'date_added'], example: '2024-05-01' },
    fillOnMerge: false,
    member: true,
  },
  updatedAt: {
    column: 'updated_at',
    inAddress: false,
    sqlType: 'timestamptz',
    writtenAs: 'service',
    index: { type: 'date' },
    segment: 'date',
    file: null, // an export writes it; an import refuses it (EXPORT_ONLY_COLUMNS)
    fillOnMerge: false,
    member: true,
  },
} as const satisfies { [K in FlatSnapshotKey]?: ContactFieldSpec & { inAddress: K extends keyof Address ? true : false } };

export type ContactFieldName = keyof typeof CONTACT_FIELDS;
type Spec<K extends ContactFieldName> = (typeof CONTACT_FIELDS)[K];

/** The snapshot keys that are not standard fields: ids, the address object itself, collections and bookkeeping. */
type OtherSnapshotKey = 'id' | 'workspaceId' | 'address' | 'customFields' | 'tagIds' | 'labels' | 'engagement' | 'deletedAt' | 'version';
type Unlisted = Exclude<FlatSnapshotKey | 'address', ContactFieldName | OtherSnapshotKey>;
/** A snapshot key missing from the table fails to compile here, naming the key. */
const everySnapshotKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everySnapshotKeyListed;

/** The table's fields whose spec has the given attributes: `FieldsWhere<{ segment: 'text' }>`. */
export type FieldsWhere<P> = { [K in ContactFieldName]: Spec<K> extends P ? K : never }[ContactFieldName];
/** A field's snake_case column (document field, CSV header, segment name). */
export type ColumnOf<K extends ContactFieldName> = Spec<K>['column'];
/** A field's path in a snapshot or a write: `firstName`, `address.city`. */
export type PathOf<K extends ContactFieldName> = Spec<K>['inAddress'] extends true ? `address.${K & string}` : K;
/** A field's value in a snapshot. */
export type SnapshotValueOf<K extends ContactFieldName> = K extends keyof Address ? Address[K] : K extends keyof ContactSnapshot ? ContactSnapshot[K] : never;

export const CONTACT_FIELD_NAMES = Object.keys(CONTACT_FIELDS) as ContactFieldName[];

type Pattern = Partial<Record<keyof ContactFieldSpec, string | boolean | null>>;
const matches = (spec: ContactFieldSpec, pattern: Pattern) => Object.entries(pattern).every(([key, value]) => spec[key as keyof ContactFieldSpec] === value);

/** The fields whose spec has these attribute values, in table order: `contactFieldsWith({ segment: 'text' })`. */
export function contactFieldsWith<const P extends Pattern>(pattern: P): FieldsWhere<P>[] {
  return CONTACT_FIELD_NAMES.filter((name) => matches(CONTACT_FIELDS[name], pattern)) as FieldsWhere<P>[];
}

/** The other fields: `contactFieldsWithout({ file: null })` are the fields in the contact file. */
export function contactFieldsWithout<const P extends Pattern>(pattern: P): Exclude<ContactFieldName, FieldsWhere<P>>[] {
  return CONTACT_FIELD_NAMES.filter((name) => !matches(CONTACT_FIELDS[name], pattern)) as Exclude<ContactFieldName, FieldsWhere<P>>[];
}

/** The columns of the fields with these attribute values, in table order, as literal types (z.enum keeps them). */
export const contactColumnsWith = <const P extends Pattern>(pattern: P): ColumnOf<FieldsWhere<P>>[] =>
  contactFieldsWith(pattern).map((name) => CONTACT_FIELDS[name].column) as ColumnOf<FieldsWhere<P>>[];

/** `{ [column]: value(name) }` for these fields, typed by column (Object.fromEntries forgets the keys). */
export function byColumn<K extends ContactFieldName, V>(names: readonly K[], value: (name: K) => V): Record<ColumnOf<K>, V> {
  return Object.fromEntries(names.map((name) => [CONTACT_FIELDS[name].column, value(name)])) as Record<ColumnOf<K>, V>;
}

export const pathOf = <K extends ContactFieldName>(name: K): PathOf<K> => (CONTACT_FIELDS[name].inAddress ? `address.${name}` : name) as PathOf<K>;

/** A field's value in a snapshot (address fields under `address`). */
export function snapshotValueOf<K extends ContactFieldName>(contact: ContactSnapshot, name: K): SnapshotValueOf<K> {
  const holder = (CONTACT_FIELDS[name].inAddress ? contact.address : contact) as Record<string, unknown>;
  return holder[name] as SnapshotValueOf<K>;
}
