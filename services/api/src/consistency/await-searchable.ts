// Waits, bounded, until the search index's searchable state shows given contact versions. A plain
// search (not a GET, which reads the translog in real time) sees only refreshed documents, which
// is what counts and searches will see. Between checks it has the index refreshed (refresh-on-wait.ts),
// or without a refresher polls every 50 ms, then every 200 ms.
import { EsClient, workspaceSearch } from '@segmenter/shared';
import type { WrittenVersion } from './consistency-token';
import { searchTime, withinSearchTime } from '../http/search-timeouts';
import type { IndexRefresher } from './refresh-on-wait';

export interface ConsistencyOutcome {
  consistent: boolean;
  /** Contacts not yet searchable at the written version (when not consistent). */
  pending: number;
  waitedMs: number;
}

const CHUNK = 1000;
/** Rounds of a wait that refresh the index (about the first second); later ones poll. */
const REFRESHING_ROUNDS = 10;

/** The contacts among `versions` the index does not yet show at that version or newer. */
export async function notYetSearchable(es: EsClient, alias: string, workspaceId: string, versions: WrittenVersion[]): Promise<WrittenVersion[]> {
  const behind: WrittenVersion[] = [];
  for (let i = 0; i < versions.length; i += CHUNK) {
    const chunk = versions.slice(i, i + CHUNK);
    const search = workspaceSearch(alias, workspaceId, [{ ids: { values: chunk.map((v) => v.contactId) } }], { documents: 'all' });
    // A timed-out (partial) answer only makes contacts look behind: the wait goes on, bounded.
    const time = searchTime(es);
    const response = await withinSearchTime(es, () => es.search({ ...time.body, ...search, size: chunk.length, version: true, _source: false }, time.options));
    const seen = new Map(response.hits.hits.map((h) => [h._id!, h._version ?? 0]));
    behind.push(...chunk.filter((v) => (seen.get(v.contactId) ?? 0) < v.version));
  }
  return behind;
}

/**
 * Polls until every version is searchable or `waitMs` passed. With a `refresher`, each round that
 * still finds versions behind first has the index refreshed (shared and rate-limited), so a write
 * the indexer has written is visible at the next check instead of at the next scheduled refresh;
 * a write not indexed yet is polled for until the indexer gets to it.
 */
export async function awaitSearchable(
  es: EsClient,
  alias: string,
  workspaceId: string,
  versions: WrittenVersion[],
  waitMs: number,
  refresher?: IndexRefresher,
): Promise<ConsistencyOutcome> {
  const started = Date.now();
  let pending = versions;
  for (let round = 0; ; round++) {
    pending = await notYetSearchable(es, alias, workspaceId, pending);
    const waited = Date.now() - started;
    if (pending.length === 0) return { consistent: true, pending: 0, waitedMs: waited };
    if (waited >= waitMs) return { consistent: false, pending: pending.length, waitedMs: waited };
    if (refresher && round < REFRESHING_ROUNDS) {
      // The refresh is the wait: it returns at the next allowed moment, with whatever the indexer
      // wrote by then visible. Never longer than a short while: a refresh Elasticsearch is slow to
      // finish must not stop the checks (the scheduled refresh may show the write meanwhile).
      await withinDeadline(refresher.refresh(), Math.min(250, waitMs - waited));
    } else {
      // Past the first rounds the write is not indexed yet (the indexer is behind): refreshing again
      // and again would only slow its bulk writes; the scheduled refresh will show it.
      await new Promise((r) => setTimeout(r, Math.min(round < 10 ? 50 : 200, waitMs - waited)));
    }
  }
}

/** Waits for `work`, but no longer than `ms` (it goes on by itself). */
async function withinDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, ms))))]);
  clearTimeout(timer);
}
