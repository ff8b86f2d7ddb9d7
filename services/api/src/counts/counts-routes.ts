// GET /v1/counts: the dashboard's numbers from the search index (counts-service). Accepts a consistency
// token to read its own writes. The route parses, calls the service and answers.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { retryAfterIfNotYetConsistent } from '../consistency/retry-after-not-yet-consistent';
import { parseRequestPart } from '../http/validate';
import { CountsQuery } from './counts-schemas';
import type { CountsService } from './counts-service';

/** `maxWaitMs` bounds how long a request may wait for its writes (config). */
export function countsRoutes(counts: CountsService, pool: Pool, maxWaitMs: number): Router {
  const router = Router();
  const Query = CountsQuery(maxWaitMs);
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const workspaceId = workspaceOf(res);
    const query = parseRequestPart(Query, 'query', req.query);
    res.json(await retryAfterIfNotYetConsistent(res, () => counts.count(workspaceId, query)));
  });
  return router;
}
