// The answer of every dry run (`?dryRun=true` on deleting or renaming a tag, a custom field or a
// segment, and on the label hygiene jobs): what the change would do, the saved segments it
// touches with their counts now, how many contacts it would rewrite, and the 409 the request
// would answer instead, if any. Counts go through the api's segment counter: one _msearch for
// all of them, workspace-scoped, served from the count cache when the index is unchanged.
import type { Condition, Pool, Queryable } from '@segmenter/shared';
import { AppError } from '../errors/app-error';
import { createResolutionContext } from '../segments/resolution-context';
import { problemOf, QueryProblem, SegmentCount, SegmentCounter } from '../segments/segment-counts';
import { treesOfQueries } from '../segments/segment-resolver';
import { MAX_COUNTS_PER_REQUEST } from '../segments/segment-schemas';
import { listSegments, SegmentRow } from '../segments/segments-store';
import { DependentSegment, describeDependents } from './dependent-segments';

/**
 * What the change does to a segment when it goes ahead (for a delete refused without force=true,
 * what force=true would do): marked_broken (it names what is deleted), uses_broken (it refers to
 * one that is), blocks (the change is refused while it exists), rewritten (its condition is
 * rewritten to the new name), text_changes (its text shows a new tag name), stale (it keeps
 * naming the old label key or values, which contacts lose), follows_change (it still names the
 * same thing, whose members change), unchanged.
 */
export const SEGMENT_EFFECTS = ['marked_broken', 'uses_broken', 'blocks', 'rewritten', 'text_changes', 'stale', 'follows_change', 'unchanged'] as const;
export type SegmentEffect = (typeof SEGMENT_EFFECTS)[number];

/** One affected segment, with what happens to it. */
export type AffectedSegment = DependentSegment & { effect: SegmentEffect };

export interface ChangePlan {
  /** `tag.delete`, `labelKey.rename`, ...: what was previewed. */
  operation: string;
  /** The thing changed, as the answer names it. */
  subject: Record<string, unknown>;
  /** Which trees name it (each saved segment's own condition is asked). */
  uses: (tree: Condition) => boolean;
  /** What happens to each dependent segment. */
  effect: (segment: DependentSegment & { segment: SegmentRow }) => SegmentEffect;
  /** Contacts the change would rewrite (null where that is not cheap to know). */
  contactsAffected: number | null;
  /** The 409 the request would answer instead of going ahead, or null. */
  refusal: AppError | null;
}

export interface CountedSegment extends AffectedSegment {
  /** Its count now, or null when it could not be counted (countProblem says why) or was beyond the counted ones. */
  count: SegmentCount | null;
  countProblem: QueryProblem | null;
}

/** The affected segments of `uses`, each with its effect, without counts (a job's start lists them). */
export async function affectedSegments(db: Queryable, workspaceId: string, uses: ChangePlan['uses'], effect: ChangePlan['effect']): Promise<AffectedSegment[]> {
  return describeDependents(await listSegments(db, workspaceId), uses).map(({ segment, ...d }) => ({ ...d, effect: effect({ ...d, segment }) }));
}

export function createChangePreviewer(deps: { pool: Pool; counter: SegmentCounter }) {
  const { pool, counter } = deps;

  /**
   * Counts up to MAX_COUNTS_PER_REQUEST segments in one search (direct ones first); the rest answer
   * count: null. The counts only inform the preview: when the counter refuses the whole search (too
   * costly, the key's search budget spent, the index timed out), every counted segment answers that
   * problem as its countProblem, named by its own place (`segments.<i>`, as the answer lists them;
   * the request has no `queries`), and the preview is answered all the same.
   */
  async function countsOf(workspaceId: string, segments: readonly { id: string }[]): Promise<(SegmentCount | QueryProblem | null)[]> {
    const counted = segments.slice(0, MAX_COUNTS_PER_REQUEST);
    if (counted.length === 0) return [];
    const fieldOf = (i: number) => `segments.${i}`;
    const trees = await treesOfQueries(
      createResolutionContext(workspaceId, pool),
      counted.map((s, i) => ({ query: { segmentId: s.id }, at: fieldOf(i) })),
    );
    let results: (SegmentCount | QueryProblem | null)[];
    try {
      results = await counter.count(workspaceId, trees, fieldOf);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const problem = problemOf(err);
      results = counted.map((_, i) => ({ ...problem, errors: problem.errors.map((e) => ({ ...e, field: fieldOf(i) })) }));
    }
    return [...results, ...segments.slice(counted.length).map(() => null)];
  }

  return {
    async preview(workspaceId: string, plan: ChangePlan) {
      const affected = await affectedSegments(pool, workspaceId, plan.uses, plan.effect);
      const counts = await countsOf(workspaceId, affected);
      const segments: CountedSegment[] = affected.map((s, i) => {
        const count = counts[i] ?? null;
        return { ...s, count: count && !('status' in count) ? count : null, countProblem: count && 'status' in count ? count : null };
      });
      return {
        dryRun: true as const,
        operation: plan.operation,
        subject: plan.subject,
        refusal: plan.refusal ? problemOf(plan.refusal) : null,
        contactsAffected: plan.contactsAffected,
        segments,
        /** Affected segments beyond the MAX_COUNTS_PER_REQUEST counted (their count is null). */
        uncounted: Math.max(0, affected.length - MAX_COUNTS_PER_REQUEST),
      };
    },
  };
}
export type ChangePreviewer = ReturnType<typeof createChangePreviewer>;
/** What a dry run answers. */
export type ChangePreview = Awaited<ReturnType<ChangePreviewer['preview']>>;
/** What the dry-run part of a write service needs: the previewer, given once the counter exists. */
export type PreviewChange = ChangePreviewer['preview'];
