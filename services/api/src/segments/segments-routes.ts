// /v1/segments: saved segments (create, read, update, delete, list), and counting and previewing
// segments, saved or ad hoc (a JSON tree or the text language), from the search index.
import { Router } from 'express';
import { z } from 'zod';
import { Condition, contactDocument, inTransaction, Logger, matchesDocument, onCommit, Pool, visibleText } from '@segmenter/shared';
import { ContactIdParams } from '../contacts/contact-schemas';
import { loadSnapshots } from '../contacts/contacts-store';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { ConsistencyDependencies, consistencyQueryFields, ensureConsistent } from '../consistency/consistency-check';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors/app-error';
import { textKeyedPage } from '../http/list-keys';
import { ListQuery } from '../http/list-page';
import { idempotent } from '../http/idempotency';
import { parseRequestPart } from '../http/validate';
import type { JobRunner } from '../jobs/job-runner';
import { insertJob } from '../jobs/jobs-store';
import { resolveTags } from '../tags/tags-service';
import { insertSnapshot, SNAPSHOT_JOB } from './audience-snapshots';
import { SEGMENT_ACTION_JOB, SegmentAction, SegmentActionState } from './segment-actions';
import { streamMembers } from './member-stream';
import { MembersQuery, MembersRequest } from './member-requests';
import { countSegments, previewSegment } from './segment-counts';
import { checkSegmentsUsing, expandFrom, resolveCondition, segmentText, treeOfQuery } from './segment-resolver';
import { deleteSegment, findSegment, insertSegment, listSegments, lockSegments, pageSegments, SegmentRow, segmentsReferring, updateSegment } from './segments-store';

// Names people read back (lists, 409 details): only characters they can see (visible-text.ts).
const name = visibleText(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));
const description = visibleText(z.string().max(2000, 'must be at most 2000 characters'), { lineBreaks: true });
const text = z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters');
/** Either a JSON tree (tag ids) or text (tag names); the resolver checks exactly one is there. */
const conditionInput = { condition: z.unknown().optional(), text: text.optional() };

export const CreateSegmentRequest = z.strictObject({ name, description: description.optional(), ...conditionInput });
export const UpdateSegmentRequest = z.strictObject({ name: name.optional(), description: description.nullable().optional(), ...conditionInput });
export const SegmentIdParams = z.object({ id: z.uuid('must be a segment id (UUID)').transform((s) => s.toLowerCase()) });
export const SegmentQuery = z.union([
  z.strictObject({ segmentId: z.uuid('must be a segment id (UUID)').transform((s) => s.toLowerCase()) }),
  z.strictObject(conditionInput),
]);
export const MAX_COUNTS_PER_REQUEST = 50;
export const MAX_PREVIEW = 100;

/** A query's own failure, kept in its place in a multi-query answer; anything else is our bug. */
function asQueryProblem(err: unknown): AppError {
  if (err instanceof AppError) return err;
  throw err;
}

