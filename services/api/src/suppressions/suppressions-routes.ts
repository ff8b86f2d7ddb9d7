// /v1/suppressions: the workspace's suppression list (paged, by channel, or one address looked
// up) and lifting one entry. Erased entries answer with a null address: only their hash is kept.
import { Router } from 'express';
import { z } from 'zod';
import type { Pool } from '@segmenter/shared';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { NotFoundError } from '../errors/app-error';
import { listQueryFields } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { deleteSuppression, listSuppressions } from './suppressions-store';

export const SuppressionListQuery = z.strictObject({
  ...listQueryFields,
  channel: z.enum(['email', 'phone'], { error: 'must be one of email, phone' }).optional(),
  address: z.string().trim().min(1, 'must not be empty').max(320, 'must be at most 320 characters').optional(),
});
const SuppressionIdParams = z.object({ id: z.uuid('must be a suppression id (UUID)').transform((id) => id.toLowerCase()) });

export function suppressionsRoutes(pool: Pool): Router {
  const router = Router();
  router.get('/', requireApiKey(pool, 'read'), async (req, res) => {
    const query = parseRequestPart(SuppressionListQuery, 'query', req.query);
    res.json(await listSuppressions(pool, workspaceOf(res), query));
  });
  // Lifting an entry changes no contact: a live contact keeps its status until it is changed.
  router.delete('/:id', requireApiKey(pool, 'write'), async (req, res) => {
    const { id } = parseRequestPart(SuppressionIdParams, 'params', req.params);
    const lifted = await deleteSuppression(pool, workspaceOf(res), id);
    if (!lifted) throw new NotFoundError(`Suppression ${id}`);
    res.json(lifted);
  });
  return router;
}
