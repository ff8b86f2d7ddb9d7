// /v1/jobs: progress of long work (tag deletion now; imports and bulk actions later).
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf } from '../http/request-principal';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { JobIdParams } from './job-schemas';
import type { JobsService } from './jobs-service';

export function jobsRoutes(service: JobsService, pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    res.json(await service.list(principalOf(res).workspaceId, parseRequestPart(ListQuery, 'query', req.query)));
  });
  router.get('/:id', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(JobIdParams, 'params', req.params);
    res.json(await service.get(principalOf(res).workspaceId, id));
  });
  return router;
}
