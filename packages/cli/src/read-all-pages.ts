// Every item of a paged API list (`?limit=&cursor=` in, `{ items, nextCursor }` out): the CLI
// prints whole lists, so it follows the cursor to the end, a full page (1,000) per request.
import type { ApiClient } from './api-client';

const PAGE_SIZE = '1000';

export async function readAllPages<T>(api: ApiClient, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.json<{ items: T[]; nextCursor?: string | null }>('GET', path, { query: { limit: PAGE_SIZE, cursor } });
    items.push(...page.items);
    // A list that does not page (no nextCursor) is whole in one answer.
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
