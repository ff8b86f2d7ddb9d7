// The /v1/webhooks endpoints as the OpenAPI document lists them, with the request schemas the
// routes validate with; openapi-document.ts joins every feature's table.
import { ListQuery } from '../http/list-page';
import { created, none, ok, type Operation } from '../http/operation';
import { Webhook, WebhookDeliveryPage, WebhookPage, WebhookWithSecret } from './webhook-responses';
import { CreateWebhookRequest, DeliveryListQuery, UpdateWebhookRequest, WebhookIdParams } from './webhook-schemas';

export const WEBHOOKS_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary:
      'Register a webhook: the events POSTed to the URL (https, or http on a loopback host), optionally only of some segments; the signing secret is answered here and on rotation only',
    scope: 'admin',
    body: CreateWebhookRequest,
    errors: [409],
    responses: { 201: created(WebhookWithSecret) },
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary: "The workspace's webhooks, newest first (paged)",
    scope: 'read',
    query: ListQuery,
    responses: { 200: ok(WebhookPage) },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    tag: 'webhooks',
    summary: 'A webhook, with its status (paused, and why) and failed attempts in a row',
    scope: 'read',
    params: WebhookIdParams,
    responses: { 200: ok(Webhook) },
  },
  {
    method: 'patch',
    path: '/v1/webhooks/{id}',
    tag: 'webhooks',
    summary:
      "Change a webhook's URL, events, segments or description, or pause it (status paused) or resume it (status active: waiting deliveries are due at once)",
    scope: 'admin',
    params: WebhookIdParams,
    body: UpdateWebhookRequest,
    responses: { 200: ok(Webhook) },
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    tag: 'webhooks',
    summary: 'Delete a webhook and its delivery log',
    scope: 'admin',
    params: WebhookIdParams,
    responses: { 204: none('Deleted') },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    tag: 'webhooks',
    summary: 'Replace the signing secret (answered once); every attempt from now on is signed with the new one',
    scope: 'admin',
    params: WebhookIdParams,
    responses: { 200: ok(WebhookWithSecret) },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    tag: 'webhooks',
    summary: "A webhook's delivery log, newest first (paged): event, status, attempts, the last response status and error",
    scope: 'read',
    params: WebhookIdParams,
    query: DeliveryListQuery,
    responses: { 200: ok(WebhookDeliveryPage) },
  },
];
