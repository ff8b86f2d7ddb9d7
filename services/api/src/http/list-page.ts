// One shape for every list the API answers: `?limit=&cursor=` in, `{ items, nextCursor }` out.
// Lists are keyset-paged on a unique sort key (a name, a key, or a time and an id), so a page
// never repeats or skips a row because another row was added or removed meanwhile. The cursor is
// opaque to clients: the list it was made for and the last row's key values.
import { z } from 'zod';
import { ValidationError } from '../errors/app-error';

const LIST_LIMIT = { default: 100, max: 1000 } as const;

export const listQueryFields = {
  limit: z.coerce
    .number('must be a whole number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(LIST_LIMIT.max, `must be at most ${LIST_LIMIT.max}`)
    .default(LIST_LIMIT.default),
  cursor: z.string().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters').optional(),
};
export const ListQuery = z.strictObject(listQueryFields);
export type ListQuery = z.infer<typeof ListQuery>;

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The last row's key values from a cursor made by `listPage` for the list `list`; undefined without
 * one. It checks the cursor's shape only: lists read it through textCursorKey or
 * timeAndIdCursorKey (http/list-keys.ts), which also check that each value fits its SQL cast.
 */
export function listCursorKey(cursor: string | undefined, list: string, keyLength: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown[] | undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    parsed = Array.isArray(decoded) ? decoded : undefined;
  } catch {
    parsed = undefined;
  }
  const fits = parsed !== undefined && parsed.length === keyLength + 1 && parsed.every((p) => typeof p === 'string');
  if (!fits || parsed === undefined) throw new ValidationError([{ field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' }]);
  if (parsed[0] !== list)
    throw new ValidationError([{ field: 'query.cursor', rule: `was made for another list (${String(parsed[0])}); pass a cursor from this endpoint` }]);
  return parsed.slice(1) as string[];
}

/**
 * A page from rows fetched with `limit + 1` (the extra row only says there is more): the first
 * `limit` rows, and a cursor holding the last one's key when more follow.
 */
export function listPage<T>(rows: T[], limit: number, list: string, keyOf: (row: T) => string[]): ListPage<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit && items.length > 0;
  return { items, nextCursor: more ? Buffer.from(JSON.stringify([list, ...keyOf(items[items.length - 1]!)])).toString('base64url') : null };
}
