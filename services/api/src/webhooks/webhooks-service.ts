// Webhook registration and its delivery log: create (the secret answered once), read, update,
// pause and resume, delete, rotate the secret. Every call is scoped to the key's workspace.
import { inTransaction, type Pool, type Queryable } from '@segmenter/shared';
import { NotFoundError, ValidationError } from '../errors/app-error';
import type { ListQuery } from '../http/list-page';
import { listDeliveries } from './webhook-deliveries-store';
import { CreateWebhookRequest, DeliveryListQuery, MAX_WEBHOOKS_PER_WORKSPACE, UpdateWebhookRequest } from './webhook-schemas';
import { generateWebhookSecret } from './webhook-signature';
import { loopbackUrlProblem } from './webhook-url';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listWebhooks,
  pauseWebhook,
  replaceSecret,
  resumeWebhook,
  unknownSegmentIds,
  updateWebhook,
  WebhookRecord,
} from './webhooks-store';

/** What a webhook answer shows: everything but the workspace (the caller's own) and the secret. */
function publicWebhook(webhook: WebhookRecord) {
  const { workspaceId: _workspaceId, ...shown } = webhook;
  return shown;
}

export function createWebhooksService(deps: {
  pool: Pool;
  maxWebhooks?: number;
  /** WEBHOOK_ALLOW_LOOPBACK */
  allowLoopback: boolean;
  /** Told after a webhook is created, changed or deleted: this process's fan-out looks at the subscriptions at once. */
  onChanged?: () => void;
}) {
  const { pool } = deps;
  const changed = () => deps.onChanged?.();
  const maxWebhooks = deps.maxWebhooks ?? MAX_WEBHOOKS_PER_WORKSPACE;

  /** Refuses a loopback URL where loopback is not allowed (the request schema checked the rest). */
  function checkUrl(url: string | undefined) {
    const problem = url === undefined ? undefined : loopbackUrlProblem(url, deps.allowLoopback);
    if (problem) throw new ValidationError([{ field: 'body.url', rule: problem }]);
  }

  /** Refuses segment ids that are not saved segments of the workspace, naming each by its index. */
  async function checkSegments(client: Queryable, workspaceId: string, segmentIds: string[] | null | undefined) {
    if (!segmentIds) return;
    const unknown = new Set(await unknownSegmentIds(client, workspaceId, segmentIds));
    if (unknown.size === 0) return;
    throw new ValidationError(
      segmentIds.flatMap((id, i) => (unknown.has(id) ? [{ field: `body.segmentIds.${i}`, rule: 'must be a saved segment of this workspace' }] : [])),
    );
  }

  async function existing(workspaceId: string, id: string): Promise<WebhookRecord> {
    const webhook = await findWebhook(pool, workspaceId, id);
    if (!webhook) throw new NotFoundError(`Webhook ${id}`);
    return webhook;
  }

  return {
    async create(workspaceId: string, request: CreateWebhookRequest) {
      checkUrl(request.url);
      await checkSegments(pool, workspaceId, request.segmentIds);
      const secret = generateWebhookSecret();
      const webhook = await inTransaction(pool, (client) =>
        insertWebhook(
          client,
          workspaceId,
          { url: request.url, description: request.description ?? null, events: request.events, segmentIds: request.segmentIds ?? null, secret },
          maxWebhooks,
        ),
      );
      changed();
      return { ...publicWebhook(webhook), secret };
    },

    async list(workspaceId: string, page: ListQuery) {
      const { items, nextCursor } = await listWebhooks(pool, workspaceId, page);
      return { items: items.map(publicWebhook), nextCursor };
    },

    get: async (workspaceId: string, id: string) => publicWebhook(await existing(workspaceId, id)),

    async update(workspaceId: string, id: string, request: UpdateWebhookRequest) {
      checkUrl(request.url);
      await checkSegments(pool, workspaceId, request.segmentIds);
      const updated = await inTransaction(pool, async (client) => {
        const { status, ...changes } = request;
        let webhook = await updateWebhook(client, workspaceId, id, changes);
        if (!webhook) throw new NotFoundError(`Webhook ${id}`);
        if (status === 'paused') webhook = await pauseWebhook(client, workspaceId, id, 'paused by request');
        if (status === 'active') webhook = await resumeWebhook(client, workspaceId, id);
        return webhook!;
      });
      changed();
      return publicWebhook(updated);
    },

    async delete(workspaceId: string, id: string): Promise<void> {
      if (!(await deleteWebhook(pool, workspaceId, id))) throw new NotFoundError(`Webhook ${id}`);
      changed();
    },

    async rotateSecret(workspaceId: string, id: string) {
      const secret = generateWebhookSecret();
      const webhook = await replaceSecret(pool, workspaceId, id, secret);
      if (!webhook) throw new NotFoundError(`Webhook ${id}`);
      return { ...publicWebhook(webhook), secret };
    },

    async deliveries(workspaceId: string, id: string, query: DeliveryListQuery) {
      await existing(workspaceId, id);
      return listDeliveries(pool, workspaceId, id, query);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
