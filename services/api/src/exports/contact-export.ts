// Exporting contacts as a CSV file in the import's format (contact-csv-format), streamed page by
// page so an export of millions of contacts never holds more than one page in memory.
//
// Three sources: a segment (members from Elasticsearch under one point in time, in contact id
// order, each page then read from Postgres, the truth, skipping contacts deleted since they were
// indexed), a search (the contact list's filter) and the Deleted view (both from Postgres, keyset
// paged). Cells hold what is stored (ISO dates, statuses as they are, tag names, empty for null),
// so an export imports back unchanged.
import type { Response } from 'express';
import { assertNever, ContactSnapshot, CustomFieldKey, EsClient, LabelKey, Logger, Pool } from '@segmenter/shared';
import {
  CUSTOM_FIELD_COLUMN_PREFIX,
  byCodeUnits,
  csvLine,
  customFieldColumn,
  encodeList,
  LABEL_COLUMN_PREFIX,
  labelColumn,
  LIST_COLUMNS,
  sortedKeys,
  STANDARD_COLUMNS,
  StandardColumn,
} from '../contact-files/contact-csv-format';
import { loadSnapshots } from '../contacts/contacts-store';
import { listContacts } from '../contacts/contacts-list-store';
import { FieldProblem, ValidationError } from '../errors/app-error';
import { labelKeyCounts } from '../labels/labels-store';
import { write } from '../http/write-with-backpressure';
import { MEMBER_PAGE_SIZE, openMemberPages, streamAnswer } from '../segments/member-stream';
import { createResolutionContext, ResolutionContext } from '../segments/resolution-context';
import { ConditionInput, treeOfQuery } from '../segments/segment-resolver';
import { createTagNameLookup } from '../segments/tag-name-lookup';

/** The first column: the contact's id (an import ignores it). */
const ID_COLUMN = 'id';
/**
 * Asked for in `columns`, it stands for one `label_<key>` column per label key (a cell holds no
 * object), as the member stream's `labels` does in CSV: the file itself never has a `labels` header.
 */
const ALL_LABELS_COLUMN = 'labels';

export type ExportColumn = { kind: 'id' } | { kind: 'standard'; column: StandardColumn } | { kind: 'label'; key: string } | { kind: 'custom'; key: string };

export type SegmentQuery = { segmentId: string } | ConditionInput;

/** Where the exported contacts come from; `at` names the request field for errors. */
export type ExportSource = { kind: 'segment'; query: SegmentQuery; at: string } | { kind: 'search'; q?: string } | { kind: 'deleted' };

export interface ContactExportOptions {
  source: ExportSource;
  /** Column names as in the file's header; undefined for every column (defaultExportColumns). */
  columns?: string[];
  /** The request field naming the columns, for errors. */
  columnsAt: string;
}

export interface ContactExportDependencies {
  pool: Pool;
  es: EsClient;
  alias: string;
  log: Logger;
}

/** The column a header names; undefined for a name the format does not know. */
export function parseExportColumn(name: string): ExportColumn | undefined {
  if (name === ID_COLUMN) return { kind: 'id' };
  // hasOwn: a name such as "constructor" or "__proto__" is not a standard column.
  if (Object.hasOwn(STANDARD_COLUMNS, name)) return { kind: 'standard', column: name as StandardColumn };
  if (name.startsWith(LABEL_COLUMN_PREFIX)) {
    const key = name.slice(LABEL_COLUMN_PREFIX.length);
    return LabelKey.safeParse(key).success ? { kind: 'label', key } : undefined;
  }
  if (name.startsWith(CUSTOM_FIELD_COLUMN_PREFIX)) {
    const key = name.slice(CUSTOM_FIELD_COLUMN_PREFIX.length);
    return CustomFieldKey.safeParse(key).success ? { kind: 'custom', key } : undefined;
  }
  return undefined;
}

export function exportColumnName(column: ExportColumn): string {
  switch (column.kind) {
    case 'id':
      return ID_COLUMN;
    case 'standard':
      return column.column;
    case 'label':
      return labelColumn(column.key);
    case 'custom':
      return customFieldColumn(column.key);
    default:
      return assertNever(column);
  }
}

