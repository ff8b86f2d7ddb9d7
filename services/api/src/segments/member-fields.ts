// The fields a member row may carry, and how each is spelled: in NDJSON (and every JSON answer) the
// API's camelCase, as in the contact JSON; in CSV the contact file's snake_case headers, as the
// export and the import use them. Pure: parsing `fields`, and building a row from an index document.
import { assertNever, type ColumnOf, CONTACT_FIELDS, CustomFieldKey, type FieldsWhere, LabelKey } from '@segmenter/shared';
import type { FieldProblem } from '../errors/app-error';
import { byCodeUnits, customFieldColumn, encodeList, labelColumn, sortedKeys } from '../contact-files/contact-csv-format';

type ContactMemberField = FieldsWhere<{ member: true }>;
/**
 * The contact field table's member fields, in the order the API has always listed them (error
 * messages, documentation), which is not the table's: tsc refuses a list that misses one.
 */
const MEMBER_FIELD_ORDER = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'emailStatus',
  'phoneStatus',
  'emailRating',
  'city',
  'region',
  'postalCode',
  'country',
  'language',
  'timezone',
  'source',
  'consentAt',
  'subscriptionCategories',
  'createdAt',
  'updatedAt',
] as const satisfies readonly ContactMemberField[];
type Unordered = Exclude<ContactMemberField, (typeof MEMBER_FIELD_ORDER)[number]>;
const everyMemberFieldOrdered: [Unordered] extends [never] ? true : Unordered = true;
void everyMemberFieldOrdered;

/**
 * The contact's own fields: the JSON name, the index document's field, and the CSV header (the
 * export's column name for the same data). Every name is the contact JSON's, flattened (`city`,
 * not `address.city`).
 */
export const STANDARD_MEMBER_FIELDS = {
  id: { source: 'contact_id', csv: 'id' },
  ...(Object.fromEntries(MEMBER_FIELD_ORDER.map((name) => [name, { source: CONTACT_FIELDS[name].column, csv: CONTACT_FIELDS[name].column }])) as {
    [K in ContactMemberField]: { source: ColumnOf<K>; csv: ColumnOf<K> };
  }),
} as const;
export type StandardMemberField = keyof typeof STANDARD_MEMBER_FIELDS;

const TAGS_FIELD = 'tags';
const LABELS_FIELD = 'labels';
const LABEL_FIELD_PREFIX = 'label:';
const CUSTOM_FIELD_PREFIX = 'custom:';
/** More than any row needs (the standard fields, tags, labels, 100 custom fields, label keys). */
const MAX_MEMBER_FIELDS = 500;
export const FIELDS_EXAMPLE = 'id,email,firstName,tags,labels,label:tier,custom:plan';

/** One requested field; `name` is as requested, and is the row's key in NDJSON. */
export type MemberField =
  | { kind: 'standard'; name: StandardMemberField }
  | { kind: 'tags'; name: typeof TAGS_FIELD }
  | { kind: 'labels'; name: typeof LABELS_FIELD }
  | { kind: 'label'; name: string; key: string }
  | { kind: 'custom'; name: string; key: string };

/** The requested fields and where the request held them (`query.fields`), for errors found later. */
export interface MemberFieldList {
  at: string;
  fields: MemberField[];
}

const FIELD_RULE = `is not a member field: use ${Object.keys(STANDARD_MEMBER_FIELDS).join(', ')}, ${TAGS_FIELD}, ${LABELS_FIELD}, ${LABEL_FIELD_PREFIX}<key> or ${CUSTOM_FIELD_PREFIX}<key>`;

/** One name of `fields`; a string saying what is wrong with it otherwise. */
export function parseMemberField(name: string): MemberField | string {
  // hasOwn: "constructor" or "__proto__" is not a standard field.
  if (Object.hasOwn(STANDARD_MEMBER_FIELDS, name)) return { kind: 'standard', name: name as StandardMemberField };
  if (name === TAGS_FIELD) return { kind: 'tags', name };
  if (name === LABELS_FIELD) return { kind: 'labels', name };
  for (const [prefix, kind, schema] of [
    [LABEL_FIELD_PREFIX, 'label', LabelKey],
    [CUSTOM_FIELD_PREFIX, 'custom', CustomFieldKey],
  ] as const) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    const checked = schema.safeParse(key);
    return checked.success
      ? { kind, name, key }
      : `names ${kind === 'label' ? 'label' : 'custom field'} key ${JSON.stringify(key)}, refused: ${checked.error.issues[0]!.message}`;
  }
  // The CSV header (first_name) or the old stream spelling: point to the JSON name.
  const jsonName = Object.entries(STANDARD_MEMBER_FIELDS).find(([, f]) => f.csv === name)?.[0];
  return jsonName ? `is not a member field: did you mean ${jsonName}? (fields use the JSON spelling; CSV headers use the contact file's)` : FIELD_RULE;
}

