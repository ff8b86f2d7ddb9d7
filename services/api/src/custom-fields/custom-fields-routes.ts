// /v1/custom-fields: the per-workspace definitions contacts' custom fields are checked against.
// Definitions are append-only for now: removing one would need a job that clears it from every
// contact (and bumps their versions), which belongs with the bulk-job machinery.
import { Router } from 'express';
import { z } from 'zod';
import { CustomFieldKey, CustomFieldType, inTransaction, LIMITS, Pool } from '@segmenter/shared';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { textKeyedPage } from '../http/list-keys';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { insertDefinition, listDefinitions } from './custom-fields-store';

const CreateCustomField = z.strictObject({ key: CustomFieldKey, type: CustomFieldType });

export function customFieldsRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const page = parseRequestPart(ListQuery, 'query', req.query);
    const workspaceId = principalOf(res).workspaceId;
    const definitions = await textKeyedPage(page, 'custom-fields', (range) => listDefinitions(pool, workspaceId, range), (d) => d.key);
    // `limit` stays what it always was in this answer: how many definitions a workspace may hold (not the page size).
    res.json({ ...definitions, limit: LIMITS.customFieldsPerWorkspace });
  });
  router.post('/', requireApiKey(pool, 'admin'), async (req, res) => {
    const body = parseRequestPart(CreateCustomField, 'body', req.body);
    const workspaceId = principalOf(res).workspaceId;
    res.status(201).json(await inTransaction(pool, (c) => insertDefinition(c, workspaceId, body.key, body.type, LIMITS.customFieldsPerWorkspace)));
  });
  return router;
}
