// Reading the recorded counts of saved segments (segment-history.ts writes them): a series in
// buckets of an hour, a day or a week (the last count recorded in each), and each segment's change
// over the last 7 days for the segment list.
import type { Queryable } from '@segmenter/shared';

export const HISTORY_STEPS = ['hour', 'day', 'week'] as const;
export type HistoryStep = (typeof HISTORY_STEPS)[number];
export const STEP_MS: Record<HistoryStep, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const STEP_INTERVAL: Record<HistoryStep, string> = { hour: '1 hour', day: '1 day', week: '7 days' };
/** Weeks start on Monday 00:00 UTC (2000-01-03 was one); hours and days on UTC boundaries. */
const ORIGIN = '2000-01-03T00:00:00Z';

export interface HistoryPoint {
  /** The bucket's start. */
  at: string;
  /** When the count shown (the bucket's last) was recorded. */
  recordedAt: string;
  total: number;
  sendable: { email: number; phone: number };
}

export async function historySeries(db: Queryable, workspaceId: string, segmentId: string, from: Date, to: Date, step: HistoryStep): Promise<HistoryPoint[]> {
  const { rows } = await db.query(
    `select distinct on (bucket) date_bin($5::interval, recorded_at, $6::timestamptz) as bucket, recorded_at, total, sendable_email, sendable_phone
       from segment_count_history
      where segment_id = $1 and workspace_id = $2 and recorded_at >= $3 and recorded_at < $4
      order by bucket, recorded_at desc`,
    [segmentId, workspaceId, from, to, STEP_INTERVAL[step], ORIGIN],
  );
  return rows.map((r) => ({
    at: new Date(r.bucket).toISOString(),
    recordedAt: new Date(r.recorded_at).toISOString(),
    total: Number(r.total),
    sendable: { email: Number(r.sendable_email), phone: Number(r.sendable_phone) },
  }));
}

export interface WeekChange {
  /** The earliest count recorded in the last 7 days, and when. */
  from: number;
  since: string;
  /** The latest. */
  to: number;
  delta: number;
}

/** Each segment's change over the last 7 days (first and last count recorded in them); absent when none was recorded. */
export async function weekChanges(db: Queryable, workspaceId: string, segmentIds: string[]): Promise<Map<string, WeekChange>> {
  if (segmentIds.length === 0) return new Map();
  const { rows } = await db.query(
    `select segment_id, min(recorded_at) as since,
            (array_agg(total order by recorded_at))[1] as first, (array_agg(total order by recorded_at desc))[1] as last
       from segment_count_history
      where workspace_id = $1 and segment_id = any($2::uuid[]) and recorded_at >= now() - interval '7 days'
      group by segment_id`,
    [workspaceId, segmentIds],
  );
  return new Map(
    rows.map((r) => {
      const from = Number(r.first);
      const to = Number(r.last);
      return [r.segment_id as string, { from, to, delta: to - from, since: new Date(r.since).toISOString() }];
    }),
  );
}
