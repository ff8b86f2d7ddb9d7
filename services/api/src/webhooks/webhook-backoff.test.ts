import { retryDelayMs } from './webhook-backoff';

describe('retryDelayMs', () => {
  const settings = { baseMs: 1000, maxMs: 60_000 };

  test('doubles with each attempt up to the cap, between half and all of it', () => {
    const table = [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [6, 32_000],
      [7, 60_000],
      [50, 60_000],
      [1000, 60_000],
    ] as const;
    for (const [attempts, ceiling] of table) {
      expect(retryDelayMs(attempts, settings, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempts, settings, () => 1)).toBe(ceiling);
    }
  });

  test('is jittered: draws spread across the range', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, settings)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d >= 2000 && d <= 4000).toBe(true);
  });

  test('treats attempt 0 like the first', () => {
    expect(retryDelayMs(0, settings, () => 1)).toBe(1000);
  });
});
