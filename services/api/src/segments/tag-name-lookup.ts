// Tag names for rows that hold tag ids (index documents, snapshots), read from Postgres as pages
// need them: each id is read once per stream, so a renamed tag keeps one name through a file, and
// the cache is bounded, so a workspace with a million tags never sits in memory.
import type { Pool } from '@segmenter/shared';
import { tagsByIds } from '../tags/tags-store';

/** About 100 bytes an entry: a few megabytes at most, whatever the workspace holds. */
const TAG_NAME_CACHE_SIZE = 50_000;

/**
 * A lookup for one stream: give it a page's tag ids, get names for all of them (null for a tag
 * deleted meanwhile). Past `maxEntries` the cache starts over with the page at hand: the page is
 * always whole, and later pages reread what they need.
 */
export function createTagNameLookup(pool: Pool, workspaceId: string, maxEntries = TAG_NAME_CACHE_SIZE) {
  let names = new Map<string, string | null>();
  return async (tagIds: Iterable<string>): Promise<ReadonlyMap<string, string | null>> => {
    const wanted = new Set(tagIds);
    let unseen = [...wanted].filter((id) => !names.has(id));
    if (unseen.length === 0) return names;
    if (names.size + unseen.length > maxEntries) {
      names = new Map();
      unseen = [...wanted];
    }
    for (const id of unseen) names.set(id, null);
    for (const tag of await tagsByIds(pool, workspaceId, unseen)) names.set(tag.id, tag.name);
    return names;
  };
}
