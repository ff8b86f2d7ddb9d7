// GET /v1/analytics/...: a workspace's numbers from search index aggregations (analytics-service).
// Each accepts a consistency token to read its own writes. Routes parse, call the service and answer.
import { Response, Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { retryAfterIfNotYetConsistent } from '../consistency/retry-after-not-yet-consistent';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { LabelKeyParams } from '../labels/label-schemas';
import { ChannelsQuery, ContactsCreatedQuery, LabelsQuery, SegmentCountsQuery, TagsQuery } from './analytics-schemas';
import type { AnalyticsService } from './analytics-service';

/** `maxWaitMs` bounds how long a request may wait for its writes (config). */
export function analyticsRoutes(service: AnalyticsService, pool: Pool, maxWaitMs: number): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const Query = {
    channels: ChannelsQuery(maxWaitMs),
    tags: TagsQuery(maxWaitMs),
    labels: LabelsQuery(maxWaitMs),
    contactsCreated: ContactsCreatedQuery(maxWaitMs),
    segments: SegmentCountsQuery(maxWaitMs),
  };
  /** Answers the one service call, with Retry-After when the token's writes are not searchable yet. */
  const answer = async (res: Response, call: () => Promise<unknown>) => {
    res.json(await retryAfterIfNotYetConsistent(res, call));
  };

  router.get('/channels', read, async (req, res) => {
    const query = parseRequestPart(Query.channels, 'query', req.query);
    await answer(res, () => service.channels(workspaceOf(res), query));
  });
  router.get('/tags', read, async (req, res) => {
    const query = parseRequestPart(Query.tags, 'query', req.query);
    await answer(res, () => service.tags(workspaceOf(res), query));
  });
  router.get('/labels', read, async (req, res) => {
    const query = parseRequestPart(Query.labels, 'query', req.query);
    await answer(res, () => service.labelKeys(workspaceOf(res), query));
  });
  router.get('/labels/:key/values', read, async (req, res) => {
    const { key } = parseRequestPart(LabelKeyParams, 'params', req.params);
    const query = parseRequestPart(Query.labels, 'query', req.query);
    await answer(res, () => service.labelValues(workspaceOf(res), key, query));
  });
  router.get('/contacts-created', read, async (req, res) => {
    const query = parseRequestPart(Query.contactsCreated, 'query', req.query);
    await answer(res, () => service.contactsCreated(workspaceOf(res), query));
  });
  router.get('/segments', read, async (req, res) => {
    const query = parseRequestPart(Query.segments, 'query', req.query);
    await answer(res, () => service.segmentCounts(workspaceOf(res), query));
  });
  return router;
}
