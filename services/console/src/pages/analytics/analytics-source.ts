// The Analytics screen's calls (GET /v1/analytics/...: numbers aggregated by the search index):
// contacts per channel and status, the top tags by contact count, and contacts created per day.
import { api } from '../../api/client';
import type { paths } from '../../api/api-types';
import { unwrap } from '../../api/problem';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type ChannelsAnswer = Json<paths['/v1/analytics/channels']['get']['responses'][200]>;
export type TagCountsAnswer = Json<paths['/v1/analytics/tags']['get']['responses'][200]>;
export type ContactsCreatedAnswer = Json<paths['/v1/analytics/contacts-created']['get']['responses'][200]>;
export type Interval = ContactsCreatedAnswer['interval'];

export interface CreatedRange {
  from: string;
  to: string;
  interval: Interval;
  timeZone: string;
}

/** How many tags the top-tags chart shows. */
export const TOP_TAGS = 10;

export const fetchChannels = (signal: AbortSignal) => unwrap(api.GET('/v1/analytics/channels', { signal }));

export const fetchTopTags = (signal: AbortSignal) => unwrap(api.GET('/v1/analytics/tags', { params: { query: { sort: 'count', limit: TOP_TAGS } }, signal }));

export const fetchContactsCreated = (range: CreatedRange, signal: AbortSignal) =>
  unwrap(api.GET('/v1/analytics/contacts-created', { params: { query: range }, signal }));

/** YYYY-MM-DD of an instant in a time zone. */
export function dateIn(timeZone: string, at: Date): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The last `days` days up to today, in the browser's time zone. */
export function defaultRange(days = 30): CreatedRange {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const now = new Date();
  return { from: dateIn(timeZone, new Date(now.getTime() - (days - 1) * 86_400_000)), to: dateIn(timeZone, now), interval: 'day', timeZone };
}
