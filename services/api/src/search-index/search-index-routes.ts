// Operator routes for the search index (Authorization: Bearer <OPERATOR_KEY>):
//   GET  /v1/admin/search-index            which indices serve reads and take writes
//   POST /v1/admin/search-index/rebuild    202 + job: new generation from Postgres, then swap
//   POST /v1/admin/search-index/reconcile  202 + job: compare with Postgres, `repair` to fix
//   GET  /v1/admin/search-index/jobs/:id   progress and, for a reconcile, its report
import { Router } from 'express';
import { requireOperator } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { JobIdParams } from '../jobs/job-schemas';
import type { SearchIndexService } from './search-index-service';
import { RebuildRequest, ReconcileRequest } from './search-index-schemas';

export function searchIndexRoutes(service: SearchIndexService, operatorKey: string | undefined): Router {
  const router = Router();
  router.use(requireOperator(operatorKey));
  router.get('/', async (_req, res) => {
    res.json(await service.state());
  });
  router.post('/rebuild', async (req, res) => {
    parseRequestPart(RebuildRequest, 'body', req.body ?? {});
    res.status(202).json(await service.startRebuild());
  });
  router.post('/reconcile', async (req, res) => {
    const body = parseRequestPart(ReconcileRequest, 'body', req.body ?? {});
    res.status(202).json(await service.startReconcile(body));
  });
  router.get('/jobs/:id', async (req, res) => {
    const { id } = parseRequestPart(JobIdParams, 'params', req.params);
    res.json(await service.job(id));
  });
  return router;
}
