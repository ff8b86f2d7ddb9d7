// When a failed delivery is tried again: exponential in the attempts made, capped, with full
// jitter so the deliveries of a receiver that was down do not all come back at the same instant.

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before the next attempt after `attempts` attempts (1 after the first failure):
 * a random time between half and all of min(max, base * 2^(attempts-1)). Half, not zero, so a
 * receiver that keeps failing is not hammered by an unlucky draw.
 */
export function retryDelayMs(attempts: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 40); // 2^40 already exceeds any cap
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
