// Measures "commit to searchable": a document is visible to counts only after a refresh, so the
// time Elasticsearch acknowledged a batch is not the answer. After each batch we remember one of
// its documents (contact id and version) and the commit times of its events; a single loop polls
// a tiny search for that document and, once the refreshed index shows it, observes every queued
// commit time. A refresh makes a whole shard's pending writes visible at once, so the newest
// queued batch being visible means the older ones are too. Nothing here holds up indexing.
import type { EsClient, Histogram, Logger } from '@segmenter/shared';

export interface SearchableSample {
  workspaceId: string;
  contactId: string;
  version: number;
}

const MAX_QUEUED = 1000;
const GIVE_UP_MS = 5 * 60_000;

export function createSearchableTracker(options: { es: EsClient; alias: string; histogram: Histogram; log: Logger; pollMs?: number }) {
  const { es, alias, histogram, log } = options;
  const pollMs = options.pollMs ?? 100;
  let queue: { sample: SearchableSample; committedAt: number[]; queuedAt: number }[] = [];
  let loop: Promise<void> | undefined;
  let stopped = false;

  async function visible(sample: SearchableSample): Promise<boolean> {
    const response = await es.search(
      {
        index: alias,
        routing: sample.workspaceId,
        size: 1,
        version: true,
        _source: false,
        query: { bool: { filter: [{ term: { workspace_id: sample.workspaceId } }, { ids: { values: [sample.contactId] } }] } },
      },
      { requestTimeout: 5000, maxRetries: 0 },
    );
    const hit = response.hits.hits[0];
    return hit !== undefined && (hit._version ?? 0) >= sample.version;
  }

  async function run(): Promise<void> {
    while (!stopped && queue.length > 0) {
      // Entries queued while we wait are not covered by this check: only the first `count` are.
      const count = queue.length;
      const newest = queue[count - 1]!;
      try {
        if (await visible(newest.sample)) {
          const now = Date.now();
          for (const entry of queue.slice(0, count)) for (const t of entry.committedAt) histogram.observe(Math.max(0, now - t) / 1000);
          queue = queue.slice(count);
          continue;
        }
      } catch (err) {
        log.debug({ err }, 'searchable check failed; will retry');
      }
      queue = queue.filter((e) => Date.now() - e.queuedAt < GIVE_UP_MS);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    loop = undefined;
    if (!stopped && queue.length > 0) loop = run();
  }

  return {
    track(sample: SearchableSample, committedAt: number[]): void {
      if (stopped) return;
      queue.push({ sample, committedAt, queuedAt: Date.now() });
      if (queue.length > MAX_QUEUED) queue = queue.slice(-MAX_QUEUED);
      loop ??= run();
    },
    async stop(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}
