// Reads a contact CSV file into contact writes (streamed records, header mapping, each row checked
// by the API's own schema), and writes the rejected-rows file and the template. Pure: no I/O of its own.
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { assertNever, byColumn, CONTACT_FIELDS, CustomFieldKey, LabelKey, type CustomFieldType, type CustomFieldValue } from '@segmenter/shared';
import { type ContactWrite, LABELS_MODES, type MatchBy, upsertContact } from '../contacts/contact-schemas';
import { AppError, type FieldProblem } from '../errors/app-error';
import {
  csvLine,
  customFieldColumn,
  decodeList,
  FILE_FIELDS,
  labelColumn,
  LIST_COLUMNS,
  REJECTION_COLUMN,
  restoreDefusedCell,
  ROW_NUMBER_COLUMN,
  STANDARD_COLUMNS,
  type StandardColumn,
  TAG_LIST_SEPARATOR,
} from './contact-csv-format';

// ---------------------------------------------------------------------------------------------
// Header mapping
// ---------------------------------------------------------------------------------------------

// Postgres cannot store the NUL character in text: the API refuses it at its edge (http/refuse-nul.ts)
// with this rule, and so does the import, for headers and cells.
const NUL_RULE = 'must not contain the NUL character';

/** Where one column of the file lands in a contact write, or why it is skipped. */
export type ColumnTarget =
  { kind: 'field'; column: StandardColumn } | { kind: 'label'; key: string } | { kind: 'custom'; key: string } | { kind: 'ignored'; reason: string };

export interface ColumnMapping {
  /** 0-based position of the column in every record. */
  index: number;
  /** The header as in the file, without a byte order mark or surrounding blanks. */
  header: string;
  target: ColumnTarget;
}

export interface ColumnMappingOptions {
  /** `{ "<header as in the file>": "<standard column>" | "label:<key>" | "custom:<key>" | null }`; null skips the column. */
  overrides?: Readonly<Record<string, string | null>>;
  /** The custom field keys defined in the workspace. */
  customFieldKeys: ReadonlySet<string>;
  /** When given, the file must also hold the column contacts are matched by. */
  matchBy?: MatchBy;
}

/**
 * Header spellings that real files use, per standard column, written as people write them: they
 * go through the same normalisation as the file's headers. The contact field table's, and the tags'.
 */
export const HEADER_ALIASES: Readonly<Record<StandardColumn, readonly string[]>> = {
  ...byColumn(FILE_FIELDS, (name): readonly string[] => CONTACT_FIELDS[name].file.aliases),
  tags: ['tag', 'tag_list'],
};

/**
 * Columns our own exports and rejected-rows files carry that an import must not write: the
 * service assigns them, or they describe the file rather than the contact.
 */
export const EXPORT_ONLY_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'contact ids are assigned by the service; contacts are matched by email or phone'],
  ['updated_at', 'set by the service on every write'],
  ['deleted_at', 'set by the service on every write'],
  ['version', 'set by the service on every write'],
  [ROW_NUMBER_COLUMN, 'a column of the rejected-rows file'],
  [REJECTION_COLUMN, 'a column of the rejected-rows file'],
]);

