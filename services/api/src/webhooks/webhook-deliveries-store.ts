// SQL for webhook deliveries: the fan-out's idempotent insert, the sender's leased claim and the
// outcome of an attempt (which also keeps the webhook's failures in a row and pauses it), the
// delivery log and its expiry.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '@segmenter/shared';
import { newestFirstPage, newestFirstSql } from '../http/list-keys';
import type { ListPage } from '../http/list-page';
import type { WebhookEventType } from './webhook-event-types';
import type { DeliveryListQuery } from './webhook-schemas';
import { WAITING } from './webhooks-store';

/** One event as the fan-out queues it: which workspace, type and segment it matches, and the body to send. */
export interface QueuedEvent {
  workspaceId: string;
  type: WebhookEventType;
  key: string;
  /** The segment of a membership event (webhooks restricted to segments match on it); null otherwise. */
  segmentId: string | null;
  /** The contact the event is about: its erasure deletes the delivery. */
  contactId: string | null;
  /** The body holds the contact's data (a tag event's snapshot), so none is made once the contact is erased. */
  personal: boolean;
  occurredAt: string;
  payload: unknown;
}

/** Events older than the retention less this are not queued: a clock a little ahead must not slip one past it. */
const CLOCK_SKEW_MARGIN_MINUTES = 5;

/**
 * One delivery per event and matching webhook of the event's workspace, registered before the
 * event occurred (a webhook does not receive the history it was created after, which a new
 * consumer group reads from the beginning of the topic). The unique (webhook, event key) makes
 * a replayed or duplicated event a no-op, as long as its delivery is kept: an event older than
 * the retention (`retentionHours`), whose delivery housekeeping may have deleted, makes none, so
 * a replay (offsets reset or expired) never delivers it again as new. An event carrying the data
 * of a contact erased meanwhile makes none either. Returns how many deliveries were made.
 */
export async function queueDeliveries(client: Queryable, events: QueuedEvent[], retentionHours: number): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    workspace_id: e.workspaceId,
    type: e.type,
    key: e.key,
    segment_id: e.segmentId,
    contact_id: e.contactId,
    personal: e.personal,
    occurred_at: e.occurredAt,
    payload: e.payload,
  }));
  const { rowCount } = await client.query(
    `insert into webhook_deliveries (webhook_id, workspace_id, contact_id, event_type, event_key, payload, next_attempt_at)
     select w.id, w.workspace_id, e.contact_id, e.type, e.key, e.payload, case when w.status = 'paused' then '${WAITING}'::timestamptz else now() end
       from jsonb_to_recordset($1::jsonb)
            as e(workspace_id uuid, type text, key text, segment_id uuid, contact_id uuid, personal boolean, occurred_at timestamptz, payload jsonb)
       join webhooks w on w.workspace_id = e.workspace_id and e.type = any (w.event_types) and w.created_at <= e.occurred_at
        and (e.segment_id is null or w.segment_ids is null or e.segment_id = any (w.segment_ids))
      where e.occurred_at >= now() - make_interval(hours => $2) + make_interval(mins => ${CLOCK_SKEW_MARGIN_MINUTES})
        and not (e.personal and exists (select 1 from erased_contacts x where x.workspace_id = e.workspace_id and x.contact_id = e.contact_id))
     on conflict (webhook_id, event_key) do nothing`,
    [JSON.stringify(rows), retentionHours],
  );
  return rowCount ?? 0;
}

/** Deletes every delivery about a contact, sent or not (erasure: their bodies may hold its data); returns how many. */
export async function deleteContactDeliveries(client: Queryable, workspaceId: string, contactId: string): Promise<number> {
  const { rowCount } = await client.query('delete from webhook_deliveries where workspace_id = $1 and contact_id = $2', [workspaceId, contactId]);
  return rowCount ?? 0;
}

/** A claimed delivery: what the sender needs to make one attempt. */
export interface ClaimedDelivery {
  id: string;
  leaseId: string;
  webhookId: string;
  workspaceId: string;
  url: string;
  secret: string;
  eventType: string;
  eventKey: string;
  payload: unknown;
  /** Attempts including this one. */
  attempts: number;
}

/**
 * Claims up to `limit` due deliveries of active webhooks, fairly: each webhook's oldest due
 * deliveries, at most `perWebhook` of its attempts in flight (leased) at once, and every webhook
 * its first before any its second, so one webhook's backlog (or its slow receiver) cannot starve
 * the others. Each is leased for `leaseMs` (its next attempt moves to then), so another sender
 * skips it, and a sender that dies leaves it due again. The attempt is counted at the claim, so an
 * attempt whose outcome was never recorded still shows. One index descent per active webhook
 * (webhook_deliveries_due, _leased). Senders claiming at the same instant each see the other's
 * leases only once committed, so across processes a webhook may briefly have a few more in flight.
 */
