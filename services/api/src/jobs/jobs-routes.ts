// /v1/jobs: progress of long work (tag deletion now; imports and bulk actions later).
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { NotFoundError } from '../errors/app-error';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { JobIdParams } from './job-schemas';
import { findJob, listJobs } from './jobs-store';

export function jobsRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    res.json(await listJobs(pool, principalOf(res).workspaceId, parseRequestPart(ListQuery, 'query', req.query)));
  });
  router.get('/:id', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(JobIdParams, 'params', req.params);
    const job = await findJob(pool, principalOf(res).workspaceId, id);
    if (!job) throw new NotFoundError(`Job ${id}`);
    res.json(job);
  });
  return router;
}
