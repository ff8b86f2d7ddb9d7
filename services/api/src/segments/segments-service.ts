// The segments feature behind its routes: saved segments (create, read, update, delete, list),
// counts, previews, member streams, snapshots and bulk actions. It owns the transactions, the
// segments lock and job creation; each request resolves its queries through one ResolutionContext.
import type { Response } from 'express';
import { Condition, contactDocument, inTransaction, Logger, matchesDocument, onCommit } from '@segmenter/shared';
import { ConsistencyDependencies, ensureConsistent } from '../consistency/consistency-check';
import { loadSnapshots } from '../contacts/contacts-store';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error';
import { textKeyedPage } from '../http/list-keys';
import type { ListQuery } from '../http/list-page';
import { checkRequestPart, parseRequestPart } from '../http/validate';
import type { JobRunner } from '../jobs/job-runner';
import { insertJob } from '../jobs/jobs-store';
import { resolveTags } from '../tags/tags-service';
import { insertSnapshot, SNAPSHOT_JOB } from './audience-snapshots';
import { streamMembers } from './member-stream';
import { createResolutionContext, ResolutionContext } from './resolution-context';
import { SEGMENT_ACTION_JOB, SegmentActionState } from './segment-actions';
import { previewSegment, SegmentCounter } from './segment-counts';
import { explainSegment } from './segment-explain';
import { tagIdsOf } from './segment-dependencies';
import { createChangePreviewer } from '../dependencies/change-preview';
import { inRolledBackTransaction } from '../dependencies/rehearsal';
import { previewSegmentChange } from '../dependencies/segment-change-preview';
import { checkSegmentsUsing, expandFrom, queryToExplain, resolveCondition, segmentText, treeOfQuery, treesOfQueries } from './segment-resolver';
import {
  CountRequest,
  CreateSegmentRequest,
  ExplainRequest,
  historyRange,
  HistoryQuery,
  MembersQuery,
  PreviewRequest,
  SegmentAction,
  SegmentQuery,
  UpdateSegmentRequest,
} from './segment-schemas';
import { historySeries, weekChanges } from './segment-history-store';
import {
  deleteSegment,
  findSegment,
  insertSegment,
  listSegments,
  lockSegments,
  pageSegments,
  SegmentRow,
  segmentsReferring,
  updateSegment,
} from './segments-store';

export interface SegmentsServiceDependencies {
  /** Postgres, the index, and how long reads may wait for read-your-writes. */
  search: ConsistencyDependencies;
  /** Counts, cached per workspace index state (segment-counts.ts). */
  counter: SegmentCounter;
  log: Logger;
  /** Nudged when a snapshot or an action is queued, so it starts without waiting for the next poll. */
  jobs?: Pick<JobRunner, 'nudge'>;
}

/** Where a query came from in the request, for its errors: `body.query`, `body.queries.3`, `params`. */
type QueryAt = string;

