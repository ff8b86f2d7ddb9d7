// /v1/labels (keys and values in use, bulk changes) and the label endpoints of one contact.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf } from '../http/request-principal';
import { ContactIdParams } from '../contacts/contact-schemas';
import { publicContact } from '../contacts/public-contact';
import { idempotent } from '../http/idempotency';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import {
  BulkRemoveLabelsRequest,
  BulkSetLabelsRequest,
  ChangeLabelsRequest,
  LabelKeyParams,
  MergeLabelValuesRequest,
  RenameLabelKeyRequest,
  ReplaceLabelsRequest,
} from './label-schemas';
import type { LabelHygieneService } from './label-hygiene';
import type { LabelsService } from './labels-service';
import { DryRunQuery } from '../dependencies/dependency-schemas';

export function labelsRoutes(service: LabelsService, hygiene: LabelHygieneService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const once = idempotent(pool);
  router.get('/', read, async (req, res) => {
    res.json(await service.keys(principalOf(res).workspaceId, parseRequestPart(ListQuery, 'query', req.query)));
  });
  router.get('/:key/values', read, async (req, res) => {
    const { key } = parseRequestPart(LabelKeyParams, 'params', req.params);
    const page = parseRequestPart(ListQuery, 'query', req.query);
    res.json({ key, ...(await service.values(principalOf(res).workspaceId, key, page)) });
  });
  router.post('/bulk-set', write, once, async (req, res) => {
    const { contactIds, labels } = parseRequestPart(BulkSetLabelsRequest, 'body', req.body);
    res.json(await service.bulkChangeLabels(principalOf(res).workspaceId, contactIds, labels, []));
  });
  router.post('/bulk-remove', write, once, async (req, res) => {
    const { contactIds, keys } = parseRequestPart(BulkRemoveLabelsRequest, 'body', req.body);
    res.json(await service.bulkChangeLabels(principalOf(res).workspaceId, contactIds, {}, keys));
  });
  // Label hygiene jobs (label-hygiene.ts): 202 with the job and the segments using the old key or values; dryRun: 200, nothing started.
  const hygieneRoute = (path: string, change: (key: string, body: unknown) => Parameters<LabelHygieneService['startOrPreview']>[1]) =>
    router.post(`/:key/${path}`, write, async (req, res) => {
      const { key } = parseRequestPart(LabelKeyParams, 'params', req.params);
      const { dryRun } = parseRequestPart(DryRunQuery, 'query', req.query);
      const outcome = await hygiene.startOrPreview(principalOf(res).workspaceId, change(key, req.body), dryRun);
      if ('preview' in outcome) res.json(outcome.preview);
      else res.status(202).location(`/v1/jobs/${outcome.started.job.id}`).json(outcome.started);
    });
  hygieneRoute('rename', (key, body) => ({ kind: 'rename', key, ...parseRequestPart(RenameLabelKeyRequest, 'body', body) }));
  hygieneRoute('merge-values', (key, body) => ({ kind: 'merge', key, ...parseRequestPart(MergeLabelValuesRequest, 'body', body) }));
  return router;
}

/** PATCH (set/remove), PUT (replace) and DELETE one key, under /v1/contacts/:id/labels. */
export function contactLabelsRoutes(service: LabelsService, pool: Pool): Router {
  const router = Router();
  const write = requireApiKey(pool, 'write');
  const idOf = (params: unknown) => parseRequestPart(ContactIdParams, 'params', params).id;
  router.patch('/:id/labels', write, async (req, res) => {
    const id = idOf(req.params);
    const body = parseRequestPart(ChangeLabelsRequest, 'body', req.body);
    res.json(publicContact(await service.changeLabels(principalOf(res).workspaceId, id, body)));
  });
  router.put('/:id/labels', write, async (req, res) => {
    const id = idOf(req.params);
    const { labels } = parseRequestPart(ReplaceLabelsRequest, 'body', req.body);
    res.json(publicContact(await service.changeLabels(principalOf(res).workspaceId, id, { set: labels }, true)));
  });
  router.delete('/:id/labels/:key', write, async (req, res) => {
    const id = idOf({ id: req.params.id });
    const { key } = parseRequestPart(LabelKeyParams, 'params', { key: req.params.key });
    res.json(publicContact(await service.changeLabels(principalOf(res).workspaceId, id, { remove: [key] })));
  });
  return router;
}
