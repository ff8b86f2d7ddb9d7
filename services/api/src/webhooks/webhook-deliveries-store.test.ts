import { streakPauses } from './webhook-deliveries-store';

describe('streakPauses: a failure streak pauses its webhook once long enough in attempts and in time', () => {
  const policy = { afterFailures: 10, afterMs: 600_000 };
  const start = Date.parse('2026-12-01T10:00:00Z');
  test.each([
    { description: 'enough failures, too soon (a burst)', failures: 50, elapsedMs: 60_000, pauses: false },
    { description: 'long enough, too few failures', failures: 9, elapsedMs: 3_600_000, pauses: false },
    { description: 'both, exactly at the limits', failures: 10, elapsedMs: 600_000, pauses: true },
    { description: 'both, past the limits', failures: 12, elapsedMs: 900_000, pauses: true },
    { description: 'one failure under the time limit', failures: 1, elapsedMs: 0, pauses: false },
  ])('$description', ({ failures, elapsedMs, pauses }) => {
    expect(streakPauses({ failures, sinceMs: start }, start + elapsedMs, policy)).toBe(pauses);
  });

  test('with no minimum time, the count alone decides (as before WEBHOOK_PAUSE_AFTER_MS)', () => {
    expect(streakPauses({ failures: 3, sinceMs: start }, start, { afterFailures: 3, afterMs: 0 })).toBe(true);
    expect(streakPauses({ failures: 2, sinceMs: start }, start, { afterFailures: 3, afterMs: 0 })).toBe(false);
  });
});
