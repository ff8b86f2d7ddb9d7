// The contact file format shared by CSV import and export, so that an export imports back
// unchanged: one column per contact field (snake_case), tags as one list column, labels as
// `label_<key>` columns, custom fields as `custom_<key>` columns. Pure: no I/O.
import { byColumn, type ColumnOf, type ContactFieldName, contactFieldsWithout, type FieldsWhere, pathOf, type PathOf } from '@segmenter/shared';
import type { ContactWrite } from '../contacts/contact-schemas';

/** Tags in one cell: names joined by `|`; a `|` or `\` inside a name is escaped with `\`. */
export const TAG_LIST_SEPARATOR = '|';
export const LABEL_COLUMN_PREFIX = 'label_';
export const CUSTOM_FIELD_COLUMN_PREFIX = 'custom_';
export const labelColumn = (key: string) => `${LABEL_COLUMN_PREFIX}${key}`;
export const customFieldColumn = (key: string) => `${CUSTOM_FIELD_COLUMN_PREFIX}${key}`;
/** Names and keys in a file are ordered by code units, so the same data makes the same file whatever the locale. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Keys once each, in the file's order. */
export const sortedKeys = (keys: Iterable<string>) => [...new Set(keys)].sort(byCodeUnits);
/** The column of the rejected-rows file that says why each row was refused. */
export const REJECTION_COLUMN = 'error';
/** The column of the rejected-rows file that holds each row's number in the imported file. */
export const ROW_NUMBER_COLUMN = 'row';

type FileField = Exclude<ContactFieldName, FieldsWhere<{ file: null }>>;
/** The contact field table's fields that have a column in the file, in its order (the export's). */
export const FILE_FIELDS: readonly FileField[] = contactFieldsWithout({ file: null });

/**
 * The standard columns, in export order, and where each lands in a contact write: the contact
 * field table's file columns, then `tags`, the list column. Address fields sit under `address`.
 */
export const STANDARD_COLUMNS = {
  ...(byColumn(FILE_FIELDS, pathOf) as unknown as { [K in FileField as ColumnOf<K>]: PathOf<K> }),
  tags: 'tags',
} as const;
export type StandardColumn = keyof typeof STANDARD_COLUMNS;
/** The list columns: one cell holds many values, separated as tags are. */
export const LIST_COLUMNS: ReadonlySet<StandardColumn> = new Set(['tags', 'subscription_categories']);

export type ContactWritePath = (typeof STANDARD_COLUMNS)[StandardColumn];
export type { ContactWrite };

/** Joins names into one cell, escaping the separator and the escape character. */
export function encodeList(values: readonly string[], separator = TAG_LIST_SEPARATOR): string {
  return values.map((v) => v.replace(/\\/g, '\\\\').split(separator).join(`\\${separator}`)).join(separator);
}

/** Splits a list cell written by `encodeList`; empty items (and surrounding blanks) are dropped. */
export function decodeList(cell: string, separator = TAG_LIST_SEPARATOR): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i]!;
    if (ch === '\\' && i + 1 < cell.length && (cell[i + 1] === '\\' || cell.startsWith(separator, i + 1))) {
      const escaped = cell[i + 1] === '\\' ? '\\' : separator;
      current += escaped;
      i += escaped.length;
    } else if (cell.startsWith(separator, i)) {
      values.push(current);
      current = '';
      i += separator.length - 1;
    } else {
      current += ch;
    }
  }
  values.push(current);
  return values.map((v) => v.trim()).filter((v) => v.length > 0);
}

/** A cell a spreadsheet would run as a formula (CSV injection); an E.164 phone is not one. */
const FORMULA_LEAD = /^[=+\-@\t\r]/;
/** A formula lead behind quotes of its own: defused again, so the import's one-quote undo gives it back whole. */
const DEFUSED_LEAD = /^'+[=+\-@\t\r]/;
const E164 = /^\+\d+$/;

/** CSV cell: quoted when it holds a comma, quote or line break; formula-leading cells defused with a leading `'`. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if ((FORMULA_LEAD.test(text) && !E164.test(text)) || DEFUSED_LEAD.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Undoes `csvCell`'s defusing on import, so an exported value comes back as it was. */
export function restoreDefusedCell(cell: string): string {
  return DEFUSED_LEAD.test(cell) ? cell.slice(1) : cell;
}

/** One CSV line (CRLF-terminated) from its cells. */
export const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