/**
 * Every column: the id, the standard columns in the format's order, then one per label key and
 * one per custom field, each sorted by code unit (the same order whatever the database collation).
 */
export function defaultExportColumns(labelKeys: Iterable<string>, customFieldKeys: Iterable<string>): ExportColumn[] {
  return [
    { kind: 'id' },
    ...(Object.keys(STANDARD_COLUMNS) as StandardColumn[]).map((column) => ({ kind: 'standard', column }) as const),
    ...sortedKeys(labelKeys).map((key) => ({ kind: 'label', key }) as const),
    ...sortedKeys(customFieldKeys).map((key) => ({ kind: 'custom', key }) as const),
  ];
}

/**
 * The columns a client asked for, or the problems (one per bad name, at `<at>.<index>`). `labels`
 * becomes a column per key of `labelKeys` (sorted) not also named on its own.
 */
export function checkExportColumns(
  names: readonly string[],
  customFieldKeys: ReadonlySet<string>,
  at: string,
  labelKeys: Iterable<string> = [],
): { columns: ExportColumn[] } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const columns: ExportColumn[] = [];
  const seen = new Set<string>();
  const named = new Set(names);
  names.forEach((name, i) => {
    const column = parseExportColumn(name);
    if (name === ALL_LABELS_COLUMN && !seen.has(name)) {
      const keys = sortedKeys(labelKeys).filter((key) => !named.has(labelColumn(key)));
      columns.push(...keys.map((key) => ({ kind: 'label', key }) as const));
    } else if (!column) {
      const rule = seen.has(name)
        ? `repeats column ${name}`
        : `is not a column of the contact file: use id, ${Object.keys(STANDARD_COLUMNS).join(', ')}, label_<key>, custom_<key> or ${ALL_LABELS_COLUMN} (every label_<key>)`;
      problems.push({ field: `${at}.${i}`, rule });
    } else if (column.kind === 'custom' && !customFieldKeys.has(column.key)) {
      problems.push({ field: `${at}.${i}`, rule: `names custom field ${column.key}, which is not defined in this workspace` });
    } else if (seen.has(name)) {
      problems.push({ field: `${at}.${i}`, rule: `repeats column ${name}` });
    } else {
      columns.push(column);
    }
    seen.add(name);
  });
  return problems.length > 0 ? { problems } : { columns };
}

/** A value of the snapshot by its path in the contact write (`address.city`); paths come from STANDARD_COLUMNS only. */
function valueAt(contact: ContactSnapshot, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value === null || value === undefined ? value : (value as Record<string, unknown>)[key]), contact);
}

/** An own entry only: `labels.constructor` of a contact without that label is Object, not empty. */
const ownValue = (map: Record<string, unknown>, key: string) => (Object.hasOwn(map, key) ? map[key] : null);

function standardCell(contact: ContactSnapshot, column: StandardColumn, tagNames: ReadonlyMap<string, string | null>): unknown {
  if (column === 'tags') {
    // Names, not ids: the import resolves names. A tag deleted meanwhile has no name, and is left out.
    const names = contact.tagIds.flatMap((id) => tagNames.get(id) ?? []);
    return encodeList(names.sort(byCodeUnits));
  }
  const value = valueAt(contact, STANDARD_COLUMNS[column]);
  return LIST_COLUMNS.has(column) ? encodeList((value as string[] | null) ?? []) : value;
}

/** One contact's cells, unescaped (csvLine quotes and defuses them); null and undefined are empty cells. */
export function contactCells(contact: ContactSnapshot, columns: readonly ExportColumn[], tagNames: ReadonlyMap<string, string | null>): unknown[] {
  return columns.map((column) => {
    switch (column.kind) {
      case 'id':
        return contact.id;
      case 'standard':
        return standardCell(contact, column.column, tagNames);
      case 'label':
        return ownValue(contact.labels, column.key);
      case 'custom':
        return ownValue(contact.customFields, column.key);
      default:
        return assertNever(column);
    }
  });
}

export const exportFileName = (now: Date) => `contacts-${now.toISOString().slice(0, 10)}.csv`;