/** A header as a comparable name: `First Name`, `firstName` and `first-name` all become `first_name`. */
function normaliseHeaderName(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

// A Map, not an object: a header such as "constructor" or "__proto__" must find nothing here.
const STANDARD_COLUMN_BY_NAME: ReadonlyMap<string, StandardColumn> = new Map(
  (Object.keys(STANDARD_COLUMNS) as StandardColumn[]).flatMap((column) => [
    [column, column] as const,
    ...HEADER_ALIASES[column].map((alias) => [normaliseHeaderName(alias), column] as const),
  ]),
);

const isStandardColumn = (name: string): name is StandardColumn => Object.hasOwn(STANDARD_COLUMNS, name);

const OVERRIDE_TARGETS_RULE = `must be a standard column (${Object.keys(STANDARD_COLUMNS).join(', ')}), "label:<key>", "custom:<key>" or null to skip the column`;

type Resolved = { target: ColumnTarget } | { rule: string };

function labelTarget(key: string): Resolved {
  const check = LabelKey.safeParse(key);
  return check.success ? { target: { kind: 'label', key } } : { rule: `label key ${check.error.issues[0]!.message}` };
}

function customTarget(key: string, customFieldKeys: ReadonlySet<string>): Resolved {
  const check = CustomFieldKey.safeParse(key);
  if (!check.success) return { rule: `custom field key ${check.error.issues[0]!.message}` };
  // Refused here, once, rather than on every row: each of its cells would fail the same way.
  if (!customFieldKeys.has(key)) return { rule: `custom field "${key}" is not defined in this workspace: define it first, or map this column to null` };
  return { target: { kind: 'custom', key } };
}

/** The target a header names by itself. Label keys keep their case: labels are case-sensitive. */
function targetOfHeader(header: string, customFieldKeys: ReadonlySet<string>): Resolved {
  const prefixed = /^(label|custom)[_:](.*)$/is.exec(header);
  if (prefixed) {
    const key = prefixed[2]!.trim();
    return prefixed[1]!.toLowerCase() === 'label' ? labelTarget(key) : customTarget(normaliseHeaderName(key), customFieldKeys);
  }
  const name = normaliseHeaderName(header);
  const column = STANDARD_COLUMN_BY_NAME.get(name);
  if (column) return { target: { kind: 'field', column } };
  const exportOnly = EXPORT_ONLY_COLUMNS.get(name);
  if (exportOnly) return { target: { kind: 'ignored', reason: exportOnly } };
  if (customFieldKeys.has(name)) return { target: { kind: 'custom', key: name } };
  return { target: { kind: 'ignored', reason: 'unknown column' } };
}

function targetOfOverride(target: unknown, customFieldKeys: ReadonlySet<string>): Resolved {
  if (target === null) return { target: { kind: 'ignored', reason: 'skipped by the column mapping' } };
  if (typeof target !== 'string') return { rule: OVERRIDE_TARGETS_RULE };
  if (isStandardColumn(target)) return { target: { kind: 'field', column: target } };
  if (target.startsWith('label:')) return labelTarget(target.slice('label:'.length));
  if (target.startsWith('custom:')) return customTarget(target.slice('custom:'.length), customFieldKeys);
  return { rule: OVERRIDE_TARGETS_RULE };
}

function describeTarget(target: Exclude<ColumnTarget, { kind: 'ignored' }>): string {
  switch (target.kind) {
    case 'field':
      return target.column;
    case 'label':
      return `label "${target.key}"`;
    case 'custom':
      return `custom field "${target.key}"`;
    default:
      return assertNever(target);
  }
}

/**
 * Maps each column of the file to where it lands, by its header or by the caller's overrides.
 * Unknown columns are ignored and listed, not refused: files carry columns we do not store.
 * Problems are the file's, not a row's: the caller refuses the whole file on any of them.
 */
export function mapColumns(headers: readonly string[], options: ColumnMappingOptions): { columns: ColumnMapping[]; problems: FieldProblem[] } {
  const cleaned = headers.map((h) => h.replace(/^\uFEFF/, '').trim());
  const lastNamed = cleaned.findLastIndex((h) => h !== '');
  if (lastNamed < 0) return { columns: [], problems: [{ field: 'header', rule: 'the file has no header row' }] };

  const problems: FieldProblem[] = [];
  cleaned.forEach((header, index) => {
    if (header.includes('\u0000')) problems.push({ field: `header.${index + 1}`, rule: NUL_RULE });
  });
  // Entries, not lookups on the caller's object: a header may be "__proto__" or "constructor".
  const overrides = new Map(Object.entries(options.overrides ?? {}).map(([header, target]) => [header.trim(), target]));
  for (const header of overrides.keys()) {
    if (!cleaned.includes(header)) problems.push({ field: `columns.${header}`, rule: 'is not a column of this file' });
  }

  const columns = cleaned.map((header, index): ColumnMapping => {
    let resolved: Resolved;
    if (overrides.has(header)) {
      resolved = targetOfOverride(overrides.get(header), options.customFieldKeys);
      if ('rule' in resolved) problems.push({ field: `columns.${header}`, rule: resolved.rule });
    } else if (header === '') {
      // Spreadsheets often save a few empty header cells at the end; one in the middle hides a column.
      resolved =
        index > lastNamed
          ? { target: { kind: 'ignored', reason: 'no header' } }
          : { rule: 'has no name, but columns after it do: name it, or delete the column' };
      if ('rule' in resolved) problems.push({ field: `header.${index + 1}`, rule: resolved.rule });
    } else {
      resolved = targetOfHeader(header, options.customFieldKeys);
      if ('rule' in resolved) problems.push({ field: `header.${index + 1}`, rule: resolved.rule });
    }
    return { index, header, target: 'target' in resolved ? resolved.target : { kind: 'ignored', reason: resolved.rule } };
  });

  const firstColumnOf = new Map<string, number>();
  for (const { index, target } of columns) {
    if (target.kind === 'ignored') continue;
    const identity = target.kind === 'field' ? `field:${target.column}` : `${target.kind}:${target.key}`;
    const first = firstColumnOf.get(identity);
    if (first === undefined) firstColumnOf.set(identity, index);
    else {
      problems.push({
        field: `header.${index + 1}`,
        rule: `columns ${first + 1} and ${index + 1} both map to ${describeTarget(target)}: keep one, or map one to null`,
      });
    }
  }

  const hasField = (column: StandardColumn) => firstColumnOf.has(`field:${column}`);
  if (!hasField('email') && !hasField('phone')) problems.push({ field: 'header', rule: 'the file needs an email or a phone column' });
  else if (options.matchBy && !hasField(options.matchBy)) {
    const article = options.matchBy === 'email' ? 'an' : 'a';
    problems.push({ field: 'header', rule: `the file needs ${article} ${options.matchBy} column to match contacts by ${options.matchBy}` });
  }
  return { columns, problems };
}

// ---------------------------------------------------------------------------------------------
// Row to contact write
// ---------------------------------------------------------------------------------------------

export interface RowProblem {
  /** The header of the offending column; empty when the problem is the row's own (its cell count). */
  column: string;
  rule: string;
}

export type RowResult = { ok: true; write: ContactWrite } | { ok: false; problems: RowProblem[] };

export interface RowOptions {
  matchBy: MatchBy;
  /** Separates the values of a list cell (tags, subscription categories); `|` by default, as exports write. */
  listSeparator?: string;
  labelsMode?: (typeof LABELS_MODES)[number];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(?:([Zz])|([+-]\d{2}):?(\d{2}))?$/;

/**
 * A timestamp cell in the form the API takes (ISO 8601 with offset). Spreadsheets write dates
 * without an offset, so: `2024-05-01` is midnight UTC, and `2024-05-01 09:30[:00]` without an
 * offset is read as UTC (the file carries no time zone, and guessing the workspace's would make
 * the same file import differently in two workspaces). A space for `T`, missing seconds and a
 * `+0200` offset are normalised; anything else is left as is for the schema to refuse, which
 * also refuses impossible calendar dates such as February 30.
 */
export function normaliseCsvTimestamp(cell: string): string {
  if (DATE_ONLY.test(cell)) return `${cell}T00:00:00Z`;
  const parts = DATE_TIME.exec(cell);
  if (!parts) return cell;
  const [, date, hoursMinutes, seconds, zulu, offsetHours, offsetMinutes] = parts;
  const offset = offsetHours === undefined || zulu !== undefined ? 'Z' : `${offsetHours}:${offsetMinutes}`;
  return `${date}T${hoursMinutes}${seconds ?? ':00'}${offset}`;
}

const WHOLE_NUMBER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_CELLS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

/**
 * A custom field cell as the value its field's type takes. rowToContactWrite passes custom
 * cells as strings because only the caller knows the workspace's field types; it converts
 * them with this before merging (`mergeCustomFields` then applies the type rules). Dates pass
 * through (date-times normalised as `normaliseCsvTimestamp` does), so a date stays a date.
 */
export function coerceCustomFieldCell(type: CustomFieldType, cell: string): { value: CustomFieldValue } | { rule: string } {
  const text = cell.trim();
  switch (type) {
    case 'string':
      return { value: cell };
    case 'number': {
      const value = Number(text);
      return DECIMAL_NUMBER.test(text) && Number.isFinite(value) ? { value } : { rule: 'must be a number, such as 12.5' };
    }
    case 'boolean': {
      const value = BOOLEAN_CELLS.get(text.toLowerCase());
      return value === undefined ? { rule: 'must be true or false (or yes/no, 1/0)' } : { value };
    }
    case 'date':
      return { value: DATE_ONLY.test(text) ? text : normaliseCsvTimestamp(text) };
    default:
      return assertNever(type);
  }
}

type FieldCell = { value: string | number | string[] } | { rule: string };

function fieldValueOfCell(column: StandardColumn, cell: string, listSeparator: string): FieldCell {
  if (LIST_COLUMNS.has(column)) return { value: decodeList(cell, listSeparator) };
  if (column === 'email_rating') return WHOLE_NUMBER.test(cell) ? { value: Number(cell) } : { rule: 'must be a whole number' };
  if (column === 'created_at' || column === 'consent_at') return { value: normaliseCsvTimestamp(cell) };
  return { value: cell };
}

// Built once per match field: building a zod schema costs ten times more than running it, and
// an import runs it once per row.
const upsertSchemas = new Map<MatchBy, ReturnType<typeof upsertContact>>();
function upsertSchemaFor(matchBy: MatchBy): ReturnType<typeof upsertContact> {
  let schema = upsertSchemas.get(matchBy);
  if (!schema) upsertSchemas.set(matchBy, (schema = upsertContact(matchBy)));
  return schema;
}

// Write paths under these hold user keys (or sub-fields): an issue's first two path elements
// name the column.
const KEYED_PATHS: ReadonlySet<PropertyKey> = new Set(['address', 'labels', 'customFields']);

/**
 * One record as the contact write the API would accept, or the problems of each column. An
 * empty cell is a field not given: an import never clears a field. The validation is the API's
 * own (`upsertContact(matchBy)`), so a file and a request are held to the same rules.
 */
export function rowToContactWrite(cells: readonly string[], mapping: readonly ColumnMapping[], options: RowOptions): RowResult {
  // Every cell, ignored ones included: the caller keeps the whole row (staging, rejected-rows file).
  const nulCells = cells.flatMap((cell, index) =>
    cell.includes('\u0000') ? [{ column: mapping.find((c) => c.index === index)?.header ?? '', rule: NUL_RULE }] : [],
  );
  if (nulCells.length > 0) return { ok: false, problems: nulCells };

  const listSeparator = options.listSeparator ?? TAG_LIST_SEPARATOR;
  // Keys of `input` and `address` are our own field names; user keys go through entry lists.
  const input: Record<string, unknown> = {};
  const address: Record<string, unknown> = {};
  const labels: [string, string][] = [];
  const customFields: [string, string][] = [];
  // Which column each write path came from, so a schema issue names the column to fix.
  const headerOfPath = new Map<string, string>();
  const problems: RowProblem[] = [];

  for (const { index, header, target } of mapping) {
    const raw = (cells[index] ?? '').trim();
    if (raw === '' || target.kind === 'ignored') continue;
    // Custom strings keep their blanks, as the API stores them; every other field trims them anyway.
    const cell = restoreDefusedCell(target.kind === 'custom' ? cells[index]! : raw);
    switch (target.kind) {
      case 'label':
        labels.push([target.key, cell]);
        headerOfPath.set(`labels.${target.key}`, header);
        if (!headerOfPath.has('labels')) headerOfPath.set('labels', header);
        break;
      case 'custom':
        customFields.push([target.key, cell]);
        headerOfPath.set(`customFields.${target.key}`, header);
        if (!headerOfPath.has('customFields')) headerOfPath.set('customFields', header);
        break;
      case 'field': {
        const converted = fieldValueOfCell(target.column, cell, listSeparator);
        if ('rule' in converted) {
          problems.push({ column: header, rule: converted.rule });
          break;
        }
        const path = STANDARD_COLUMNS[target.column];
        headerOfPath.set(path, header);
        if (path.startsWith('address.')) address[path.slice('address.'.length)] = converted.value;
        else input[path] = converted.value;
        break;
      }
      default:
        assertNever(target);
    }
  }

  if (Object.keys(address).length > 0) input.address = address;
  // fromEntries defines own properties, so a "__proto__" label stays a label.
  if (labels.length > 0) input.labels = Object.fromEntries(labels);
  if (customFields.length > 0) input.customFields = Object.fromEntries(customFields);
  if (options.labelsMode) input.labelsMode = options.labelsMode;
  // No source cell: the import gives new contacts the source 'import' and leaves others' as they are.

  const checked = upsertSchemaFor(options.matchBy).safeParse(input);
  if (checked.success && problems.length === 0) return { ok: true, write: checked.data };

  const matchColumn =
    headerOfPath.get(options.matchBy) ?? mapping.find((c) => c.target.kind === 'field' && c.target.column === options.matchBy)?.header ?? options.matchBy;
  const columnOfIssue = (path: readonly PropertyKey[]): string => {
    const [first, second] = path;
    if (first === undefined) return matchColumn;
    const keyed = second !== undefined && KEYED_PATHS.has(first) ? headerOfPath.get(`${String(first)}.${String(second)}`) : undefined;
    return keyed ?? headerOfPath.get(String(first)) ?? matchColumn;
  };
  for (const issue of checked.success ? [] : checked.error.issues) problems.push({ column: columnOfIssue(issue.path), rule: issue.message });

  const seen = new Set<string>();
  const distinct = problems.filter((p) => {
    const key = `${p.column}\u0000${p.rule}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { ok: false, problems: distinct };
}

// ---------------------------------------------------------------------------------------------
// Streaming reader
// ---------------------------------------------------------------------------------------------

/** The file cannot be read as CSV at all (as opposed to a row that cannot be imported). */
export class CsvFormatError extends AppError {
  constructor(
    detail: string,
    /** 1-based line of the file where reading stopped, when known. */
    readonly line?: number,
  ) {
    super(400, 'Invalid CSV file', detail);
  }
}

export type CsvEvent =
  | { kind: 'header'; headers: string[] }
  | {
      kind: 'row';
      /** 1-based count of data records: the header is row 0, blank lines do not count, a quoted line break does not advance it. */
      rowNumber: number;
      /** Exactly as many cells as the header when `problem` is absent (short rows are padded with ''). */
      cells: string[];
      /** Why the row cannot be imported whatever its values (too many cells); the cells are then all kept. */
      problem?: string;
    };

export interface CsvReadOptions {
  /** Cell separator; ',' by default. */
  delimiter?: string;
  /** Largest record, in bytes, before the file is refused: bounds the memory one giant cell can take. */
  maxRowBytes?: number;
}

/** 1 MB: far above any real contact row, far below what would hurt a worker's memory. */
const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;

const NOT_UTF8_HINT = 'the file must be UTF-8 (in a spreadsheet, save it as "CSV UTF-8")';

function countLineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function notUtf8Error(line: number): CsvFormatError {
  const where = line === 1 ? 'line 1 (the header)' : `line ${line} (about data row ${line - 1})`;
  return new CsvFormatError(`${NOT_UTF8_HINT}: ${where} holds bytes that are not UTF-8`, line);
}

/** The bytes at the end of `bytes` that start a UTF-8 sequence not yet complete. */
function unfinishedSequence(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead byte is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.subarray(bytes.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/** The text before the first invalid byte: only on failure, so a binary search is cheap enough. */
function textBeforeInvalidBytes(bytes: Uint8Array): string {
  const decodesSoFar = (length: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let valid = 0;
  let invalid = bytes.length;
  while (invalid - valid > 1) {
    const middle = (valid + invalid) >>> 1;
    if (decodesSoFar(middle)) valid = middle;
    else invalid = middle;
  }
  return new TextDecoder('utf-8').decode(bytes.subarray(0, valid), { stream: true });
}

/**
 * Decodes the file chunk by chunk, refusing bytes that are not UTF-8 instead of replacing them
 * (a Latin-1 file would otherwise import "Ã©" for "é"). The streaming decoder carries a
 * character split across chunks, and drops a leading byte order mark.
 */
async function* decodeUtf8(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let recentBytes = new Uint8Array(0);
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      // Locate the bad bytes for the message, including a character begun in an earlier chunk.
      throw notUtf8Error(line + countLineBreaks(textBeforeInvalidBytes(Buffer.concat([unfinishedSequence(recentBytes), bytes]))));
    }
    line += countLineBreaks(text);
    recentBytes = Buffer.concat([recentBytes, bytes.subarray(Math.max(0, bytes.length - 3))]).subarray(-3);
    if (text !== '') yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw notUtf8Error(line); // the file ends in the middle of a character
  }
  if (rest !== '') yield rest;
}

function csvFormatErrorOf(err: CsvError, maxRowBytes: number): CsvFormatError {
  const line = typeof err.lines === 'number' ? err.lines : undefined;
  const code: string = err.code;
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvFormatError(`malformed quoting: a quoted cell is still open at the end of the file (line ${line}); look for a stray " character`, line);
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new CsvFormatError(
        `malformed quoting on line ${line}: a quoted cell must end with " followed by a comma or a line break (write "" for a quote inside it)`,
        line,
      );
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return new CsvFormatError(`malformed quoting on line ${line}: a cell holding a " must be quoted, with each " doubled`, line);
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvFormatError(`the row on line ${line} is larger than ${maxRowBytes} bytes; a stray " may have run a cell into the following lines`, line);
    default:
      return new CsvFormatError(`the file is not valid CSV (line ${line}): ${err.message}`, line);
  }
}

/**
 * Streams the records of a CSV file: the header once, then each data row, never holding more
 * than a chunk and a few records. Row problems (too many cells) are yielded with the row, for
 * the rejected-rows file; a file that is not UTF-8 or not CSV throws a CsvFormatError.
 * Trailing empty cells beyond the header are dropped (spreadsheets add them), and a record with
 * no value at all is skipped like a blank line.
 */
export async function* readContactCsv(
  input: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvEvent, void, undefined> {
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    // Any line end, in any mix: csv-parse would otherwise take the first one it sees as the only
    // one, and a file edited on two systems would merge rows.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true, // cell counts are checked here, row by row, not as a fatal error
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    max_record_size: maxRowBytes,
  });
  const text = Readable.from(decodeUtf8(input as AsyncIterable<Uint8Array | string>));
  // pipe() does not forward errors: a decoding error must end the parser's iteration with it.
  text.on('error', (err) => parser.destroy(err));
  text.pipe(parser);

  let headerLength: number | undefined;
  let rowNumber = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (headerLength === undefined) {
        headerLength = record.length;
        yield { kind: 'header', headers: record };
        continue;
      }
      rowNumber++;
      let length = record.length;
      while (length > headerLength && record[length - 1]!.trim() === '') length--;
      if (length > headerLength) {
        yield { kind: 'row', rowNumber, cells: record, problem: `has ${length} cells; the header has ${headerLength}` };
      } else {
        const cells = record.slice(0, length);
        while (cells.length < headerLength) cells.push('');
        yield { kind: 'row', rowNumber, cells };
      }
    }
  } catch (err) {
    throw err instanceof CsvError ? csvFormatErrorOf(err, maxRowBytes) : err;
  } finally {
    // Reached on early exit too (the consumer stopped): release the source and the parser.
    text.destroy();
    parser.destroy();
  }
  if (headerLength === undefined) throw new CsvFormatError('the file is empty');
}