export async function claimDueDeliveries(client: Queryable, limit: number, leaseMs: number, perWebhook: number): Promise<ClaimedDelivery[]> {
  const leaseId = randomUUID();
  const { rows } = await client.query(
    `with room as (
       select w.id as webhook_id,
              $4::int - (select count(*) from webhook_deliveries f
                          where f.webhook_id = w.id and f.status = 'pending' and f.lease_id is not null and f.next_attempt_at > now())::int as free
         from webhooks w
         -- A lateral with a limit, not exists: the planner would make that a scan of every due row.
         cross join lateral (
           select 1 from webhook_deliveries d where d.webhook_id = w.id and d.status = 'pending' and d.next_attempt_at <= now() limit 1) has_due
        where w.status = 'active'),
     due as (
       select r.webhook_id, d.id, d.next_attempt_at
         from room r
         cross join lateral (
           select d.id, d.next_attempt_at from webhook_deliveries d
            where d.webhook_id = r.webhook_id and d.status = 'pending' and d.next_attempt_at <= now()
            order by d.next_attempt_at limit greatest(r.free, 0)
            for update skip locked) d
        where r.free > 0),
     picked as (
       select id from (select id, next_attempt_at, row_number() over (partition by webhook_id order by next_attempt_at) as turn from due) t
        order by turn, next_attempt_at limit $1)
     update webhook_deliveries d
        set lease_id = $2, attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
       from picked, webhooks w
      where d.id = picked.id and w.id = d.webhook_id
     returning d.id, d.webhook_id, d.workspace_id, w.url, w.secret, d.event_type, d.event_key, d.payload, d.attempts`,
    [limit, leaseId, leaseMs, perWebhook],
  );
  return rows.map((r) => ({
    id: r.id,
    leaseId,
    webhookId: r.webhook_id,
    workspaceId: r.workspace_id,
    url: r.url,
    secret: r.secret,
    eventType: r.event_type,
    eventKey: r.event_key,
    payload: r.payload,
    attempts: r.attempts,
  }));
}

/** What an attempt came to. */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export interface RecordedAttempt {
  /** What became of the delivery: delivered, due again later (retry), failed for good; stale when its lease had been taken over. */
  delivery: 'delivered' | 'retry' | 'failed' | 'stale';
  /** True when this failure paused the webhook. */
  paused: boolean;
}

/** What pauses a webhook: this many failed attempts in a row, the first of them at least `afterMs` ago. */
export interface PausePolicy {
  afterFailures: number;
  afterMs: number;
}

/**
 * Whether a failure streak pauses its webhook: long enough in attempts and in time, so a burst of
 * fast failures (a receiver restarting for a minute, a backlog tried at full speed) does not.
 */
export function streakPauses(streak: { failures: number; sinceMs: number }, nowMs: number, policy: PausePolicy): boolean {
  return streak.failures >= policy.afterFailures && nowMs - streak.sinceMs >= policy.afterMs;
}

/**
 * Records an attempt's outcome on the delivery (only under the lease that claimed it: a late
 * answer after the lease ran out and another sender took it over changes nothing) and on its
 * webhook: a success ends the failure streak, a failure adds one (the first notes when the streak
 * began) and pauses the webhook when `streakPauses`. Run in a transaction. The webhook row is
 * locked first, the order pause and resume take too (webhook, then its deliveries), so the two
 * never deadlock.
 */