export function createSegmentsService(deps: SegmentsServiceDependencies) {
  const { pool, es, alias } = deps.search;
  /** Dry runs of an update or a delete (dependencies/change-preview.ts). */
  const previewer = createChangePreviewer({ pool, counter: deps.counter });
  const { log, jobs } = deps;

  /** A saved segment (expanded) or an ad hoc condition, as the tree to compile. */
  const treeOf = (context: ResolutionContext, raw: unknown, at: QueryAt) => treeOfQuery(context, parseRequestPart(SegmentQuery, at, raw), at);

  /** A saved segment as answered: its row and its text with current tag names (read after any write committed). */
  const present = async (context: ResolutionContext, s: SegmentRow) => ({ ...s, text: await segmentText(context, s.condition, s.broken) });

  /** Queues the freeze; the job's progress is at /v1/jobs/:id, the snapshot's at /v1/snapshots/:id. */
  async function startSnapshot(workspaceId: string, segmentId: string | null, tree: Condition) {
    const { snapshotId, job } = await inTransaction(pool, async (client) => {
      const snapshotId = await insertSnapshot(client, workspaceId, segmentId, tree);
      const job = await insertJob(client, workspaceId, SNAPSHOT_JOB, { snapshotId, pit: null, after: null, chunk: 0 }, null);
      return { snapshotId, job };
    });
    jobs?.nudge();
    return { snapshot: { id: snapshotId, status: 'building' }, job };
  }

  return {
    /**
     * Counts up to MAX_COUNTS_PER_REQUEST queries in one search. Each query stands alone: one that
     * cannot be counted answers its own problem (status and errors) in its place, and the others
     * are still counted. NotYetConsistentError when the token's writes are not searchable within the wait.
     */
    async count(workspaceId: string, body: CountRequest, options: { noCache?: boolean } = {}) {
      const fieldOf = (i: number) => `body.queries.${i}`;
      const queries = body.queries.map((raw, i) => {
        const checked = checkRequestPart(SegmentQuery, fieldOf(i), raw);
        return { query: checked.ok ? checked.data : new ValidationError(checked.problems), at: fieldOf(i) };
      });
      const resolved = await treesOfQueries(createResolutionContext(workspaceId, pool), queries);
      const consistency = await ensureConsistent(deps.search, workspaceId, body);
      const started = performance.now();
      // A caller that waited for a write gets a count made after it, never one cached or in flight
      // before; so does one that asked for no cache.
      const results = await deps.counter.count(workspaceId, resolved, fieldOf, { fresh: consistency !== undefined || options.noCache === true });
      return { results, tookMs: Math.round(performance.now() - started), ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}) };
    },

    async preview(workspaceId: string, body: PreviewRequest) {
      const tree = await treeOf(createResolutionContext(workspaceId, pool), body.query, 'body.query');
      await ensureConsistent(deps.search, workspaceId, body);
      const started = performance.now();
      const preview = await previewSegment(es, alias, workspaceId, tree, body.limit);
      return { ...preview, tookMs: Math.round(performance.now() - started) };
    },

    /**
     * Every node's count, each AND's funnel and each OR's additions, in one search (segment-explain.ts).
     * The query is resolved as a count resolves it, so the root's count is the count's total.
     */
    async explain(workspaceId: string, body: ExplainRequest) {
      const context = createResolutionContext(workspaceId, pool);
      const query = await queryToExplain(context, parseRequestPart(SegmentQuery, 'body.query', body.query), 'body.query');
      // Every tag the tree names (its saved segments' too) read in one statement, not once per node printed.
      const tagIds = tagIdsOf(expandFrom(query.savedSegments, query.stored, query.field));
      if (tagIds.length > 0) await context.tagNamesById(tagIds);
      const consistency = await ensureConsistent(deps.search, workspaceId, body);
      const started = performance.now();
      const explanation = await explainSegment({ es, alias, log }, workspaceId, query, (node) => segmentText(context, node));
      return { ...explanation, tookMs: Math.round(performance.now() - started), ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}) };
    },

    /** Streams the members into `res` (NDJSON or CSV); whatever can be refused is refused before the first byte. */
    async streamMembers(workspaceId: string, query: unknown, at: QueryAt, options: MembersQuery, res: Response): Promise<void> {
      const context = createResolutionContext(workspaceId, pool);
      const tree = await treeOf(context, query, at);
      await streamMembers({ pool, es, alias }, { tree, context, format: options.format, fields: options.fields, after: options.after }, res, log);
    },

    /**
     * Freezes the members, then applies the action to them chunk by chunk (a job). The action is
     * checked after the query, so a missing or broken segment is answered before a bad action.
     */
    async startAction(workspaceId: string, segmentId: string | null, query: unknown, at: QueryAt, rawAction: unknown) {
      const tree = await treeOf(createResolutionContext(workspaceId, pool), query, at);
      const action = parseRequestPart(SegmentAction, 'body', rawAction);
      return inTransaction(pool, async (client) => {
        if (action.action === 'add_tags' || action.action === 'remove_tags') await resolveTags(client, workspaceId, { tagIds: action.tagIds }, 'remove');
        const snapshotId = await insertSnapshot(client, workspaceId, segmentId, tree);
        const state: SegmentActionState = { snapshotId, pit: null, after: null, chunk: 0, phase: 'freeze', action, applyCursor: null, changed: 0, skipped: 0 };
        const job = await insertJob(client, workspaceId, SEGMENT_ACTION_JOB, state, null);
        onCommit(client, () => jobs?.nudge()); // a runner woken before the commit would not see the job
        return job;
      });
    },

    async startSnapshot(workspaceId: string, segmentId: string | null, query: unknown, at: QueryAt) {
      return startSnapshot(workspaceId, segmentId, await treeOf(createResolutionContext(workspaceId, pool), query, at));
    },

    async create(workspaceId: string, body: CreateSegmentRequest) {
      const { saved, warnings } = await inTransaction(pool, async (client) => {
        // Same lock as update and delete: a segment this one refers to cannot be deleted meanwhile.
        await lockSegments(client, workspaceId);
        const resolved = await resolveCondition(createResolutionContext(workspaceId, client), body, { at: 'body', forSaving: true });
        const saved = await insertSegment(client, workspaceId, {
          name: body.name,
          description: body.description,
          condition: resolved.stored,
          references: resolved.references,
        });
        return { saved, warnings: resolved.warnings };
      });
      return { ...(await present(createResolutionContext(workspaceId, pool), saved)), warnings };
    },

    async list(workspaceId: string, query: ListQuery) {
      const page = await textKeyedPage(
        query,
        'segments',
        (range) => pageSegments(pool, workspaceId, range),
        (s) => s.name,
      );
      const context = createResolutionContext(workspaceId, pool);
      // The tag names of the whole page in one statement, not one per segment.
      const tagIds = page.items.flatMap((s) => tagIdsOf(s.condition));
      if (tagIds.length > 0) await context.tagNamesById(tagIds);
      const changes = await weekChanges(
        pool,
        workspaceId,
        page.items.map((s) => s.id),
      );
      const items = await Promise.all(page.items.map(async (s) => ({ ...(await present(context, s)), change7d: changes.get(s.id) ?? null })));
      return { items, nextCursor: page.nextCursor };
    },

    /** The segment's recorded counts, the last of each step of the range (segment-history.ts records them). */
    async history(workspaceId: string, id: string, query: HistoryQuery) {
      const range = historyRange(query);
      if ('problems' in range) throw new ValidationError(range.problems);
      if (!(await findSegment(pool, workspaceId, id))) throw new NotFoundError(`Segment ${id}`);
      const points = await historySeries(pool, workspaceId, id, range.from, range.to, range.step);
      return { segmentId: id, from: range.from.toISOString(), to: range.to.toISOString(), step: range.step, points };
    },

    async get(workspaceId: string, id: string) {
      const saved = await findSegment(pool, workspaceId, id);
      if (!saved) throw new NotFoundError(`Segment ${id}`);
      return present(createResolutionContext(workspaceId, pool), saved);
    },

    /** With dryRun the update runs in a transaction rolled back (previewUpdate). */
    async update(workspaceId: string, id: string, body: UpdateSegmentRequest, options: { dryRun?: boolean } = {}) {
      const { saved, warnings } = await (options.dryRun ? inRolledBackTransaction : inTransaction)(pool, async (client) => {
        // Serialise changes to segments of a workspace, so two updates cannot create a cycle together.
        await lockSegments(client, workspaceId);
        if (!(await findSegment(client, workspaceId, id))) throw new NotFoundError(`Segment ${id}`);
        const changesCondition = body.condition !== undefined || body.text !== undefined;
        const resolved = changesCondition
          ? await resolveCondition(createResolutionContext(workspaceId, client), body, { at: 'body', forSaving: true, selfId: id })
          : undefined;
        const updated = await updateSegment(client, workspaceId, id, {
          name: body.name,
          description: body.description,
          condition: resolved?.stored,
          references: resolved?.references,
        });
        // Segments that use this one must still fit the limits once it is expanded inside them
        // (read again: the context read them before this update).
        if (resolved) await checkSegmentsUsing(client, workspaceId, id, `body.${body.text !== undefined ? 'text' : 'condition'}`);
        return { saved: updated!, warnings: resolved?.warnings ?? [] };
      });
      return { ...(await present(createResolutionContext(workspaceId, pool), saved)), warnings };
    },

    /** PATCH with dryRun: the segments that refer to this one, with their counts; nothing changed. */
    previewUpdate(workspaceId: string, id: string, body: UpdateSegmentRequest) {
      const rehearse = () => this.update(workspaceId, id, body, { dryRun: true });
      return previewSegmentChange(previewer.preview, workspaceId, id, 'segment.update', rehearse, () => findSegment(pool, workspaceId, id), { body, db: pool });
    },

    /** DELETE with dryRun: the segments that refer to this one (which refuse the delete), with their counts; nothing changed. */
    previewDelete(workspaceId: string, id: string) {
      const rehearse = () => this.delete(workspaceId, id, { dryRun: true });
      return previewSegmentChange(previewer.preview, workspaceId, id, 'segment.delete', rehearse, () => findSegment(pool, workspaceId, id));
    },

    /** With dryRun the delete runs in a transaction rolled back (previewDelete). */
    async delete(workspaceId: string, id: string, options: { dryRun?: boolean } = {}): Promise<void> {
      await (options.dryRun ? inRolledBackTransaction : inTransaction)(pool, async (client) => {
        await lockSegments(client, workspaceId);
        const referring = await segmentsReferring(client, workspaceId, id);
        if (referring.length > 0) {
          throw new ConflictError(`Segment ${id} is used by other segments: ${referring.map((r) => r.name).join(', ')}; change them first`, [
            {
              field: 'params.id',
              rule: `is used by saved segments ${referring.map((r) => `${JSON.stringify(r.name)} (${r.id})`).join(', ')}; change them first`,
            },
          ]);
        }
        if (!(await deleteSegment(client, workspaceId, id))) throw new NotFoundError(`Segment ${id}`);
      });
    },

    /**
     * The saved segments a contact is in, for its profile. Evaluated in memory against the
     * contact's document built from Postgres (so it reflects the latest write without waiting for
     * the index), every segment in one pass, no query per segment.
     */
    async contactSegments(workspaceId: string, contactId: string) {
      const [snapshot] = await loadSnapshots(pool, workspaceId, [contactId]);
      if (!snapshot) throw new NotFoundError(`Contact ${contactId}`);
      const document = contactDocument(snapshot);
      const segments = await listSegments(pool, workspaceId);
      const byId = new Map(segments.map((s) => [s.id, s]));
      const now = new Date();
      const items = segments
        .filter((s) => {
          if (s.broken) return false;
          try {
            return matchesDocument(expandFrom(byId, s.condition, 'segment', s.id), document, now);
          } catch (err) {
            // A broken segment (or one using it) matches no one; saving keeps every other segment
            // expandable, and one that is not (an older release) matches nothing either.
            if (err instanceof ValidationError || err instanceof ConflictError) return false;
            throw err;
          }
        })
        .map((s) => ({ id: s.id, name: s.name }));
      return { contactId, deleted: document.deleted, items };
    },
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
