// Tells the api which workspaces changed in the search index, so its count cache drops what they
// had cached and nothing else (a write in one workspace never costs another its cached counts).
// After each acknowledged bulk the handler notes the batch's workspaces; at most once per interval
// this refreshes the index (the writes become searchable now, not at the next scheduled refresh)
// and then records them in search_index_changes. The order matters: recorded only once visible, a
// change can never be missed by a count computed in between (see search-index-changes.ts).
// A failed refresh or record keeps the workspaces pending and tries again next interval.
import { announceSearchIndexChanges, EsClient, Logger, Pool } from '@segmenter/shared';

export interface ChangeNoticeOptions {
  es: EsClient;
  alias: string;
  pool: Pool;
  log: Logger;
  /** At most one refresh and one record per this interval while writes flow (the index's own refresh interval). */
  intervalMs: number;
  /** Told how long each refresh-and-record took (metrics). */
  observe?: (seconds: number) => void;
}

export function createChangeNotices(options: ChangeNoticeOptions) {
  const { es, alias, pool, log, intervalMs } = options;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastAt = 0;
  let stopped = false;

  async function announce(): Promise<void> {
    timer = undefined;
    if (pending.size === 0) return;
    const workspaces = pending;
    pending = new Set();
    lastAt = Date.now();
    const started = performance.now();
    try {
      await announceSearchIndexChanges(es, alias, pool, workspaces);
      options.observe?.((performance.now() - started) / 1000);
    } catch (err) {
      for (const w of workspaces) pending.add(w);
      log.warn({ err, workspaces: workspaces.size }, 'could not announce search index changes; will retry');
    }
  }

  function schedule(): void {
    if (stopped || timer || running || pending.size === 0) return;
    const wait = Math.max(0, lastAt + intervalMs - Date.now());
    timer = setTimeout(() => {
      running = announce().finally(() => {
        running = undefined;
        schedule();
      });
    }, wait);
  }

  return {
    /** The workspaces of an acknowledged bulk write. */
    noteWritten(workspaceIds: Iterable<string>): void {
      for (const w of workspaceIds) pending.add(w);
      schedule();
    },
    /** Announces what is pending once more (so a clean stop leaves no cached count behind), then stops. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      await announce();
      // Nothing retries after a stop: the api serves these workspaces' cached counts until the next
      // indexer joins the group (every workspace is announced then) or COUNT_CACHE_MAX_AGE_MS.
      if (pending.size > 0) log.error({ workspaces: pending.size }, 'stopped with search index changes unannounced');
    },
  };
}
