// The checked key of a list cursor, for the two kinds of sort key lists use: one text (a name, a
// key, a value) or a time and an id (newest first). A hand-made cursor fails here as a 400 naming
// query.cursor, never later in SQL as a 500.
import { isLowercaseUuid } from '@segmenter/shared';
import { ValidationError } from '../errors/app-error';
import { listCursorKey, listPage, ListPage, ListQuery } from './list-page';

/**
 * SQL for a timestamptz as UTC text to the microsecond. Cursors carry this, not the millisecond
 * ISO text of responses: rows created in the same millisecond would otherwise be skipped.
 */
export const microsecondIso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Where a page of a text-keyed list starts (after the previous page's last key) and how many rows it takes; every row without. */
export interface KeysetRange {
  after?: string;
  limit?: number;
}

const notOurs = () => new ValidationError([{ field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' }]);

const MICROSECOND_TIMESTAMP = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A real calendar instant (Date.parse rolls 30 February over to March; Postgres refuses it, and year 0). */
export function isMicrosecondInstant(value: string): boolean {
  const match = MICROSECOND_TIMESTAMP.exec(value);
  if (!match || Number(match[1]) < 1) return false;
  const milliseconds = `${value.slice(0, 23)}Z`;
  const parsed = Date.parse(milliseconds);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString() === milliseconds;
}

/** The last row's text key (a name, a key, a value) from a cursor of `list`; undefined without a cursor. */
export function textCursorKey(cursor: string | undefined, list: string): string | undefined {
  const key = listCursorKey(cursor, list, 1);
  if (key === undefined) return undefined;
  // Postgres text cannot hold NUL, and no key we write does.
  if (key[0]!.includes('\u0000')) throw notOurs();
  return key[0];
}

/** The last row's creation time (microseconds, UTC) and id from a cursor of `list`; undefined without a cursor. */
export function timeAndIdCursorKey(cursor: string | undefined, list: string): { time: string; id: string } | undefined {
  const key = listCursorKey(cursor, list, 2);
  if (key === undefined) return undefined;
  const [time, id] = key as [string, string];
  if (!isMicrosecondInstant(time) || !isLowercaseUuid(id)) throw notOurs();
  return { time, id };
}

/** A page of a list sorted by one unique text: decodes the cursor, fetches one row past the limit (which only says more follow), makes the next cursor. */
export async function textKeyedPage<T>(
  page: ListQuery,
  list: string,
  fetch: (range: KeysetRange) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<ListPage<T>> {
  const after = textCursorKey(page.cursor, list);
  return listPage(await fetch({ after, limit: page.limit + 1 }), page.limit, list, (row) => [keyOf(row)]);
}

/**
 * SQL for a newest-first list (`order by <alias>created_at desc, <alias>id desc`): its cursor
 * column, and the condition "after the cursor's row" on parameters $time (timestamptz, null on the
 * first page) and $id.
 */
export function newestFirstSql(alias: string, timeParam: number, idParam: number) {
  const [createdAt, id] = [`${alias}created_at`, `${alias}id`];
  return {
    cursorColumn: `${microsecondIso(createdAt)} as list_time`,
    after: `($${timeParam}::timestamptz is null or ${createdAt} < $${timeParam} or (${createdAt} = $${timeParam} and ${id} < $${idParam}::uuid))`,
    orderBy: `${createdAt} desc, ${id} desc`,
  };
}

/** A page of a newest-first list whose rows carry `list_time` (newestFirstSql's cursor column) and `id`. */
export async function newestFirstPage<R extends { list_time: string; id: string }>(
  page: ListQuery,
  list: string,
  fetch: (after: { time: string | null; id: string | null }, limit: number) => Promise<R[]>,
): Promise<ListPage<R>> {
  const after = timeAndIdCursorKey(page.cursor, list);
  return listPage(await fetch({ time: after?.time ?? null, id: after?.id ?? null }, page.limit + 1), page.limit, list, (r) => [r.list_time, r.id]);
}
