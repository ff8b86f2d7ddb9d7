// A read that waits for its writes asks the index to refresh now, instead of waiting up to the
// refresh interval (1 s) for the scheduled one. Refreshes are shared and rate-limited per api
// process: however many reads wait, the index refreshes at most once per `minIntervalMs`, and a
// read that asks while one is running or due waits for that one. A refresh that fails is only a
// missed shortcut: the read keeps polling, and the scheduled refresh still comes.
import type { EsClient, Logger } from '@segmenter/shared';

export interface IndexRefresher {
  /** Resolves once a refresh that began after this call has finished (or failed). */
  refresh(): Promise<void>;
  /** Refreshes asked of Elasticsearch so far (metrics, tests). */
  readonly refreshes: number;
}

export function createIndexRefresher(options: {
  es: EsClient;
  alias: string;
  minIntervalMs: number;
  log: Logger;
  onRefresh?: (seconds: number) => void;
}): IndexRefresher {
  const { es, alias, minIntervalMs, log } = options;
  let lastStartedAt = -Infinity;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let refreshes = 0;

  async function run(): Promise<void> {
    lastStartedAt = Date.now();
    refreshes += 1;
    const started = performance.now();
    try {
      // Short and never retried: a waiting read gives up on it after 250 ms anyway, and a refresh
      // that piles up behind a slow one only adds to Elasticsearch's load.
      await es.indices.refresh({ index: alias, ignore_unavailable: true }, { requestTimeout: 2_000, maxRetries: 0 });
      options.onRefresh?.((performance.now() - started) / 1000);
    } catch (err) {
      log.warn({ err }, 'refresh for a waiting read failed; it waits for the scheduled refresh');
    }
  }

  return {
    refresh() {
      // One refresh queued behind the running one serves every caller that arrives meanwhile: the
      // running one may have begun before their writes were indexed.
      if (next) return next;
      const after = running ?? Promise.resolve();
      next = after.then(async () => {
        const wait = lastStartedAt + minIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next = undefined;
        running = run().finally(() => {
          running = undefined;
        });
        await running;
      });
      return next;
    },
    get refreshes() {
      return refreshes;
    },
  };
}