export function segmentsRoutes(deps: ConsistencyDependencies, log: Logger, jobs?: JobRunner): Router {
  const { pool, es, alias } = deps;
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const CountRequest = z.strictObject({
    queries: z.array(z.unknown()).min(1, 'must hold at least one query').max(MAX_COUNTS_PER_REQUEST, `must hold at most ${MAX_COUNTS_PER_REQUEST} queries`),
    ...consistencyQueryFields(deps.maxWaitMs),
  });
  const PreviewRequest = z.strictObject({
    query: z.unknown(),
    limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PREVIEW, `must be at most ${MAX_PREVIEW}`).default(20),
    ...consistencyQueryFields(deps.maxWaitMs),
  });

  const present = async (workspaceId: string, s: SegmentRow) => ({ ...s, text: await segmentText(pool, workspaceId, s.condition, s.broken) });

  /** A saved segment (expanded) or an ad hoc condition, as the tree to compile. */
  async function treeOf(workspaceId: string, raw: unknown, at: string) {
    return treeOfQuery(pool, workspaceId, parseRequestPart(SegmentQuery, at, raw), at);
  }

  router.post('/count', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const body = parseRequestPart(CountRequest, 'body', req.body);
    // Each query stands alone: one that cannot be counted answers its own problem (status and
    // errors) in its place, and the others are still counted.
    const resolved: (Condition | AppError)[] = [];
    for (const [i, q] of body.queries.entries()) resolved.push(await treeOf(workspaceId, q, `body.queries.${i}`).catch(asQueryProblem));
    const consistency = await ensureConsistent(deps, workspaceId, body, res);
    const started = performance.now();
    const results = await countSegments(es, alias, workspaceId, resolved, (i) => `body.queries.${i}`, log);
    res.json({ results, tookMs: Math.round(performance.now() - started), ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}) });
  });

  router.post('/preview', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const body = parseRequestPart(PreviewRequest, 'body', req.body);
    const tree = await treeOf(workspaceId, body.query, 'body.query');
    await ensureConsistent(deps, workspaceId, body, res);
    const started = performance.now();
    const preview = await previewSegment(es, alias, workspaceId, tree, body.limit);
    res.json({ ...preview, tookMs: Math.round(performance.now() - started) });
  });

  router.get('/:id/members', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const options = parseRequestPart(MembersQuery, 'query', req.query);
    const tree = await treeOf(workspaceId, { segmentId: id }, 'params');
    await streamMembers({ pool, es, alias }, { tree, workspaceId, ...options }, res, log);
  });

  /** Freezes the members, then applies the action to them chunk by chunk (a job). */
  async function startAction(workspaceId: string, segmentId: string | null, tree: Condition, rawAction: unknown) {
    const action = parseRequestPart(SegmentAction, 'body', rawAction);
    return inTransaction(pool, async (client) => {
      if (action.action === 'add_tags' || action.action === 'remove_tags') await resolveTags(client, workspaceId, { tagIds: action.tagIds }, 'remove');
      const snapshotId = await insertSnapshot(client, workspaceId, segmentId, tree);
      const state: SegmentActionState = { snapshotId, pit: null, after: null, chunk: 0, phase: 'freeze', action, applyCursor: null, changed: 0, skipped: 0 };
      const job = await insertJob(client, workspaceId, SEGMENT_ACTION_JOB, state, null);
      onCommit(client, () => jobs?.nudge()); // a runner woken before the commit would not see the job
      return job;
    });
  }

  router.post('/:id/actions', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const tree = await treeOf(workspaceId, { segmentId: id }, 'params');
    const job = await startAction(workspaceId, id, tree, req.body);
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  router.post('/actions', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { query, ...action } = (req.body ?? {}) as { query?: unknown };
    const tree = await treeOf(workspaceId, query, 'body.query');
    const job = await startAction(workspaceId, null, tree, action);
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  router.post('/snapshots', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const body = parseRequestPart(z.strictObject({ query: z.unknown() }), 'body', req.body);
    const tree = await treeOf(workspaceId, body.query, 'body.query');
    res.status(202).json(await startSnapshot(workspaceId, null, tree));
  });

  router.post('/members', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const body = parseRequestPart(MembersRequest, 'body', req.body);
    const tree = await treeOf(workspaceId, body.query, 'body.query');
    await streamMembers({ pool, es, alias }, { tree, workspaceId, format: body.format, fields: body.fields, after: body.after }, res, log);
  });

  router.post('/:id/snapshots', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const tree = await treeOf(workspaceId, { segmentId: id }, 'params');
    res.status(202).json(await startSnapshot(workspaceId, id, tree));
  });

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

  router.post('/', write, idempotent(pool), async (req, res) => {
    const workspaceId = workspaceOf(res);
    const body = parseRequestPart(CreateSegmentRequest, 'body', req.body);
    const { saved, warnings } = await inTransaction(pool, async (client) => {
      // Same lock as update and delete: a segment this one refers to cannot be deleted meanwhile.
      await lockSegments(client, workspaceId);
      const resolved = await resolveCondition(client, workspaceId, body, { at: 'body', forSaving: true });
      const saved = await insertSegment(client, workspaceId, { name: body.name, description: body.description, condition: resolved.stored, references: resolved.references });
      return { saved, warnings: resolved.warnings };
    });
    res.status(201).location(`/v1/segments/${saved.id}`).json({ ...(await present(workspaceId, saved)), warnings });
  });

  router.get('/', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const query = parseRequestPart(ListQuery, 'query', req.query);
    const page = await textKeyedPage(query, 'segments', (range) => pageSegments(pool, workspaceId, range), (s) => s.name);
    res.json({ items: await Promise.all(page.items.map((s) => present(workspaceId, s))), nextCursor: page.nextCursor });
  });

  router.get('/:id', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const saved = await findSegment(pool, workspaceId, id);
    if (!saved) throw new NotFoundError(`Segment ${id}`);
    res.json(await present(workspaceId, saved));
  });

  router.patch('/:id', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const body = parseRequestPart(UpdateSegmentRequest, 'body', req.body);
    const { saved, warnings } = await inTransaction(pool, async (client) => {
      // Serialise changes to segments of a workspace, so two updates cannot create a cycle together.
      await lockSegments(client, workspaceId);
      if (!(await findSegment(client, workspaceId, id))) throw new NotFoundError(`Segment ${id}`);
      const changesCondition = body.condition !== undefined || body.text !== undefined;
      const resolved = changesCondition ? await resolveCondition(client, workspaceId, body, { at: 'body', forSaving: true, selfId: id }) : undefined;
      const updated = await updateSegment(client, workspaceId, id, { name: body.name, description: body.description, condition: resolved?.stored, references: resolved?.references });
      // Segments that use this one must still fit the limits once it is expanded inside them.
      if (resolved) await checkSegmentsUsing(client, workspaceId, id, `body.${body.text !== undefined ? 'text' : 'condition'}`);
      return { saved: updated!, warnings: resolved?.warnings ?? [] };
    });
    res.json({ ...(await present(workspaceId, saved)), warnings });
  });

  router.delete('/:id', write, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    await inTransaction(pool, async (client) => {
      await lockSegments(client, workspaceId);
      const referring = await segmentsReferring(client, workspaceId, id);
      if (referring.length > 0) {
        throw new ConflictError(`Segment ${id} is used by other segments: ${referring.map((r) => r.name).join(', ')}; change them first`, [
          { field: 'params.id', rule: `is used by saved segments ${referring.map((r) => `${JSON.stringify(r.name)} (${r.id})`).join(', ')}; change them first` },
        ]);
      }
      if (!(await deleteSegment(client, workspaceId, id))) throw new NotFoundError(`Segment ${id}`);
    });
    res.status(204).end();
  });

  return router;
}

/**
 * GET /v1/contacts/:id/segments: the saved segments a contact is in, for its profile. Evaluated in
 * memory against the contact's document built from Postgres (so it reflects the latest write
 * without waiting for the index), every segment in one pass, no query per segment.
 */
export function contactSegmentsRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/:id/segments', requireApiKey(pool, 'read'), async (req, res) => {
    const workspaceId = workspaceOf(res);
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    const [snapshot] = await loadSnapshots(pool, workspaceId, [id]);
    if (!snapshot) throw new NotFoundError(`Contact ${id}`);
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
    res.json({ contactId: id, deleted: document.deleted, items });
  });
  return router;
}
