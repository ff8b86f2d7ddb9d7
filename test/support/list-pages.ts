// Reading a paged list as a client does (`?limit=&cursor=` in, `{ items, nextCursor }` out), and the
// query checks every list owes its clients: limit bounds, and cursors that are not this list's.
import type { ApiHarness, ApiResponse } from './api-harness';

const withQuery = (path: string, query: Record<string, string>) => `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(query)}`;

/**
 * Every page of `path`, `limit` rows at a time, following nextCursor until it is null.
 * `betweenPages(n)` runs after page n (1-based) was read, to change the list while it is walked.
 */
export async function walkList<T = any>(
  h: ApiHarness,
  key: string,
  path: string,
  limit: number,
  betweenPages?: (pagesRead: number) => Promise<void>,
): Promise<{ items: T[]; pages: T[][] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await h.request('GET', withQuery(path, { limit: String(limit), ...(cursor ? { cursor } : {}) }), { key });
    if (res.status !== 200) throw new Error(`GET ${path} page ${pages.length + 1}: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    expect(res.body).toHaveProperty('nextCursor');
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    if (pages.length > 1000) throw new Error(`GET ${path}: the cursor never ended`);
    if (cursor !== null) await betweenPages?.(pages.length);
  } while (cursor !== null);
  return { items: pages.flat(), pages };
}

/**
 * The answers to bad paging parameters: 400 naming query.limit or query.cursor (or the unknown
 * parameter), for limits out of 1..1000, cursors not made by any list, and `foreignCursor`, a
 * real cursor from another list.
 */
export async function expectPagingChecks(h: ApiHarness, key: string, path: string, foreignCursor: string): Promise<void> {
  const fieldsOf = async (query: Record<string, string>) => {
    const res = await h.request('GET', withQuery(path, query), { key });
    expect(res.status).toBe(400);
    return res.body.errors.map((e: { field: string }) => e.field);
  };
  for (const limit of ['0', '1001', '-1', 'x', '2.5', '']) expect(await fieldsOf({ limit })).toEqual(['query.limit']);
  const forged = Buffer.from(JSON.stringify(['not-a-list', 'x'])).toString('base64url');
  for (const cursor of ['', 'not a cursor', '%%%', Buffer.from('{}').toString('base64url'), forged, foreignCursor]) {
    expect(await fieldsOf({ cursor })).toEqual(['query.cursor']);
  }
  expect(await fieldsOf({ page: '2' })).toEqual(['query']);
  for (const limit of ['1', '1000']) expect((await h.request('GET', withQuery(path, { limit }), { key })).status).toBe(200);
}

/**
 * Cursors forged with this list's own name but values no row has (a NUL in a text key, a time
 * that is not one, year 0, 30 February, an id that is no UUID): each is a 400 naming
 * query.cursor, never a SQL error.
 */
export async function expectForgedCursorsRefused(h: ApiHarness, key: string, path: string, listName: string): Promise<void> {
  const id = '00000000-0000-4000-8000-000000000000';
  const forged = [
    [listName, 'a\u0000'],
    [listName, 'x', 'y'],
    [listName, '0000-01-01T00:00:00.000000Z', id],
    [listName, '2026-02-30T00:00:00.000000Z', id],
    [listName, '2026-01-01T00:00:00.000000Z', 'not-a-uuid'],
  ];
  for (const parts of forged) {
    const cursor = Buffer.from(JSON.stringify(parts)).toString('base64url');
    const res = await h.request('GET', withQuery(path, { cursor }), { key });
    expect([JSON.stringify(parts), res.status, res.body.errors?.[0]?.field]).toEqual([JSON.stringify(parts), 400, 'query.cursor']);
  }
}
