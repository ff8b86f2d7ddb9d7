// Rows per second and the time left, from the import's successive polls rather than its average
// since the start: an import that slows down (or speeds up) shows it within a few polls. Pure.

export interface ProgressSample {
  /** When the poll answered, in milliseconds. */
  at: number;
  processed: number;
}

/** Polls the rate is measured over: a few seconds, long enough to smooth a chunk's burst. */
export const RATE_WINDOW = 5;

/**
 * The rate over the last RATE_WINDOW samples, or null until two of them are apart in time. Once
 * every row of the file is processed (`total`), the rate is the one measured up to then, not the
 * zero of the polls that follow while the contacts are made searchable.
 */
export function rowsPerSecond(samples: readonly ProgressSample[], total: number | null = null): number | null {
  const reachedTotal = total === null ? -1 : samples.findIndex((s) => s.processed >= total);
  const measured = reachedTotal >= 0 ? samples.slice(0, reachedTotal + 1) : samples;
  const window = measured.slice(-RATE_WINDOW);
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last || last.at <= first.at) return null;
  return Math.max(0, ((last.processed - first.processed) * 1000) / (last.at - first.at));
}

/** Seconds left at `rate`, or null when the total or the rate is unknown (or nothing moves). */
export function secondsLeft(total: number | null, processed: number, rate: number | null): number | null {
  if (total !== null && processed >= total) return 0;
  if (total === null || rate === null || rate <= 0) return null;
  return Math.max(0, Math.round((total - processed) / rate));
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
