// Answers of GET /v1/dependencies and of every dry run (change-preview.ts): the saved segments that
// depend on something, and what a delete, rename or label hygiene job would do to them.
import { z } from 'zod';
import { answer, uuid } from '../http/answer-schemas';
import { QueryProblem, SegmentCount } from '../segments/segment-responses';
import { SEGMENT_EFFECTS } from './change-preview';

const SegmentLink = answer({ id: uuid, name: z.string() });

export const DependentSegment = answer({
  id: uuid,
  name: z.string(),
  /** direct: its own condition names the thing; indirect: it refers to a segment that depends on it. */
  dependency: z.enum(['direct', 'indirect']),
  /** For an indirect one: the dependent segments it refers to itself (the next step of each way there). */
  via: z.array(SegmentLink),
  broken: z.boolean(),
});

/** What GET /v1/dependencies was asked about, as found. */
const Subject = z.union([
  answer({ kind: z.literal('tag'), id: uuid, name: z.string() }),
  answer({ kind: z.literal('labelKey'), key: z.string(), contactCount: z.number().int() }),
  answer({ kind: z.literal('customField'), key: z.string(), type: z.string() }),
  answer({ kind: z.literal('segment'), id: uuid, name: z.string() }),
]);

export const DependenciesAnswer = answer({ subject: Subject, items: z.array(DependentSegment) });

/** A dependent segment with what the change does to it. */
export const AffectedSegment = DependentSegment.extend({ effect: z.enum(SEGMENT_EFFECTS) });

/** Every dry run's answer: nothing was changed, no job started, no event emitted. */
export const ChangePreview = answer({
  dryRun: z.literal(true),
  operation: z.string(),
  subject: z.record(z.string(), z.unknown()),
  /** The problem the request would answer instead of going ahead (a 409), or null when it would go ahead. */
  refusal: QueryProblem.nullable(),
  /** Contacts the change would rewrite; null where that is not cheap to know. */
  contactsAffected: z.number().int().nullable(),
  segments: z.array(
    AffectedSegment.extend({
      count: SegmentCount.nullable(),
      /** Why it could not be counted (a broken segment: 409), when it could not. */
      countProblem: QueryProblem.nullable(),
    }),
  ),
  /** Affected segments beyond the first 50, which are listed with count null. */
  uncounted: z.number().int(),
});
