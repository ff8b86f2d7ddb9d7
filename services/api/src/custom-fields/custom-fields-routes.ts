// /v1/custom-fields: the per-workspace definitions contacts' custom fields are checked against.
// Renaming and deleting one rewrites every contact holding it, so both are jobs (202, progress
// at /v1/jobs/:id); see custom-fields-service.ts for how saved segments are kept whole.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf } from '../http/request-principal';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { CreateCustomField, CustomFieldParams, DeleteCustomFieldQuery, RenameCustomField, RenameCustomFieldQuery } from './custom-field-schemas';
import type { CustomFieldsService } from './custom-fields-service';

export function customFieldsRoutes(service: CustomFieldsService, pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const page = parseRequestPart(ListQuery, 'query', req.query);
    res.json(await service.list(principalOf(res).workspaceId, page));
  });
  router.post('/', requireApiKey(pool, 'admin'), async (req, res) => {
    const body = parseRequestPart(CreateCustomField, 'body', req.body);
    res.status(201).json(await service.define(principalOf(res).workspaceId, body.key, body.type));
  });
  router.patch('/:key', requireApiKey(pool, 'admin'), async (req, res) => {
    const { key } = parseRequestPart(CustomFieldParams, 'params', req.params);
    const { dryRun } = parseRequestPart(RenameCustomFieldQuery, 'query', req.query);
    const body = parseRequestPart(RenameCustomField, 'body', req.body);
    if (dryRun) {
      res.json(await service.previewRenameDefinition(principalOf(res).workspaceId, key, body.key));
      return;
    }
    const job = await service.renameDefinition(principalOf(res).workspaceId, key, body.key);
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });
  router.delete('/:key', requireApiKey(pool, 'admin'), async (req, res) => {
    const { key } = parseRequestPart(CustomFieldParams, 'params', req.params);
    const { force, dryRun } = parseRequestPart(DeleteCustomFieldQuery, 'query', req.query);
    if (dryRun) {
      res.json(await service.previewDeleteDefinition(principalOf(res).workspaceId, key, { force }));
      return;
    }
    const job = await service.deleteDefinition(principalOf(res).workspaceId, key, { force });
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });
  return router;
}
