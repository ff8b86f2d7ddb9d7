// /v1/jobs: progress of long work (tag deletion now; imports and bulk actions later).
import { Router } from 'express';
import { z } from 'zod';
import type { Pool } from '@segmenter/shared';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { NotFoundError } from '../errors/app-error';
import { parseRequestPart } from '../http/validate';
import { findJob, listJobs } from './jobs-store';

const JobIdParams = z.object({ id: z.uuid('must be a job id (UUID)') });

export function jobsRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (_req, res) => {
    res.json({ items: await listJobs(pool, principalOf(res).workspaceId, 100) });
  });
  router.get('/:id', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(JobIdParams, 'params', req.params);
    const job = await findJob(pool, principalOf(res).workspaceId, id);
    if (!job) throw new NotFoundError(`Job ${id}`);
    res.json(job);
  });
  return router;
}
