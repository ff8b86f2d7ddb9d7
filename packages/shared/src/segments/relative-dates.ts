// The instants relative date conditions mean, given the time of evaluation: UTC day boundaries, and
// calendar months clamped to the month's last day (as Java and Postgres move them). The in-memory
// evaluator compares with them, and the Elasticsearch compiler writes them into the query as
// concrete instants: identical requests within a UTC day are then identical to Elasticsearch, so
// its request and query caches can serve them ("now-30d/d" keeps a query out of the request cache).
// The SQL compiler states the same arithmetic in SQL (sql-compiler.ts); the tests hold them equal.

export const DAY_MS = 86_400_000;

/** A relative span: N days, or N calendar months. */
export interface Span {
  days?: number;
  months?: number;
}

/** Midnight UTC of `now`'s day, plus whole days. */
export const dayFrom = (now: number, days: number): number => Math.floor(now / DAY_MS) * DAY_MS + days * DAY_MS;

/** Midnight UTC of `now`'s day moved by calendar months (clamped to the month's end), plus whole days. */
export function monthFrom(now: number, months: number, plusDays = 0): number {
  const d = new Date(now);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay)) + plusDays * DAY_MS;
}

/** Midnight UTC N days or N calendar months before `now`'s day: where "in the last N" starts. */
export const spanAgo = (now: number, span: Span): number => (span.months !== undefined ? monthFrom(now, -span.months) : dayFrom(now, -span.days!));

/** Midnight UTC after the last day of "in the next N": today plus N days (or months), plus one day. */
export const spanAhead = (now: number, span: Span): number => (span.months !== undefined ? monthFrom(now, span.months, 1) : dayFrom(now, span.days! + 1));

/** Midnight UTC of a calendar date (YYYY-MM-DD), plus whole days. */
export const dayOf = (date: string, days = 0): number => Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
