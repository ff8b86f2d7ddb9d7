// Activity ingestion (one or a batch of up to 1000, a result per item) and a contact's history,
// newest first: parse, call the activities service, answer.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf } from '../http/request-principal';
import { ContactIdParams } from '../contacts/contact-schemas';
import { AppError } from '../errors/app-error';
import { idempotent } from '../http/idempotency';
import { parseRequestPart } from '../http/validate';
import type { ActivitiesService, BatchActivityResult } from './activities-service';
import { ActivityFields, ActivityHistoryQuery, BatchActivitiesRequest, BatchActivityItem } from './activity-schemas';

export function activitiesRoutes(service: ActivitiesService, pool: Pool): Router {
  const router = Router();
  router.post('/batch', requireApiKey(pool, 'write'), idempotent(pool), async (req, res) => {
    const workspaceId = principalOf(res).workspaceId;
    const { activities } = parseRequestPart(BatchActivitiesRequest, 'body', req.body);
    const refused: BatchActivityResult[] = [];
    const valid: { index: number; item: BatchActivityItem }[] = [];
    activities.forEach((raw, index) => {
      try {
        valid.push({ index, item: parseRequestPart(BatchActivityItem, `body.activities.${index}`, raw) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        refused.push({ index, status: 'error', errors: err.problems });
      }
    });
    const results = [...refused, ...(await service.recordBatch(workspaceId, valid))].sort((a, b) => a.index - b.index);
    const stored = results.filter((r) => r.status === 'stored').length;
    res.json({ summary: { stored, failed: activities.length - stored }, results });
  });
  return router;
}

export function contactActivitiesRoutes(service: ActivitiesService, pool: Pool): Router {
  const router = Router();
  router.post('/:id/activities', requireApiKey(pool, 'write'), idempotent(pool), async (req, res) => {
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    const fields = parseRequestPart(ActivityFields, 'body', req.body);
    const activityId = await service.record(principalOf(res).workspaceId, id, fields);
    res.status(201).json({ id: activityId, ...fields });
  });
  router.get('/:id/activities', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    const query = parseRequestPart(ActivityHistoryQuery, 'query', req.query);
    res.json(await service.history(principalOf(res).workspaceId, id, query));
  });
  return router;
}
