// /v1/segments: saved segments (create, read, update, delete, list), and counting, previewing,
// streaming, freezing and acting on segments, saved or ad hoc (a JSON tree or the text language).
// Each route parses its request, makes one call to the segments service and answers.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { ContactIdParams } from '../contacts/contact-schemas';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { retryAfterIfNotYetConsistent } from '../consistency/retry-after-not-yet-consistent';
import { ListQuery } from '../http/list-page';
import { idempotent } from '../http/idempotency';
import { parseRequestPart } from '../http/validate';
import {
  AdHocSnapshotRequest,
  countRequest,
  CreateSegmentRequest,
  explainRequest,
  MembersQuery,
  MembersRequest,
  previewRequest,
  HistoryQuery,
  SegmentIdParams,
  UpdateSegmentRequest,
} from './segment-schemas';
import type { SegmentsService } from './segments-service';
import { DryRunQuery } from '../dependencies/dependency-schemas';

/** `maxWaitMs` bounds how long a count or a preview may wait for read-your-writes (config). */
export function segmentsRoutes(segments: SegmentsService, pool: Pool, maxWaitMs: number): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const CountRequest = countRequest(maxWaitMs);
  const PreviewRequest = previewRequest(maxWaitMs);
  const ExplainRequest = explainRequest(maxWaitMs);

  router.post('/count', read, async (req, res) => {
    const body = parseRequestPart(CountRequest, 'body', req.body);
    // `Cache-Control: no-cache` asks for counts made now, as HTTP means it: revalidated, not served from a cache.
    const noCache = /(^|[\s,])no-cache($|[\s,;=])/i.test(req.get('cache-control') ?? '');
    res.json(await retryAfterIfNotYetConsistent(res, () => segments.count(workspaceOf(res), body, { noCache })));
  });

  router.post('/preview', read, async (req, res) => {
    const body = parseRequestPart(PreviewRequest, 'body', req.body);
    res.json(await retryAfterIfNotYetConsistent(res, () => segments.preview(workspaceOf(res), body)));
  });

  router.post('/explain', read, async (req, res) => {
    const body = parseRequestPart(ExplainRequest, 'body', req.body);
    res.json(await retryAfterIfNotYetConsistent(res, () => segments.explain(workspaceOf(res), body)));
  });

  router.get('/:id/history', read, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const query = parseRequestPart(HistoryQuery, 'query', req.query);
    res.json(await segments.history(workspaceOf(res), id, query));
  });

  router.get('/:id/members', read, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const options = parseRequestPart(MembersQuery, 'query', req.query);
    await segments.streamMembers(workspaceOf(res), { segmentId: id }, 'params', options, res);
  });

  router.post('/members', read, async (req, res) => {
    const { query, ...options } = parseRequestPart(MembersRequest, 'body', req.body);
    await segments.streamMembers(workspaceOf(res), query, 'body.query', options, res);
  });

  // The action is checked by the service after the query (a missing segment answers first).
  router.post('/:id/actions', write, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const job = await segments.startAction(workspaceOf(res), id, { segmentId: id }, 'params', req.body);
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  router.post('/actions', write, async (req, res) => {
    const { query, ...action } = (req.body ?? {}) as { query?: unknown };
    const job = await segments.startAction(workspaceOf(res), null, query, 'body.query', action);
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  router.post('/snapshots', write, async (req, res) => {
    const body = parseRequestPart(AdHocSnapshotRequest, 'body', req.body);
    res.status(202).json(await segments.startSnapshot(workspaceOf(res), null, body.query, 'body.query'));
  });

  router.post('/:id/snapshots', write, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    res.status(202).json(await segments.startSnapshot(workspaceOf(res), id, { segmentId: id }, 'params'));
  });

  router.post('/', write, idempotent(pool), async (req, res) => {
    const body = parseRequestPart(CreateSegmentRequest, 'body', req.body);
    const saved = await segments.create(workspaceOf(res), body);
    res.status(201).location(`/v1/segments/${saved.id}`).json(saved);
  });

  router.get('/', read, async (req, res) => {
    const query = parseRequestPart(ListQuery, 'query', req.query);
    res.json(await segments.list(workspaceOf(res), query));
  });

  router.get('/:id', read, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    res.json(await segments.get(workspaceOf(res), id));
  });

  router.patch('/:id', write, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    const { dryRun } = parseRequestPart(DryRunQuery, 'query', req.query);
    const body = parseRequestPart(UpdateSegmentRequest, 'body', req.body);
    res.json(await (dryRun ? segments.previewUpdate(workspaceOf(res), id, body) : segments.update(workspaceOf(res), id, body)));
  });

  router.delete('/:id', write, async (req, res) => {
    const { id } = parseRequestPart(SegmentIdParams, 'params', req.params);
    if (parseRequestPart(DryRunQuery, 'query', req.query).dryRun) {
      res.json(await segments.previewDelete(workspaceOf(res), id));
      return;
    }
    await segments.delete(workspaceOf(res), id);
    res.status(204).end();
  });

  return router;
}

/** GET /v1/contacts/:id/segments: the saved segments a contact is in, for its profile. */
export function contactSegmentsRoutes(segments: SegmentsService, pool: Pool): Router {
  const router = Router();
  router.get('/:id/segments', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    res.json(await segments.contactSegments(workspaceOf(res), id));
  });
  return router;
}
