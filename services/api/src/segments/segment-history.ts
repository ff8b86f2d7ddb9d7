// Segment size over time: the count of every saved segment of every workspace, recorded once per
// interval (SEGMENT_HISTORY_INTERVAL_MS, hourly by default) into segment_count_history, and read
// back as a series (GET /v1/segments/:id/history) or as each segment's change over the last 7 days
// (the segment list). Counts go through the api's counter (a count users just asked for is taken
// from its cache), one _msearch per 50 segments, and are not kept in the cache themselves. Several
// api processes share the work: the one that claims an interval (a row in segment_history_runs)
// records it; a claim not finished within LEASE_MS (a process died or stopped midway) is taken
// over, and each process looks every few minutes, so an interval is recorded after a restart too.
import { createBackgroundLoop, Logger, Pool } from '@segmenter/shared';
import { AppError } from '../errors/app-error';
import { createResolutionContext } from './resolution-context';
import type { SegmentCounter } from './segment-counts';
import { treesOfQueries } from './segment-resolver';
import { listSegments } from './segments-store';

/** Saved segments counted per request: the count endpoint's own limit. */
const PER_COUNT = 50;
/** A claim not finished after this long is taken over by another process (or the same one, restarted). */
const LEASE_MS = 10 * 60_000;
/** How often a process looks whether the current interval still needs recording. */
const LOOK_EVERY_MS = 5 * 60_000;

export interface SegmentHistoryOptions {
  pool: Pool;
  counter: SegmentCounter;
  intervalMs: number;
  log: Logger;
}

export function createSegmentHistory(options: SegmentHistoryOptions) {
  const { pool, counter, intervalMs, log } = options;
  let stopping = false;

  /** Records the counts of one workspace's saved segments at `at`; how many were recorded. */
  async function recordWorkspace(workspaceId: string, at: Date): Promise<number> {
    // Broken segments (a forced delete removed what they name) cannot be counted until edited.
    const segments = (await listSegments(pool, workspaceId)).filter((s) => !s.broken);
    let recorded = 0;
    // One context for the workspace: its saved segments, tags and definitions are read once, not per chunk.
    const context = createResolutionContext(workspaceId, pool);
    for (let start = 0; start < segments.length; start += PER_COUNT) {
      const chunk = segments.slice(start, start + PER_COUNT);
      const field = (i: number) => `segments.${start + i}`;
      const trees = await treesOfQueries(
        context,
        chunk.map((s, i) => ({ query: { segmentId: s.id }, at: field(i) })),
      );
      const results = await counter.count(workspaceId, trees, field, { keep: false });
      const rows = chunk.flatMap((s, i) => {
        const r = results[i]!;
        if ('status' in r) {
          log.warn({ workspaceId, segmentId: s.id, problem: r.detail }, 'segment not counted for its history');
          return [];
        }
        return [{ id: s.id, total: r.total, email: r.sendable.email, phone: r.sendable.phone }];
      });
      if (rows.length === 0) continue;
      await pool.query(
        `insert into segment_count_history (segment_id, workspace_id, recorded_at, total, sendable_email, sendable_phone)
         select s, $1, $2, t, e, p from unnest($3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[]) as r(s, t, e, p)
         on conflict do nothing`,
        [workspaceId, at, rows.map((r) => r.id), rows.map((r) => r.total), rows.map((r) => r.email), rows.map((r) => r.phone)],
      );
      recorded += rows.length;
    }
    return recorded;
  }

  /**
   * Records every workspace's saved segments at `at`, unless another process (or an earlier turn)
   * claimed that instant: then undefined. A workspace that fails is logged and skipped; the others
   * are recorded.
   */
  async function recordAt(at: Date): Promise<number | undefined> {
    // Inserted, or taken over when its claimer left it unfinished past the lease (rows already
    // recorded for it stay; their inserts do nothing the second time).
    const claimed = await pool.query(
      `insert into segment_history_runs (recorded_at) values ($1)
       on conflict (recorded_at) do update set started_at = now()
        where segment_history_runs.finished_at is null and segment_history_runs.started_at < now() - $2 * interval '1 millisecond'`,
      [at, LEASE_MS],
    );
    if (!claimed.rowCount) return undefined;
    const { rows } = await pool.query<{ workspace_id: string }>('select distinct workspace_id from segments');
    let recorded = 0;
    for (const { workspace_id: workspaceId } of rows) {
      // Stopping: the claim stays unfinished, and the lease hands the rest to whoever comes next.
      if (stopping) return recorded;
      try {
        recorded += await recordWorkspace(workspaceId, at);
      } catch (err) {
        if (!(err instanceof AppError)) log.warn({ err, workspaceId }, 'segment history of a workspace not recorded');
        else log.warn({ workspaceId, problem: err.message }, 'segment history of a workspace not recorded');
      }
    }
    await pool.query('update segment_history_runs set finished_at = now(), segments = $2 where recorded_at = $1', [at, recorded]);
    return recorded;
  }

  /** The start of the interval `now` falls in: every process agrees on it. */
  const slotOf = (now: number) => new Date(Math.floor(now / intervalMs) * intervalMs);

  const loop = createBackgroundLoop(async () => {
    const slot = slotOf(Date.now());
    try {
      const recorded = await recordAt(slot);
      if (recorded !== undefined) log.info({ recordedAt: slot.toISOString(), segments: recorded }, 'segment counts recorded');
    } catch (err) {
      log.warn({ err }, 'segment history not recorded; will look again in a few minutes');
    }
    return Math.max(1_000, Math.min(LOOK_EVERY_MS, slot.getTime() + intervalMs - Date.now()));
  });

  return {
    recordAt,
    slotOf,
    start: loop.start,
    stop: () => {
      stopping = true;
      return loop.stop();
    },
  };
}

export type SegmentHistory = ReturnType<typeof createSegmentHistory>;
