// SQL for the webhooks table: registration, reads scoped to a workspace, updates, pause and
// resume, secret rotation. Every statement names the workspace, so one workspace's key can never
// reach another's webhook.
import { lockForTransaction, type Queryable } from '@segmenter/shared';
import { ConflictError } from '../errors/app-error';
import { newestFirstPage, newestFirstSql } from '../http/list-keys';
import type { ListPage, ListQuery } from '../http/list-page';
import type { WebhookEventType } from './webhook-event-types';

export interface WebhookRecord {
  id: string;
  workspaceId: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  segmentIds: string[] | null;
  status: 'active' | 'paused';
  pausedReason: string | null;
  pausedAt: string | null;
  consecutiveFailures: number;
  /** When the current failure streak began; null without one. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = `id, workspace_id, url, description, event_types, segment_ids, status, paused_reason, paused_at, consecutive_failures, failing_since, created_at, updated_at`;

/** Deliveries of a paused webhook wait at infinity, out of the sender's due index, until it is resumed. */
export const WAITING = 'infinity';

function toWebhook(r: any): WebhookRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    url: r.url,
    description: r.description,
    events: r.event_types,
    segmentIds: r.segment_ids,
    status: r.status,
    pausedReason: r.paused_reason,
    pausedAt: r.paused_at?.toISOString() ?? null,
    consecutiveFailures: r.consecutive_failures,
    failingSince: r.failing_since?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface NewWebhook {
  url: string;
  description: string | null;
  events: WebhookEventType[];
  segmentIds: string[] | null;
  secret: string;
}

/** Inserts a webhook unless the workspace already holds `limit` (checked under a per-workspace lock). */
export async function insertWebhook(client: Queryable, workspaceId: string, webhook: NewWebhook, limit: number): Promise<WebhookRecord> {
  await lockForTransaction(client, `webhooks:${workspaceId}`);
  const { rows: count } = await client.query('select count(*)::int as n from webhooks where workspace_id = $1', [workspaceId]);
  if (count[0].n >= limit) {
    throw new ConflictError(`A workspace holds at most ${limit} webhooks`, [{ field: 'body.url', rule: `at most ${limit} webhooks per workspace` }]);
  }
  const { rows } = await client.query(
    `insert into webhooks (workspace_id, url, description, event_types, segment_ids, secret) values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [workspaceId, webhook.url, webhook.description, webhook.events, webhook.segmentIds, webhook.secret],
  );
  return toWebhook(rows[0]);
}

export async function findWebhook(client: Queryable, workspaceId: string, id: string): Promise<WebhookRecord | undefined> {
  const { rows } = await client.query(`select ${COLUMNS} from webhooks where workspace_id = $1 and id = $2`, [workspaceId, id]);
  return rows[0] ? toWebhook(rows[0]) : undefined;
}

/** A page of the workspace's webhooks, newest first. */
export async function listWebhooks(client: Queryable, workspaceId: string, page: ListQuery): Promise<ListPage<WebhookRecord>> {
  const sql = newestFirstSql('', 2, 3);
  const { items, nextCursor } = await newestFirstPage(page, 'webhooks', async (after, limit) => {
    const { rows } = await client.query(
      `select ${COLUMNS}, ${sql.cursorColumn} from webhooks where workspace_id = $1 and ${sql.after} order by ${sql.orderBy} limit $4`,
      [workspaceId, after.time, after.id, limit],
    );
    return rows;
  });
  return { items: items.map(toWebhook), nextCursor };
}

export interface WebhookChanges {
  url?: string;
  description?: string | null;
  events?: WebhookEventType[];
  segmentIds?: string[] | null;
}

/** Applies the given fields (absent ones stay); undefined when the webhook is not the workspace's. */
export async function updateWebhook(client: Queryable, workspaceId: string, id: string, changes: WebhookChanges): Promise<WebhookRecord | undefined> {
  const { rows } = await client.query(
    `update webhooks set
        url = case when $3 then $4 else url end,
        description = case when $5 then $6 else description end,
        event_types = case when $7 then $8::text[] else event_types end,
        segment_ids = case when $9 then $10::uuid[] else segment_ids end,
        updated_at = now()
      where workspace_id = $1 and id = $2 returning ${COLUMNS}`,
    [
      workspaceId,
      id,
      changes.url !== undefined,
      changes.url ?? null,
      changes.description !== undefined,
      changes.description ?? null,
      changes.events !== undefined,
      changes.events ?? null,
      changes.segmentIds !== undefined,
      changes.segmentIds ?? null,
    ],
  );
  return rows[0] ? toWebhook(rows[0]) : undefined;
}

/** Pauses a webhook: its pending deliveries wait until it is resumed. Run in a transaction. */
export async function pauseWebhook(client: Queryable, workspaceId: string, id: string, reason: string): Promise<WebhookRecord | undefined> {
  const { rows } = await client.query(
    `update webhooks set status = 'paused', paused_reason = $3, paused_at = now(), updated_at = now()
      where workspace_id = $1 and id = $2 and status = 'active' returning id`,
    [workspaceId, id, reason],
  );
  if (rows[0])
    await client.query(`update webhook_deliveries set next_attempt_at = '${WAITING}' where webhook_id = $1 and status = 'pending' and lease_id is null`, [id]);
  return findWebhook(client, workspaceId, id);
}

/** Resumes a webhook: its failure count starts again and its waiting deliveries are due now. Run in a transaction. */
export async function resumeWebhook(client: Queryable, workspaceId: string, id: string): Promise<WebhookRecord | undefined> {
  const { rows } = await client.query(
    `update webhooks set status = 'active', paused_reason = null, paused_at = null, consecutive_failures = 0, failing_since = null, updated_at = now()
      where workspace_id = $1 and id = $2 and status = 'paused' returning id`,
    [workspaceId, id],
  );
  if (rows[0])
    await client.query(`update webhook_deliveries set next_attempt_at = now() where webhook_id = $1 and status = 'pending' and lease_id is null`, [id]);
  return findWebhook(client, workspaceId, id);
}

/** Deletes a webhook and (by cascade) its deliveries; false when it is not the workspace's. */
export async function deleteWebhook(client: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await client.query('delete from webhooks where workspace_id = $1 and id = $2', [workspaceId, id]);
  return rowCount === 1;
}

/** Replaces the secret; the next attempt of every delivery is signed with the new one. */
export async function replaceSecret(client: Queryable, workspaceId: string, id: string, secret: string): Promise<WebhookRecord | undefined> {
  const { rows } = await client.query(`update webhooks set secret = $3, updated_at = now() where workspace_id = $1 and id = $2 returning ${COLUMNS}`, [
    workspaceId,
    id,
    secret,
  ]);
  return rows[0] ? toWebhook(rows[0]) : undefined;
}

/** Of `segmentIds`, those that are not saved segments of the workspace. */
export async function unknownSegmentIds(client: Queryable, workspaceId: string, segmentIds: string[]): Promise<string[]> {
  const { rows } = await client.query('select id from segments where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, segmentIds]);
  const known = new Set(rows.map((r) => r.id as string));
  return segmentIds.filter((id) => !known.has(id));
}
