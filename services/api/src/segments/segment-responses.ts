// The segment side of the document: the request shapes whose `condition` the routes take as unknown
// and resolve themselves (shown as the one recursive Condition component), and the answers of
// segments/ (saved segments, counts, previews, a contact's segments).
import { z } from 'zod';
import { CONDITION_KINDS, EMAIL_STATUSES, PHONE_STATUSES } from '@segmenter/shared';
import { Waited } from '../consistency/consistency-responses';
import { FieldProblem } from '../errors/problem';
import { answer, pageOf, ref, timestamp, uuid } from '../http/answer-schemas';
import { SegmentAction } from './segment-schemas';

export const conditionRef = ref('Condition');

/** Text in the segment language (tag names), the alternative to a JSON condition tree. */
const segmentText = z.string().min(1).max(20_000);

/** What a count, preview, stream, snapshot or action runs: a saved segment, or an ad hoc condition (tree or text). */
export const SegmentQuery = z.union([
  z.strictObject({ segmentId: uuid }),
  z.strictObject({ condition: conditionRef.optional(), text: segmentText.optional() }),
]);

/** An ad hoc bulk action: the query plus one action's fields. */
export const AdHocSegmentAction = z.union(SegmentAction.options.map((option) => option.extend({ query: SegmentQuery })) as unknown as [z.ZodType, z.ZodType]);

export const Segment = answer({
  id: uuid,
  name: z.string(),
  description: z.string().nullable(),
  /** The stored tree (tags by id). */
  condition: conditionRef,
  /** The same condition in the segment language, with the current tag names. */
  text: z.string(),
  referencesSegments: z.array(uuid),
  /** Set when a forced delete removed something the condition names: counting or streaming it is a 409 until it is edited. */
  broken: answer({
    reason: z.string(),
    missing: z.array(z.union([answer({ kind: z.literal('tag'), id: uuid, name: z.string() }), answer({ kind: z.literal('customField'), key: z.string() })])),
    since: timestamp,
  }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** In the list only: the first and last count recorded in the last 7 days (segment-history.ts), null before any was. */
  change7d: answer({ from: z.number().int(), to: z.number().int(), delta: z.number().int(), since: timestamp }).nullable().optional(),
});
export const SegmentList = pageOf(Segment);
/** GET /v1/segments/:id/history: the last count recorded in each step of the range. */
export const SegmentHistoryAnswer = answer({
  segmentId: uuid,
  from: timestamp,
  to: timestamp,
  step: z.enum(['hour', 'day', 'week']),
  points: z.array(
    answer({ at: timestamp, recordedAt: timestamp, total: z.number().int(), sendable: answer({ email: z.number().int(), phone: z.number().int() }) }),
  ),
});
/** A saved segment as a create or update answers it, with what deserves a look (label keys no contact has yet). */
export const SavedSegment = Segment.extend({ warnings: z.array(FieldProblem) });

const Sendable = answer({ email: z.number().int(), phone: z.number().int() });
export const SegmentCount = answer({ total: z.number().int(), sendable: Sendable });
/** A query of a multi-query count that could not be counted: its own problem, in its place. */
export const QueryProblem = answer({ status: z.number().int(), title: z.string(), detail: z.string(), errors: z.array(FieldProblem) });
export const CountAnswer = answer({
  results: z.array(z.union([SegmentCount, QueryProblem])),
  tookMs: z.number().int(),
  consistency: Waited.optional(),
});
export const PreviewAnswer = SegmentCount.extend({
  contacts: z.array(
    answer({
      id: uuid,
      email: z.string().nullable(),
      phone: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      emailStatus: z.enum(EMAIL_STATUSES),
      phoneStatus: z.enum(PHONE_STATUSES),
      createdAt: timestamp,
    }),
  ),
  tookMs: z.number().int(),
});

const int = z.number().int();
/**
 * One node of an explained segment (segment-explain.ts), mirroring the condition tree: the
 * recursive ExplainNode component of the document, which ExplainAnswer.tree refers to.
 */
export const ExplainNode: z.ZodType = z.lazy(() =>
  answer({
    kind: z.enum(CONDITION_KINDS as [string, ...string[]]),
    text: z.string(),
    span: answer({ start: int, end: int, line: int, column: int }).optional(),
    count: int,
    conditions: z.array(ExplainNode).optional(),
    funnel: z.array(answer({ remaining: int, removed: int })).optional(),
    biggestCut: int.optional(),
    union: z.array(answer({ total: int, added: int })).optional(),
    condition: ExplainNode.optional(),
    segment: answer({ id: uuid, name: z.string() }).optional(),
    expanded: ExplainNode.optional(),
  }),
);
export const ExplainAnswer = answer({ tree: ref('ExplainNode'), contacts: int, searches: int, tookMs: int, consistency: Waited.optional() });

export const ContactSegments = answer({ contactId: uuid, deleted: z.boolean(), items: z.array(answer({ id: uuid, name: z.string() })) });
