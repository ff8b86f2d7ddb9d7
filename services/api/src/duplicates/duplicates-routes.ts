// /v1/duplicates: values shared by several live contacts, the contacts behind one value, and
// resolving a value by merging or removing the others.
import { Router } from 'express';
import { z } from 'zod';
import { normalizeEmail, normalizePhone, PHONE_RULE } from '@segmenter/shared';
import type { Pool } from '@segmenter/shared';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import type { DuplicatesService } from './duplicates-service';

const Field = z.enum(['email', 'phone']);
const ListQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  cursor: z.string().max(300, 'must be at most 300 characters').optional(),
});
const rawValue = z.string().min(1, 'must not be empty').max(300, 'must be at most 300 characters');

/** The value as contacts store it (emails lower-cased, phones in E.164), so `+1 415 555 0199` finds `+14155550199`. */
function normalizedValue<T extends { field: 'email' | 'phone'; value: string }>(part: T, ctx: z.RefinementCtx): T {
  if (part.field === 'email') return { ...part, value: normalizeEmail(part.value) };
  const phone = normalizePhone(part.value);
  if (phone === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: PHONE_RULE });
    return z.NEVER;
  }
  return { ...part, value: phone };
}

const ValueParams = z.object({ field: Field, value: rawValue }).transform(normalizedValue);
const ResolveRequest = z
  .strictObject({
    field: Field,
    value: rawValue,
    keep: z.enum(['earliest', 'latest'], 'must be one of earliest, latest'),
  // Required: a merge and a removal differ in what survives, so neither is chosen for the client.
    action: z.enum(['merge', 'remove'], { error: (issue) => (issue.input === undefined ? 'is required: merge or remove' : 'must be one of merge, remove') }),
  })
  .transform(normalizedValue);

export function duplicatesRoutes(service: DuplicatesService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  router.get('/:field', read, async (req, res) => {
    const { field } = parseRequestPart(z.object({ field: Field }), 'params', req.params);
    const query = parseRequestPart(ListQuery, 'query', req.query);
    res.json(await service.values(principalOf(res).workspaceId, field, query.limit, query.cursor));
  });
  router.get('/:field/:value/contacts', read, async (req, res) => {
    const { field, value } = parseRequestPart(ValueParams, 'params', req.params);
    res.json({ field, value, items: await service.contacts(principalOf(res).workspaceId, field, value) });
  });
  router.post('/resolve', requireApiKey(pool, 'write'), async (req, res) => {
    const body = parseRequestPart(ResolveRequest, 'body', req.body);
    res.json(await service.resolve(principalOf(res).workspaceId, body));
  });
  return router;
}
