// The requests of the analytics endpoints (GET /v1/analytics/...): what each reads from the query
// string, with the read-your-writes fields every one of them accepts. Built from the deployment's
// CONSISTENCY_MAX_WAIT_MS, like the counts' query.
import { z } from 'zod';
import { isRealDate } from '@segmenter/shared';
import { consistencyQueryFields } from '../consistency/consistency-schemas';
import { listQueryFields } from '../http/list-page';
import { MAX_COUNTS_PER_REQUEST } from '../segments/segment-schemas';
import { bucketCount, dayNumber, INTERVALS, MAX_BUCKETS } from './analytics-calendar';

const segmentId = z.uuid('must be a saved segment id (UUID)').transform((s) => s.toLowerCase());

/** Every breakdown can be narrowed to the members of one saved segment. */
const scopeFields = { segmentId: segmentId.optional() };

export const ChannelsQuery = (maxWaitMs: number) => z.strictObject({ ...scopeFields, ...consistencyQueryFields(maxWaitMs) });
export type ChannelsQuery = z.infer<ReturnType<typeof ChannelsQuery>>;

export const TAG_SORTS = ['count', 'name'] as const;
export const TagsQuery = (maxWaitMs: number) =>
  z.strictObject({
    sort: z.enum(TAG_SORTS, 'must be count (most contacts first) or name').default('count'),
    ...listQueryFields,
    ...scopeFields,
    ...consistencyQueryFields(maxWaitMs),
  });
export type TagsQuery = z.infer<ReturnType<typeof TagsQuery>>;

export const LabelsQuery = (maxWaitMs: number) => z.strictObject({ ...listQueryFields, ...scopeFields, ...consistencyQueryFields(maxWaitMs) });
export type LabelsQuery = z.infer<ReturnType<typeof LabelsQuery>>;

/**
 * An IANA time zone, as the caller spells it (Asia/Kolkata stays Asia/Kolkata, though the JavaScript
 * runtime calls it Asia/Calcutta). The JavaScript runtime reads names case-insensitively and
 * Elasticsearch's Java runtime does not, so a name that differs from the runtime's only by case
 * takes the runtime's spelling (europe/paris is Europe/Paris). Offsets such as +01:00 are not zones.
 */
const TimeZone = z
  .string()
  .max(64, 'must be at most 64 characters')
  .transform((zone, ctx) => {
    let known: string;
    try {
      known = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Paris or UTC' });
      return z.NEVER;
    }
    return known.toLowerCase() === zone.toLowerCase() ? known : zone;
  });

const CalendarDate = z
  .string('is required: a date as YYYY-MM-DD')
  .refine(isRealDate, 'must be a real date as YYYY-MM-DD, years 1000 to 9999')
  .meta({ format: 'date' });

export const ContactsCreatedQuery = (maxWaitMs: number) =>
  z
    .strictObject({
      interval: z.enum(INTERVALS, 'must be day, week or month').default('day'),
      from: CalendarDate,
      to: CalendarDate,
      timeZone: TimeZone.default('UTC'),
      ...scopeFields,
      ...consistencyQueryFields(maxWaitMs),
    })
    .superRefine((q, ctx) => {
      // Run even when a field failed (zod goes on): only a range of two real dates is compared.
      if (!isRealDate(q.from) || !isRealDate(q.to)) return;
      if (dayNumber(q.from) > dayNumber(q.to)) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
        return;
      }
      const buckets = bucketCount(q.interval, q.from, q.to);
      if (buckets > MAX_BUCKETS)
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `makes ${buckets} ${q.interval} buckets from ${q.from}; an answer holds at most ${MAX_BUCKETS} (a shorter range or a longer interval)`,
        });
    });
export type ContactsCreatedQuery = z.infer<ReturnType<typeof ContactsCreatedQuery>>;

/**
 * Saved segment ids as one comma-separated string (`ids=a,b,c`, like a member stream's `fields`),
 * each checked in its place (`query.ids.2`) and answered in its place.
 */
const SegmentIdList = z
  .string('must be a comma-separated string of saved segment ids (not repeated parameters)')
  // Room for 50 ids and their commas with a margin; a longer text is refused before it is split.
  .max(4000, 'must be at most 4000 characters')
  .transform((text, ctx) => {
    const ids = text.split(',');
    if (ids.length > MAX_COUNTS_PER_REQUEST) {
      ctx.addIssue({ code: 'custom', message: `must name at most ${MAX_COUNTS_PER_REQUEST} segments` });
      return z.NEVER;
    }
    ids.forEach((id, i) => {
      if (!segmentId.safeParse(id).success) ctx.addIssue({ code: 'custom', path: [i], message: 'must be a saved segment id (UUID)' });
    });
    return ids.map((id) => id.toLowerCase());
  });

/** Many saved segments' counts: those named by `ids`, or else a page of every saved segment by name. */
export const SegmentCountsQuery = (maxWaitMs: number) =>
  z
    .strictObject({
      ids: SegmentIdList.optional(),
      // At most one multi-segment count's worth per page (a count of 50 segments is one _msearch); 50 when not given.
      limit: z.coerce
        .number('must be a whole number')
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(MAX_COUNTS_PER_REQUEST, `must be at most ${MAX_COUNTS_PER_REQUEST}`)
        .optional(),
      cursor: listQueryFields.cursor,
      ...consistencyQueryFields(maxWaitMs),
    })
    .superRefine((q, ctx) => {
      if (q.ids === undefined) return;
      if (q.cursor !== undefined) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'pages the list of every saved segment; not with ids' });
      if (q.limit !== undefined) ctx.addIssue({ code: 'custom', path: ['limit'], message: 'pages the list of every saved segment; not with ids' });
    });
export type SegmentCountsQuery = z.infer<ReturnType<typeof SegmentCountsQuery>>;
