// GET /v1/consistency?consistencyToken=...: waits (bounded) until the mirror shows a write, for
// clients that read elsewhere (or just want to know).
import { Router } from 'express';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { ConsistencyDependencies, ensureConsistent } from './consistency-check';
import { ConsistencyQuery } from './consistency-schemas';

export function consistencyRoutes(deps: ConsistencyDependencies): Router {
  const router = Router();
  const Query = ConsistencyQuery(deps.maxWaitMs);
  router.get('/', requireApiKey(deps.pool, 'read'), async (req, res) => {
    const query = parseRequestPart(Query, 'query', req.query);
    const outcome = (await ensureConsistent(deps, workspaceOf(res), query, res))!;
    res.json({ consistent: true, waitedMs: outcome.waitedMs });
  });
  return router;
}
