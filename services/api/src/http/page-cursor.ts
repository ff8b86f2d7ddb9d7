// Opaque keyset cursors: the last row's sort value and id, bound to the sort and order they were
// made for. Keyset (not offset) pagination stays stable while contacts are added or removed:
// no row is returned twice or skipped because another row appeared on an earlier page.
import { isLowercaseUuid } from '@segmenter/shared';
import { ValidationError } from '../errors/app-error';
import { isMicrosecondInstant } from './list-keys';

export type CursorValue = string | number;

export interface PageCursor {
  sort: string;
  order: 'asc' | 'desc';
  value: CursorValue;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.id])).toString('base64url');
}

/** What the sort value must look like, so a hand-made cursor fails here and not in SQL. */
export type CursorValueKind = 'timestamp' | 'integer';

function valueFits(value: CursorValue, kind: CursorValueKind): boolean {
  if (kind === 'integer') return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31;
  // A real instant: Date.parse rolls 30 February over to March, and Postgres refuses it (and year 0) as a 500.
  return typeof value === 'string' && isMicrosecondInstant(value);
}

export function decodeCursor(raw: string, expected: { sort: string; order: 'asc' | 'desc'; valueKind: CursorValueKind }): PageCursor {
  const invalid = (rule: string) => new ValidationError([{ field: 'query.cursor', rule }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid('must be a cursor returned by this endpoint');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    (parsed[1] !== 'asc' && parsed[1] !== 'desc') ||
    (typeof parsed[2] !== 'string' && typeof parsed[2] !== 'number') ||
    typeof parsed[3] !== 'string' ||
    !isLowercaseUuid(parsed[3])
  ) {
    throw invalid('must be a cursor returned by this endpoint');
  }
  const [sort, order, value, id] = parsed as [string, 'asc' | 'desc', CursorValue, string];
  if (sort !== expected.sort || order !== expected.order) throw invalid(`was made for sort=${sort}&order=${order}; pass the same sort and order`);
  if (!valueFits(value, expected.valueKind)) throw invalid('must be a cursor returned by this endpoint');
  return { sort, order, value, id };
}
