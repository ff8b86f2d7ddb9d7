// The requests of the segments feature (saved segments, counts, previews, member streams, bulk
// actions, snapshots): one schema each, read by the routes that validate and by the OpenAPI document.
import { z } from 'zod';
import { HISTORY_STEPS, STEP_MS } from './segment-history-store';
import { EMAIL_STATUSES, LabelKey, PHONE_STATUSES, SUPPRESSING_STATUSES, visibleText } from '@segmenter/shared';
import { consistencyQueryFields } from '../consistency/consistency-schemas';
import { ListQuery } from '../http/list-page';
import { LabelMap } from '../labels/label-schemas';
import { FIELDS_EXAMPLE, MemberFieldList, parseMemberFields } from './member-fields';

// Names people read back (lists, 409 details): only characters they can see (visible-text.ts).
const name = visibleText(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));
const description = visibleText(z.string().max(2000, 'must be at most 2000 characters'), { lineBreaks: true });
const text = z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters');
/** Either a JSON tree (tag ids) or text (tag names); the resolver checks exactly one is there. */
const conditionInput = { condition: z.unknown().optional(), text: text.optional() };

export const CreateSegmentRequest = z.strictObject({ name, description: description.optional(), ...conditionInput });
export type CreateSegmentRequest = z.infer<typeof CreateSegmentRequest>;
export const UpdateSegmentRequest = z.strictObject({ name: name.optional(), description: description.nullable().optional(), ...conditionInput });
export type UpdateSegmentRequest = z.infer<typeof UpdateSegmentRequest>;
export const SegmentIdParams = z.object({ id: z.uuid('must be a segment id (UUID)').transform((s) => s.toLowerCase()) });
/** A saved segment by id, or an ad hoc condition: what counts, previews, streams, snapshots, actions and exports read. */
export const SegmentQuery = z.union([
  z.strictObject({ segmentId: z.uuid('must be a segment id (UUID)').transform((s) => s.toLowerCase()) }),
  z.strictObject(conditionInput),
]);
export type SegmentQuery = z.infer<typeof SegmentQuery>;

export const MAX_COUNTS_PER_REQUEST = 50;
export const MAX_PREVIEW = 100;

/** Each query is checked on its own (SegmentQuery), so one bad query answers its problem in its place. */
export const countRequest = (maxWaitMs: number) =>
  z.strictObject({
    queries: z.array(z.unknown()).min(1, 'must hold at least one query').max(MAX_COUNTS_PER_REQUEST, `must hold at most ${MAX_COUNTS_PER_REQUEST} queries`),
    ...consistencyQueryFields(maxWaitMs),
  });
export type CountRequest = z.infer<ReturnType<typeof countRequest>>;

export const previewRequest = (maxWaitMs: number) =>
  z.strictObject({
    query: z.unknown(),
    limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PREVIEW, `must be at most ${MAX_PREVIEW}`).default(20),
    ...consistencyQueryFields(maxWaitMs),
  });
export type PreviewRequest = z.infer<ReturnType<typeof previewRequest>>;

/** POST /v1/segments/explain: one query (resolved like a count's), with read-your-writes like a count. */
export const explainRequest = (maxWaitMs: number) =>
  z.strictObject({ query: z.custom<unknown>((q) => q !== undefined, 'is required'), ...consistencyQueryFields(maxWaitMs) });
export type ExplainRequest = z.infer<ReturnType<typeof explainRequest>>;

/** An ad hoc snapshot: the query is resolved (and refused) like a count's. */
export const AdHocSnapshotRequest = z.strictObject({ query: z.unknown() });

/** The field names as one string, parsed into the list (`at` names it in errors found later, such as an undefined custom field). */
const fieldList = (at: string) =>
  z
    .string(`must be a comma-separated string of field names, such as "${FIELDS_EXAMPLE}" (not an array)`)
    .max(20_000, 'must be at most 20000 characters')
    .default('id')
    .transform((text, ctx): MemberFieldList => {
      const parsed = parseMemberFields(text, at);
      if ('list' in parsed) return parsed.list;
      // Problems name `<at>.<index>`; the issue path is relative to `fields`.
      for (const p of parsed.problems)
        ctx.addIssue({
          code: 'custom',
          path: p.field
            .slice(at.length + 1)
            .split('.')
            .filter(Boolean),
          message: p.rule,
        });
      return z.NEVER;
    });

