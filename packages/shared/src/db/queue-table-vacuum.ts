// Keeps a queue table (rows inserted, then deleted once done: the outbox, an import's staged
// rows) fast without relying on autovacuum, which a server may have turned off: every index scan
// for "the next rows" walks over the dead entries of the rows already deleted, so without vacuum
// each batch costs more than the last (seen: 480,000 dead outbox rows 40% into a million-row import
// on a server with autovacuum off).
import type { Pool } from 'pg';

export interface QueueTableVacuum {
  /** Counts deleted rows; past the threshold, vacuums the table in the background (one at a time). */
  deleted(count: number): void;
  /** Resolves when a vacuum in progress (if any) has ended. */
  settled(): Promise<void>;
}

export function createQueueTableVacuum(options: {
  pool: Pool;
  table: 'outbox' | 'import_rows';
  everyDeletedRows: number;
  onError: (err: unknown) => void;
}): QueueTableVacuum {
  let sinceLast = 0;
  let running: Promise<void> | undefined;
  return {
    deleted(count) {
      sinceLast += count;
      if (sinceLast < options.everyDeletedRows || running) return;
      sinceLast = 0;
      // VACUUM runs outside a transaction; SKIP_LOCKED leaves it to another process when one
      // already holds the table's vacuum lock.
      running = options.pool
        .query(`vacuum (skip_locked) ${options.table}`)
        .then(() => undefined, options.onError)
        .finally(() => (running = undefined));
    },
    settled: () => running ?? Promise.resolve(),
  };
}
