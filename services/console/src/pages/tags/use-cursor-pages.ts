// One page of a cursor-paged list at a time: Next pushes the API's cursor, Previous pops it, and a
// new view (another search, key or page size) starts at its first page. Loading is "the page asked
// for is not the one answered", known in the same render as the change. The Tags and Labels screens use it.
import { useEffect, useState } from 'react';
import { type Problem, problemOf } from '../../api/problem';

export interface CursorPage<T> {
  rows: T[];
  nextCursor: string | null;
}

export function useCursorPages<P extends CursorPage<unknown>>(viewKey: string, fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<P>) {
  const [paging, setPaging] = useState<{ viewKey: string; cursors: (string | undefined)[] }>({ viewKey, cursors: [undefined] });
  const cursors = paging.viewKey === viewKey ? paging.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const [reloads, setReloads] = useState(0);
  const requestKey = JSON.stringify([viewKey, cursor ?? null, reloads]);
  const [result, setResult] = useState<{ key: string; page?: P; problem?: Problem } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchPage(cursor, controller.signal)
      .then((page) => setResult({ key: requestKey, page }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setResult({ key: requestKey, problem: problemOf(err) });
      });
    return () => controller.abort();
    // The view's key names everything fetchPage reads.
  }, [requestKey]);

  const page = result?.key === requestKey ? result.page : undefined;
  return {
    loading: result?.key !== requestKey,
    /** The page answered for this request (undefined while loading). */
    page,
    /** The rows on screen: the last page answered, kept while the next one loads (the table says it is busy). */
    rows: (page?.rows ?? result?.page?.rows ?? []) as P['rows'],
    nextCursor: page?.nextCursor ?? null,
    problem: result?.problem ?? null,
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    next: () => page?.nextCursor && setPaging({ viewKey, cursors: [...cursors, page.nextCursor] }),
    previous: () => setPaging({ viewKey, cursors: cursors.slice(0, -1) }),
    reload: () => setReloads((n) => n + 1),
  };
}
