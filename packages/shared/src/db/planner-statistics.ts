// Keeps the planner's picture of the tables a bulk write fills close to their real size, without
// relying on autovacuum's analyze, which a server may have turned off and which a bulk import
// outruns anyway. The batch writer finds existing contacts with `email = any($emails)`: planned
// for the small table the statistics still describe, that reads every contact of the workspace
// for each slice, so an import slows as it grows (seen: a million-row import at 630 rows/s in its
// first third, 167 rows/s at 700,000 contacts; 666 rows/s again right after an ANALYZE).
import type { Pool } from 'pg';

export interface PlannerStatistics {
  /** Call after rows were written; analyzes, in the background and one at a time, the tables that outgrew their statistics. */
  written(): void;
  /** Resolves when an analyze in progress (if any) has ended; returns the tables it analyzed. */
  settled(): Promise<string[]>;
}

/** A table is re-analyzed when it holds more than this many times the rows its statistics say (and at least `minRows`). */
const GROWTH = 2;

export function createPlannerStatistics(options: {
  pool: Pool;
  tables: readonly string[];
  /** Tables smaller than this are left alone: any plan is fast on them. */
  minRows?: number;
  /** At most one look at the catalog per this many milliseconds. */
  everyMs?: number;
  onError: (err: unknown) => void;
}): PlannerStatistics {
  const minRows = options.minRows ?? 10_000;
  const everyMs = options.everyMs ?? 5_000;
  let lastLook = 0;
  let running: Promise<string[]> | undefined;

  /** The tables whose live rows (the statistics collector's running count) outgrew the planner's estimate. */
  async function outgrown(): Promise<string[]> {
    const { rows } = await options.pool.query(
      `select c.relname as name from pg_class c join pg_stat_user_tables s on s.relid = c.oid
        where c.relname = any($1::text[]) and c.relnamespace = to_regnamespace(current_schema())::oid
          and s.n_live_tup >= $2 and s.n_live_tup > $3 * greatest(c.reltuples, 0)`,
      [options.tables, minRows, GROWTH],
    );
    return rows.map((r) => r.name as string);
  }

  async function refresh(): Promise<string[]> {
    const tables = await outgrown();
    // ANALYZE samples a fixed number of rows, so it costs about the same at any size (a few seconds for millions of rows).
    for (const table of tables) await options.pool.query(`analyze ${escapeIdentifier(table)}`);
    return tables;
  }

  return {
    written() {
      const now = Date.now();
      if (running || now - lastLook < everyMs) return;
      lastLook = now;
      running = refresh()
        .catch((err) => {
          options.onError(err);
          return [];
        })
        .finally(() => (running = undefined));
    },
    settled: () => running ?? Promise.resolve([]),
  };
}

function escapeIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