/** `fields` as a comma-separated string: the fields, or one problem per bad or repeated name at `<at>.<index>`. */
export function parseMemberFields(text: string, at: string): { list: MemberFieldList } | { problems: FieldProblem[] } {
  const names = text.split(',').map((f) => f.trim());
  if (names.length > MAX_MEMBER_FIELDS) return { problems: [{ field: at, rule: `must name at most ${MAX_MEMBER_FIELDS} fields` }] };
  const problems: FieldProblem[] = [];
  const fields: MemberField[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const parsed = parseMemberField(name);
    if (typeof parsed === 'string') problems.push({ field: `${at}.${i}`, rule: parsed });
    else if (seen.has(name)) problems.push({ field: `${at}.${i}`, rule: `repeats field ${name}` });
    else fields.push(parsed);
    seen.add(name);
  });
  return problems.length > 0 ? { problems } : { list: { at, fields } };
}

/** The index document fields a row of these fields needs (`_source`). */
export function sourceFieldsOf(fields: readonly MemberField[]): string[] {
  const source = new Set<string>(['contact_id']);
  for (const f of fields) {
    if (f.kind === 'standard') source.add(STANDARD_MEMBER_FIELDS[f.name].source);
    else if (f.kind === 'tags') source.add('tag_ids');
    else if (f.kind === 'labels' || f.kind === 'label') source.add('labels');
    else source.add('custom_fields');
  }
  return [...source];
}

/** The custom field keys a list names, with their positions, to check against the workspace's definitions. */
export function customFieldsNamed(list: MemberFieldList): { key: string; field: string }[] {
  return list.fields.flatMap((f, i) => (f.kind === 'custom' ? [{ key: f.key, field: `${list.at}.${i}` }] : []));
}

interface SourceDocument {
  tag_ids?: string[];
  labels?: string[];
  custom_fields?: { key: string; string?: string; number?: number; boolean?: boolean }[];
  [field: string]: unknown;
}

/** Labels from the index's `key=value` terms; keys never hold `=`, so the first one ends the key. */
function labelsOfDocument(doc: SourceDocument): Record<string, string> {
  // fromEntries: a `__proto__` key becomes an own entry, not the prototype.
  return Object.fromEntries((doc.labels ?? []).map((term) => [term.slice(0, term.indexOf('=')), term.slice(term.indexOf('=') + 1)]));
}

function customValueOf(doc: SourceDocument, key: string): string | number | boolean | null {
  const entry = doc.custom_fields?.find((e) => e.key === key);
  if (!entry) return null;
  return entry.number ?? entry.boolean ?? entry.string ?? null;
}

/** Tag names of a document, sorted; a tag deleted meanwhile has no name and is left out. */
function tagNamesOfDocument(doc: SourceDocument, tagNames: ReadonlyMap<string, string | null>): string[] {
  return (doc.tag_ids ?? []).flatMap((id) => tagNames.get(id) ?? []).sort(byCodeUnits);
}

/** A JSON row: one key per requested field, in the requested order; absent values are null. */
export function memberJsonRow(doc: SourceDocument, fields: readonly MemberField[], tagNames: ReadonlyMap<string, string | null>): Record<string, unknown> {
  let labels: Record<string, string> | undefined;
  const labelsOnce = () => (labels ??= labelsOfDocument(doc));
  return Object.fromEntries(
    fields.map((f) => {
      switch (f.kind) {
        case 'standard':
          return [f.name, doc[STANDARD_MEMBER_FIELDS[f.name].source] ?? null];
        case 'tags':
          return [f.name, tagNamesOfDocument(doc, tagNames)];
        case 'labels':
          return [f.name, labelsOnce()];
        case 'label':
          return [f.name, Object.hasOwn(labelsOnce(), f.key) ? labelsOnce()[f.key] : null];
        case 'custom':
          return [f.name, customValueOf(doc, f.key)];
        default:
          return assertNever(f);
      }
    }),
  );
}

/**
 * CSV columns: `labels` stands for one `label_<key>` column per label key of the workspace (a CSV
 * cell holds no object), each once even if also named alone; the rest map one to one.
 */
export type MemberColumn = Exclude<MemberField, { kind: 'labels' }>;
export function csvColumnsOf(fields: readonly MemberField[], labelKeys: readonly string[]): MemberColumn[] {
  const named = new Set(fields.flatMap((f) => (f.kind === 'label' ? [f.key] : [])));
  return fields.flatMap((f): MemberColumn[] =>
    f.kind === 'labels'
      ? sortedKeys(labelKeys)
          .filter((k) => !named.has(k))
          .map((key) => ({ kind: 'label', name: `${LABEL_FIELD_PREFIX}${key}`, key }))
      : [f],
  );
}

/** A column's CSV header: the export's name for the same data. */
export function csvHeaderOf(column: MemberColumn): string {
  switch (column.kind) {
    case 'standard':
      return STANDARD_MEMBER_FIELDS[column.name].csv;
    case 'tags':
      return TAGS_FIELD;
    case 'label':
      return labelColumn(column.key);
    case 'custom':
      return customFieldColumn(column.key);
    default:
      return assertNever(column);
  }
}

/** A row's CSV cells, unescaped: lists joined as the contact file joins them, absent values empty. */
export function memberCsvCells(doc: SourceDocument, columns: readonly MemberColumn[], tagNames: ReadonlyMap<string, string | null>): unknown[] {
  const row = memberJsonRow(doc, columns, tagNames);
  return columns.map((c) => {
    const value = row[c.name];
    return Array.isArray(value) ? encodeList(value as string[]) : value;
  });
}
