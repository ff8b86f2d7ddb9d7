// /v1/dependencies: parse the one thing asked about, call the service, answer.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { DependenciesQuery } from './dependency-schemas';
import type { DependenciesService } from './dependencies-service';

export function dependenciesRoutes(service: DependenciesService, pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    res.json(await service.list(workspaceOf(res), parseRequestPart(DependenciesQuery, 'query', req.query)));
  });
  return router;
}
