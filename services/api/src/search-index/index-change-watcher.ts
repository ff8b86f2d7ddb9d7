// What this api process knows of the search index's changes, per workspace: it polls
// search_index_changes for rows past the last seq it read (one indexed query, usually empty) and
// keeps each changed workspace's latest seq. A cached count is served only while its workspace's
// state is the one it was computed under (segments/count-cache.ts).
// When polling fails for longer than `staleAfterMs`, the state is unknown and `stateOf` answers
// undefined: nothing cached is served until a poll succeeds again.
import { CHANGES_PAGE, changesSince, EVERY_WORKSPACE, latestChangeSeq, Logger, Pool } from '@segmenter/shared';

export interface IndexChangeWatcherOptions {
  pool: Pool;
  log: Logger;
  pollMs: number;
  /** Past this long without a successful poll, nothing cached may be served. */
  staleAfterMs?: number;
}

export interface IndexChangeWatcher {
  /** The workspace's index state as this process knows it (its and the every-workspace seq), or undefined when unknown. */
  stateOf(workspaceId: string): string | undefined;
  /** Polls now (tests; the timer polls on its own). */
  poll(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createIndexChangeWatcher(options: IndexChangeWatcherOptions): IndexChangeWatcher {
  const { pool, log, pollMs } = options;
  const staleAfterMs = options.staleAfterMs ?? Math.max(2_000, pollMs * 10);
  const seqOf = new Map<string, number>();
  // Undefined until the first read: changes older than the start need no one's attention (nothing was cached).
  let lastSeq: number | undefined;
  let lastPolledAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let failing = false;

  async function readChanges(): Promise<void> {
    // What a poll read was committed by the time it began: that, not its end, is how fresh it is.
    const began = Date.now();
    if (lastSeq === undefined) {
      lastSeq = await latestChangeSeq(pool);
    } else {
      // Drained page by page: an import across thousands of workspaces may record more than a page at once.
      for (;;) {
        const changes = await changesSince(pool, lastSeq);
        for (const c of changes) seqOf.set(c.workspaceId, c.seq);
        if (changes.length > 0) lastSeq = changes[changes.length - 1]!.seq;
        if (changes.length < CHANGES_PAGE) break;
      }
    }
    lastPolledAt = began;
    if (failing) log.info('search index changes readable again');
    failing = false;
  }

  const poll = (): Promise<void> => {
    polling ??= readChanges()
      .catch((err: unknown) => {
        if (!failing) log.warn({ err }, 'could not read search index changes; cached counts are not served meanwhile');
        failing = true;
      })
      .finally(() => {
        polling = undefined;
      });
    return polling;
  };

  const tick = () => {
    timer = setTimeout(() => {
      void poll().finally(() => {
        if (timer) tick();
      });
    }, pollMs);
    // Never what keeps a process alive (a failed start leaves no timer running).
    timer.unref();
  };

  return {
    stateOf(workspaceId) {
      if (lastSeq === undefined || Date.now() - lastPolledAt > staleAfterMs) return undefined;
      return `${seqOf.get(workspaceId) ?? 0}/${seqOf.get(EVERY_WORKSPACE) ?? 0}`;
    },
    poll,
    async start() {
      await poll();
      tick();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await polling;
    },
  };
}