// A member stream: the format, the fields of each row, and where to resume. `fields` has one shape
// on GET and POST: a comma-separated string of names (member-fields).
const memberOptions = (at: 'query' | 'body') => ({
  format: z.enum(['ndjson', 'csv'], 'must be ndjson or csv').default('ndjson'),
  fields: fieldList(`${at}.fields`),
  after: z
    .uuid('must be the id of the last contact received')
    .transform((s) => s.toLowerCase())
    .optional(),
});
export const MembersQuery = z.strictObject(memberOptions('query'));
export type MembersQuery = z.infer<typeof MembersQuery>;
export const MembersRequest = z.strictObject({ query: z.unknown(), ...memberOptions('body') });

/** Suppression statuses: contacts in them are kept by a bulk delete unless the request says otherwise. */
const SUPPRESSION_STATUSES = { email: [...SUPPRESSING_STATUSES.email], phone: [...SUPPRESSING_STATUSES.phone] };

export const SegmentAction = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('add_tags'), tagIds: z.array(z.uuid('must be a tag id (UUID)')).min(1).max(100) }),
  z.strictObject({ action: z.literal('remove_tags'), tagIds: z.array(z.uuid('must be a tag id (UUID)')).min(1).max(100) }),
  // LabelMap, not z.record: a "__proto__" label is set like any other, never dropped.
  z.strictObject({ action: z.literal('set_labels'), labels: LabelMap.refine((l) => Object.keys(l).length > 0, 'must set at least one label') }),
  z.strictObject({ action: z.literal('remove_labels'), keys: z.array(LabelKey).min(1).max(50) }),
  z.strictObject({
    action: z.literal('delete'),
    reason: z.string().max(500).optional(),
    /**
     * Contacts with these statuses are kept: deleting a suppressed contact would forget that it
     * must not be messaged. Defaults to the suppression statuses; [] deletes every member.
     */
    keepEmailStatuses: z.array(z.enum(EMAIL_STATUSES)).default(SUPPRESSION_STATUSES.email as (typeof EMAIL_STATUSES)[number][]),
    keepPhoneStatuses: z.array(z.enum(PHONE_STATUSES)).default(SUPPRESSION_STATUSES.phone as (typeof PHONE_STATUSES)[number][]),
  }),
]);
export type SegmentAction = z.infer<typeof SegmentAction>;

export const SnapshotIdParams = z.object({ id: z.uuid('must be a snapshot id (UUID)').transform((s) => s.toLowerCase()) });
export const SnapshotMembersQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,9}\.\d{1,6}$/, 'must be a cursor returned by this endpoint')
    .optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1000),
});
export const SnapshotListQuery = ListQuery;

/** Points a history answer holds at most. */
export const MAX_HISTORY_POINTS = 1000;
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, like 2026-11-24T10:00:00Z' });

/** GET /v1/segments/:id/history: from (default 7 days before to), to (default now), step (hour, day or week); historyRange checks them together. */
export const HistoryQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  step: z.enum(HISTORY_STEPS, 'must be hour, day or week').default('hour'),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** The range a history query asks for, or the problems with it (a range ending before it starts, too many points). */
export function historyRange(q: HistoryQuery): { from: Date; to: Date; step: HistoryQuery['step'] } | { problems: { field: string; rule: string }[] } {
  const to = q.to !== undefined ? new Date(q.to) : new Date();
  const from = q.from !== undefined ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
  if (from.getTime() >= to.getTime()) return { problems: [{ field: 'query.from', rule: `must be before to (${to.toISOString()})` }] };
  const points = Math.ceil((to.getTime() - from.getTime()) / STEP_MS[q.step]);
  if (points > MAX_HISTORY_POINTS)
    return {
      problems: [
        {
          field: 'query.step',
          rule: `makes ${points} points from ${from.toISOString()} to ${to.toISOString()}; an answer holds at most ${MAX_HISTORY_POINTS} (a shorter range or a longer step)`,
        },
      ],
    };
  return { from, to, step: q.step };
}