export async function recordAttempt(
  client: Queryable,
  delivery: ClaimedDelivery,
  outcome: AttemptOutcome,
  policy: { retryInMs: number; maxAttempts: number; pause: PausePolicy },
): Promise<RecordedAttempt> {
  // "no key update": the fan-out's inserts hold key-share locks on the webhook, which this must not wait for.
  const { rows: webhooks } = await client.query(
    'select status, consecutive_failures, coalesce(failing_since, now()) as failing_since, now() as now from webhooks where id = $1 for no key update',
    [delivery.webhookId],
  );
  const webhook = webhooks[0];
  if (!webhook) return { delivery: 'stale', paused: false }; // deleted meanwhile, with its deliveries
  if (outcome.ok) {
    const { rowCount } = await client.query(
      `update webhook_deliveries set status = 'delivered', lease_id = null, delivered_at = now(), last_response_status = $3, last_error = null
        where id = $1 and lease_id = $2 and status = 'pending'`,
      [delivery.id, delivery.leaseId, outcome.status],
    );
    if (rowCount !== 1) return { delivery: 'stale', paused: false };
    if (webhook.consecutive_failures !== 0)
      await client.query('update webhooks set consecutive_failures = 0, failing_since = null where id = $1', [delivery.webhookId]);
    return { delivery: 'delivered', paused: false };
  }
  const giveUp = delivery.attempts >= policy.maxAttempts;
  const streak = { failures: webhook.consecutive_failures + 1, sinceMs: (webhook.failing_since as Date).getTime() };
  const pauseNow = webhook.status === 'active' && streakPauses(streak, (webhook.now as Date).getTime(), policy.pause);
  const waits = pauseNow || webhook.status === 'paused';
  const { rowCount } = await client.query(
    `update webhook_deliveries
        set status = $3, lease_id = null, last_response_status = $4, last_error = $5,
            next_attempt_at = case when $6 then '${WAITING}'::timestamptz else now() + make_interval(secs => $7::float8 / 1000) end
      where id = $1 and lease_id = $2 and status = 'pending'`,
    [delivery.id, delivery.leaseId, giveUp ? 'failed' : 'pending', outcome.status, outcome.error.slice(0, 1000), waits, policy.retryInMs],
  );
  if (rowCount !== 1) return { delivery: 'stale', paused: false };
  const since = webhook.failing_since as Date;
  if (pauseNow) {
    const reason = `${streak.failures} failed attempts in a row since ${since.toISOString()}; the last: ${outcome.error.slice(0, 300)}`;
    await client.query(
      `update webhooks set consecutive_failures = $2, failing_since = $3, status = 'paused', paused_reason = $4, paused_at = now(), updated_at = now() where id = $1`,
      [delivery.webhookId, streak.failures, since, reason],
    );
    await client.query(`update webhook_deliveries set next_attempt_at = '${WAITING}' where webhook_id = $1 and status = 'pending' and lease_id is null`, [
      delivery.webhookId,
    ]);
  } else {
    await client.query('update webhooks set consecutive_failures = $2, failing_since = $3 where id = $1', [delivery.webhookId, streak.failures, since]);
  }
  return { delivery: giveUp ? 'failed' : 'retry', paused: pauseNow };
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventType: string;
  eventKey: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** A page of one webhook's deliveries, newest first; the caller has checked the webhook is the workspace's. */
export async function listDeliveries(client: Queryable, workspaceId: string, webhookId: string, query: DeliveryListQuery): Promise<ListPage<DeliveryRecord>> {
  const sql = newestFirstSql('', 3, 4);
  const { items, nextCursor } = await newestFirstPage(query, `webhook-deliveries:${webhookId}`, async (after, limit) => {
    const { rows } = await client.query(
      `select id, webhook_id, event_type, event_key, status, attempts, last_response_status, last_error, created_at, last_attempt_at,
              case when status = 'pending' and next_attempt_at <> 'infinity' then next_attempt_at end as next_attempt_at, delivered_at, ${sql.cursorColumn}
         from webhook_deliveries
        where workspace_id = $1 and webhook_id = $2 and ($6::text is null or status = $6) and ${sql.after}
        order by ${sql.orderBy} limit $5`,
      [workspaceId, webhookId, after.time, after.id, limit, query.status ?? null],
    );
    return rows;
  });
  return {
    items: items.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      eventType: r.event_type,
      eventKey: r.event_key,
      status: r.status,
      attempts: r.attempts,
      lastResponseStatus: r.last_response_status,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
      nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
    })),
    nextCursor,
  };
}

/** Deletes up to `batch` deliveries made more than `retentionHours` ago, whatever their state; returns how many. */
export async function deleteExpiredDeliveries(client: Queryable, retentionHours: number, batch: number): Promise<number> {
  const { rowCount } = await client.query(
    `delete from webhook_deliveries where id in (
       select id from webhook_deliveries where created_at < now() - make_interval(hours => $1) limit $2)`,
    [retentionHours, batch],
  );
  return rowCount ?? 0;
}

/** Pending deliveries: due or leased (their webhook active), and waiting on a paused webhook. */
export async function deliveryQueueDepth(client: Queryable): Promise<{ queued: number; waiting: number }> {
  const { rows } = await client.query(
    `select count(*) filter (where next_attempt_at <> 'infinity')::bigint as queued, count(*) filter (where next_attempt_at = 'infinity')::bigint as waiting
       from webhook_deliveries where status = 'pending'`,
  );
  return { queued: Number(rows[0].queued), waiting: Number(rows[0].waiting) };
}
