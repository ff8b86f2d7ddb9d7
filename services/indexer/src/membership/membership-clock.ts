// The instant membership is evaluated at for changes: the last finished re-evaluation's, not the
// wall clock. Relative dates move only at a re-evaluation, so the two ways a contact crosses a
// boundary add up: a tag removed at 00:02, before the midnight run, is judged as of the previous
// run (a member then: exited), and the run then finds nothing more to say about that contact.
// Judged by the wall clock it would be out both before and after the change, and so would the
// run, and the exit would never be published. Read from Postgres at most once a second.
import type { Pool } from '@segmenter/shared';

export interface MembershipClock {
  now(): Promise<Date>;
}

const FRESH_MS = 1000;

export function createMembershipClock(pool: Pool, intervalMs: number, wallClock: () => number = Date.now): MembershipClock {
  let known: { at: Date; readAt: number } | undefined;
  return {
    async now() {
      const t = wallClock();
      if (known && t - known.readAt < FRESH_MS) return known.at;
      const { rows } = await pool.query<{ at: Date | null }>('select max(evaluated_at) as at from membership_reevaluations where finished_at is not null');
      // Before any run finished: the instant the first run will compare with (one interval before the current one).
      const at = rows[0]?.at ?? new Date((Math.floor(t / intervalMs) - 1) * intervalMs);
      known = { at, readAt: t };
      return at;
    },
  };
}
