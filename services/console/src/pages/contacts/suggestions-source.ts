// What the tag and label inputs suggest, from the API: the workspace's tag names (GET /v1/tags),
// label keys (GET /v1/labels) and a key's values (GET /v1/labels/{key}/values). The lists have no
// prefix filter, so the first page of each (by name, SUGGESTION_PAGE entries) is read once and
// filtered here; a workspace with more shows the first SUGGESTION_PAGE only, never loads them all.
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { onSessionChange } from '../../session/session';

/** Entries read per list: a page of the API's keyset list, enough for the tags of a workspace most often. */
export const SUGGESTION_PAGE = 200;
/** Suggestions shown at once. */
const SHOWN = 8;

const cache = new Map<string, Promise<string[]>>();

/** Reads a list once per page load; a failed read is forgotten so the next keystroke tries again. */
function once(key: string, read: () => Promise<string[]>): Promise<string[]> {
  let answer = cache.get(key);
  if (!answer) {
    answer = read().catch((err: unknown) => {
      cache.delete(key);
      throw err;
    });
    cache.set(key, answer);
  }
  return answer;
}

/** After a write that may create a name (a new tag, a new label value), the next suggestion reads again. */
export function forgetSuggestions(): void {
  cache.clear();
}
// The lists are the signed-in workspace's: another key starts from nothing.
onSessionChange(forgetSuggestions);

/** The names starting with what was typed first, then those containing it, case-insensitively. */
export function matching(names: readonly string[], typed: string): string[] {
  const t = typed.trim().toLowerCase();
  const starts = names.filter((n) => n.toLowerCase().startsWith(t));
  const contains = t ? names.filter((n) => !n.toLowerCase().startsWith(t) && n.toLowerCase().includes(t)) : [];
  return [...starts, ...contains].slice(0, SHOWN);
}

export async function suggestTagNames(typed: string): Promise<string[]> {
  const names = await once('tags', async () => (await unwrap(api.GET('/v1/tags', { params: { query: { limit: SUGGESTION_PAGE } } }))).items.map((t) => t.name));
  return matching(names, typed);
}

export async function suggestLabelKeys(typed: string): Promise<string[]> {
  const keys = await once('labels', async () =>
    (await unwrap(api.GET('/v1/labels', { params: { query: { limit: SUGGESTION_PAGE } } }))).items.map((l) => l.key),
  );
  return matching(keys, typed);
}

export async function suggestLabelValues(key: string, typed: string): Promise<string[]> {
  if (!key.trim()) return [];
  const values = await once(`values:${key}`, async () => {
    const page = await unwrap(api.GET('/v1/labels/{key}/values', { params: { path: { key }, query: { limit: SUGGESTION_PAGE } } }));
    return page.items.map((v) => v.value);
  });
  return matching(values, typed);
}

/**
 * A tag's id by its exact name, for the segment actions (they take ids): the tag list is walked in
 * name order, one page at a time, until the name is found or the list ends.
 */
export async function findTagId(name: string): Promise<string | undefined> {
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/v1/tags', { params: { query: { limit: 1000, cursor } } }));
    const found = page.items.find((t) => t.name === name);
    if (found) return found.id;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return undefined;
}
