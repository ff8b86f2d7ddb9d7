// /v1/webhooks: registering webhooks, pausing and resuming them, rotating their secret, and their
// delivery log. Changes need the admin scope: a webhook sends the workspace's events elsewhere.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { ListQuery } from '../http/list-page';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { CreateWebhookRequest, DeliveryListQuery, UpdateWebhookRequest, WebhookIdParams } from './webhook-schemas';
import type { WebhooksService } from './webhooks-service';

export function webhooksRoutes(service: WebhooksService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const admin = requireApiKey(pool, 'admin');

  router.post('/', admin, async (req, res) => {
    const body = parseRequestPart(CreateWebhookRequest, 'body', req.body);
    const webhook = await service.create(workspaceOf(res), body);
    res.status(201).location(`/v1/webhooks/${webhook.id}`).json(webhook);
  });

  router.get('/', read, async (req, res) => {
    const query = parseRequestPart(ListQuery, 'query', req.query);
    res.json(await service.list(workspaceOf(res), query));
  });

  router.get('/:id', read, async (req, res) => {
    const { id } = parseRequestPart(WebhookIdParams, 'params', req.params);
    res.json(await service.get(workspaceOf(res), id));
  });

  router.patch('/:id', admin, async (req, res) => {
    const { id } = parseRequestPart(WebhookIdParams, 'params', req.params);
    const body = parseRequestPart(UpdateWebhookRequest, 'body', req.body);
    res.json(await service.update(workspaceOf(res), id, body));
  });

  router.delete('/:id', admin, async (req, res) => {
    const { id } = parseRequestPart(WebhookIdParams, 'params', req.params);
    await service.delete(workspaceOf(res), id);
    res.status(204).end();
  });

  router.post('/:id/rotate-secret', admin, async (req, res) => {
    const { id } = parseRequestPart(WebhookIdParams, 'params', req.params);
    res.json(await service.rotateSecret(workspaceOf(res), id));
  });

  router.get('/:id/deliveries', read, async (req, res) => {
    const { id } = parseRequestPart(WebhookIdParams, 'params', req.params);
    const query = parseRequestPart(DeliveryListQuery, 'query', req.query);
    res.json(await service.deliveries(workspaceOf(res), id, query));
  });

  return router;
}