// ---------------------------------------------------------------------------------------------
// Rejected rows file and template
// ---------------------------------------------------------------------------------------------

/** The header of the rejected-rows file: the row number, the file's own columns, then why. Re-importable: `row` and `error` are ignored. */
export function rejectedRowsHeader(headers: readonly string[]): string {
  return csvLine([ROW_NUMBER_COLUMN, ...headers, REJECTION_COLUMN]);
}

/** `column: rule; column: rule`, the error cell of a rejected row. */
function describeRowProblems(problems: readonly RowProblem[]): string {
  return problems.map((p) => (p.column === '' ? p.rule : `${p.column}: ${p.rule}`)).join('; ');
}

/**
 * One line of the rejected-rows file. The error cell stays under its header: a short row is
 * padded to `headerLength`, and the cells of a long row beyond it follow the error cell.
 */
export function rejectedRowLine(rowNumber: number, cells: readonly string[], problems: readonly RowProblem[], headerLength = cells.length): string {
  const ownCells = Array.from({ length: headerLength }, (_, i) => cells[i] ?? '');
  return csvLine([rowNumber, ...ownCells, describeRowProblems(problems), ...cells.slice(headerLength)]);
}

const TEMPLATE_EXAMPLE: Readonly<Record<StandardColumn, string>> = {
  ...byColumn(FILE_FIELDS, (name): string => CONTACT_FIELDS[name].file.example),
  tags: 'customer|vip',
};
const TEMPLATE_LABELS = [
  ['source', 'website'],
  ['tier', 'gold'],
] as const;
const TEMPLATE_CUSTOM_VALUE: Readonly<Record<CustomFieldType, string>> = { string: 'example', number: '12.5', date: '2024-05-01', boolean: 'true' };

/**
 * The file a user can fill in: every standard column, two example label columns and one column
 * per custom field, with one example row that imports as is. Given the field types, the example
 * holds a value of each custom field's type; given only keys, those cells stay empty.
 */
export function importTemplateCsv(customFields: readonly string[] | ReadonlyMap<string, CustomFieldType>): string {
  const standard = Object.keys(STANDARD_COLUMNS) as StandardColumn[];
  const custom: [string, string][] = Array.isArray(customFields)
    ? customFields.map((key) => [key, ''])
    : [...(customFields as ReadonlyMap<string, CustomFieldType>)].map(([key, type]) => [key, TEMPLATE_CUSTOM_VALUE[type]]);
  return (
    csvLine([...standard, ...TEMPLATE_LABELS.map(([key]) => labelColumn(key)), ...custom.map(([key]) => customFieldColumn(key))]) +
    csvLine([...standard.map((column) => TEMPLATE_EXAMPLE[column]), ...TEMPLATE_LABELS.map(([, value]) => value), ...custom.map(([, value]) => value)])
  );
}
