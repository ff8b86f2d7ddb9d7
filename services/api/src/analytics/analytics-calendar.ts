// The calendar of the contacts-created histogram: how many buckets a range of dates holds, counted
// before any search so a range too long for one answer is refused as a 400. Calendar dates need no
// time zone to be counted (a day is one bucket in every zone), so this is arithmetic on dates alone.
import { assertNever } from '@segmenter/shared';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Buckets one answer may hold: 1,000 days is about three years by day, and every range by month. */
export const MAX_BUCKETS = 1000;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a real calendar date (YYYY-MM-DD). */
export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Monday 0 to Sunday 6 (day 0, 1970-01-01, was a Thursday): Elasticsearch's calendar weeks start on Monday. */
const weekday = (day: number) => (((day + 3) % 7) + 7) % 7;
const mondayOf = (date: string) => dayNumber(date) - weekday(dayNumber(date));
const monthNumber = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/**
 * How many buckets of `interval` the dates `from` to `to` (both included, from <= to) touch: the
 * first week or month starts on or before `from`, as Elasticsearch rounds it.
 */
export function bucketCount(interval: Interval, from: string, to: string): number {
  switch (interval) {
    case 'day':
      return dayNumber(to) - dayNumber(from) + 1;
    case 'week':
      return (mondayOf(to) - mondayOf(from)) / 7 + 1;
    case 'month':
      return monthNumber(to) - monthNumber(from) + 1;
    default:
      return assertNever(interval, 'interval');
  }
}