async function exportColumns(pool: Pool, context: ResolutionContext, request: ContactExportOptions): Promise<ExportColumn[]> {
  const { workspaceId } = context;
  const definitions = await context.definitions();
  if (!request.columns)
    return defaultExportColumns(
      (await labelKeyCounts(pool, workspaceId)).map((k) => k.key),
      definitions.keys(),
    );
  const labelKeys = request.columns.includes(ALL_LABELS_COLUMN) ? (await labelKeyCounts(pool, workspaceId)).map((k) => k.key) : [];
  const checked = checkExportColumns(request.columns, new Set(definitions.keys()), request.columnsAt, labelKeys);
  if ('problems' in checked) throw new ValidationError(checked.problems);
  return checked.columns;
}

interface ContactPages {
  /** Pages of at most MEMBER_PAGE_SIZE live contacts, until the last one or until `stop()` says so. */
  pages(stop: () => boolean): AsyncGenerator<ContactSnapshot[], void>;
  close(): Promise<void>;
}

async function openContactPages(deps: ContactExportDependencies, context: ResolutionContext, source: ExportSource): Promise<ContactPages> {
  const { pool } = deps;
  const { workspaceId } = context;
  switch (source.kind) {
    case 'segment': {
      const tree = await treeOfQuery(context, source.query, source.at);
      const members = await openMemberPages(deps.es, deps.alias, { tree, workspaceId, source: ['contact_id'] }, deps.log);
      return {
        async *pages(stop) {
          for await (const docs of members.pages(stop)) {
            const ids = docs.map((d) => d.contact_id);
            const live = new Map((await loadSnapshots(pool, workspaceId, ids)).filter((c) => c.deletedAt === null).map((c) => [c.id, c]));
            // The index's order (contact id), skipping contacts Postgres no longer has live.
            const page = ids.flatMap((id) => live.get(id) ?? []);
            if (page.length > 0) yield page;
          }
        },
        close: members.close,
      };
    }
    case 'search':
    case 'deleted': {
      // The contact list's own query (filter, keyset cursor), oldest first: a contact created
      // during the export lands after the cursor and is included, none is sent twice.
      const options = {
        deleted: source.kind === 'deleted',
        sort: 'created',
        order: 'asc',
        limit: MEMBER_PAGE_SIZE,
        q: source.kind === 'search' ? source.q : undefined,
      } as const;
      return {
        async *pages(stop) {
          let cursor: string | undefined;
          do {
            if (stop()) return;
            const page = await listContacts(pool, workspaceId, { ...options, cursor });
            if (page.items.length > 0) yield page.items;
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
        },
        close: async () => undefined,
      };
    }
    default:
      return assertNever(source);
  }
}

/**
 * Streams the export as `text/csv`. Everything that can be refused (the source, the columns, the
 * first page) is settled before the first byte, so it answers with a problem+json status; the
 * header line goes out with the first page. A failure after that cuts the stream.
 */
export async function exportContacts(deps: ContactExportDependencies, workspaceId: string, request: ContactExportOptions, res: Response): Promise<void> {
  const { pool, log } = deps;
  // One resolution context: the custom-field definitions serve the columns and the segment alike.
  const context = createResolutionContext(workspaceId, pool);
  const columns = await exportColumns(pool, context, request);
  const contacts = await openContactPages(deps, context, request.source);
  // Each tag read once (a renamed tag keeps one name through the file), in bounded memory.
  const tagNames = createTagNameLookup(pool, workspaceId);
  let sent = 0;
  try {
    await streamAnswer(res, log, { message: 'contact export failed', progress: () => ({ sent, source: request.source.kind }) }, async (gone) => {
      let pending = csvLine(columns.map(exportColumnName));
      const send = async (chunk: string) => {
        if (!res.headersSent) {
          // Set only now: a problem+json answer before this must not carry the attachment header.
          res.status(200);
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(new Date())}"`);
          res.setHeader('Cache-Control', 'no-store');
        }
        await write(res, chunk);
      };
      for await (const page of contacts.pages(gone)) {
        const names = await tagNames(page.flatMap((c) => c.tagIds));
        await send(pending + page.map((contact) => csvLine(contactCells(contact, columns, names))).join(''));
        pending = '';
        sent += page.length;
      }
      // No contact at all: the file is the header line alone.
      if (pending && !gone()) await send(pending);
    });
  } finally {
    await contacts.close();
  }
}
