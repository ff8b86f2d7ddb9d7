import type { Pool } from '@segmenter/shared';
import { createMembershipClock } from './membership-clock';

const DAY = 86_400_000;

/** A pool answering the last finished run's instant, counting its reads. */
function poolWith(finished: () => Date | null) {
  const reads = { count: 0 };
  const pool = {
    query: async () => {
      reads.count += 1;
      return { rows: [{ at: finished() }] };
    },
  } as unknown as Pool;
  return { pool, reads };
}

test('changes are judged at the last finished run, read at most once a second', async () => {
  let finished: Date | null = new Date('2026-12-01T00:00:00Z');
  let wall = Date.parse('2026-12-01T10:00:00Z');
  const { pool, reads } = poolWith(() => finished);
  const clock = createMembershipClock(pool, DAY, () => wall);
  expect(await clock.now()).toEqual(new Date('2026-12-01T00:00:00Z'));
  finished = new Date('2026-12-02T00:00:00Z');
  wall += 500;
  expect(await clock.now()).toEqual(new Date('2026-12-01T00:00:00Z')); // within the second: not read again
  wall += 600;
  expect(await clock.now()).toEqual(new Date('2026-12-02T00:00:00Z'));
  expect(reads.count).toBe(2);
});

test('before any run finished: the instant the first run will compare with, one interval before the current boundary', async () => {
  const { pool } = poolWith(() => null);
  const clock = createMembershipClock(pool, DAY, () => Date.parse('2026-12-01T10:00:00Z'));
  expect(await clock.now()).toEqual(new Date('2026-11-30T00:00:00Z'));
});
