// /v1/suppressions: the workspace's suppression list (paged, by channel, or one address looked
// up) and lifting one entry. Erased entries answer with a null address: only their hash is kept.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { SuppressionIdParams, SuppressionListQuery } from './suppression-schemas';
import type { SuppressionsService } from './suppressions-service';

export function suppressionsRoutes(service: SuppressionsService, pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const query = parseRequestPart(SuppressionListQuery, 'query', req.query);
    res.json(await service.list(workspaceOf(res), query));
  });
  // Lifting an entry changes no contact: a live contact keeps its status until it is changed.
  router.delete('/:id', requireApiKey(pool, 'write'), async (req, res) => {
    const { id } = parseRequestPart(SuppressionIdParams, 'params', req.params);
    res.json(await service.lift(workspaceOf(res), id));
  });
  return router;
}
