// GET /v1/consistency?consistencyToken=...: waits (bounded) until the search index shows a write, for
// clients that read elsewhere (or just want to know). The route parses, calls the service and answers.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { ConsistencyQuery } from './consistency-schemas';
import type { ConsistencyService } from './consistency-service';
import { retryAfterIfNotYetConsistent } from './retry-after-not-yet-consistent';

/** `maxWaitMs` bounds how long a request may wait for its writes (config). */
export function consistencyRoutes(consistency: ConsistencyService, pool: Pool, maxWaitMs: number): Router {
  const router = Router();
  const Query = ConsistencyQuery(maxWaitMs);
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const query = parseRequestPart(Query, 'query', req.query);
    res.json(await retryAfterIfNotYetConsistent(res, () => consistency.waitForWrites(workspaceOf(res), query)));
  });
  return router;
}
