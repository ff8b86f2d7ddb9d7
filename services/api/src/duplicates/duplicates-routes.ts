// /v1/duplicates: values shared by several live contacts, the contacts behind one value, and
// resolving a value by merging or removing the others.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { DuplicateFieldParams, DuplicateListQuery, DuplicateValueParams, ResolveDuplicatesRequest } from './duplicate-schemas';
import type { DuplicatesService } from './duplicates-service';

export function duplicatesRoutes(service: DuplicatesService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  router.get('/:field', read, async (req, res) => {
    const { field } = parseRequestPart(DuplicateFieldParams, 'params', req.params);
    const query = parseRequestPart(DuplicateListQuery, 'query', req.query);
    res.json(await service.values(principalOf(res).workspaceId, field, query.limit, query.cursor));
  });
  router.get('/:field/:value/contacts', read, async (req, res) => {
    const { field, value } = parseRequestPart(DuplicateValueParams, 'params', req.params);
    res.json({ field, value, items: await service.contacts(principalOf(res).workspaceId, field, value) });
  });
  router.post('/resolve', requireApiKey(pool, 'write'), async (req, res) => {
    const body = parseRequestPart(ResolveDuplicatesRequest, 'body', req.body);
    res.json(await service.resolve(principalOf(res).workspaceId, body));
  });
  return router;
}
