// SQL for activities. History pages newest first by (occurred_at, id); the cursor is the last id
// seen, whose time is looked up, so it stays exact to the microsecond.
import { ENGAGEMENT_RANKS, type Queryable } from '@segmenter/shared';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES } from './activity-schemas';
import type { ActivityFields } from './activity-schemas';

export interface Activity extends ActivityFields {
  id: string;
}

export async function insertActivities(client: Queryable, workspaceId: string, items: (ActivityFields & { contactId: string })[]): Promise<string[]> {
  const { rows } = await client.query(
    `insert into activities (workspace_id, contact_id, channel, message_name, language, status, occurred_at)
     select $1, * from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
     returning id`,
    [
      workspaceId,
      items.map((i) => i.contactId),
      items.map((i) => i.channel),
      items.map((i) => i.messageName ?? null),
      items.map((i) => i.language ?? null),
      items.map((i) => i.status),
      items.map((i) => i.occurredAt),
    ],
  );
  return rows.map((r) => r.id);
}

export async function activityHistory(client: Queryable, workspaceId: string, contactId: string, limit: number, afterId?: string) {
  const values: unknown[] = [workspaceId, contactId, limit + 1];
  let after = '';
  if (afterId) {
    values.push(afterId);
    after = `and (a.occurred_at, a.id) < (select occurred_at, id from activities where id = $4 and contact_id = $2)`;
  }
  const { rows } = await client.query(
    `select a.id, a.channel, a.message_name, a.language, a.status, a.occurred_at from activities a
      where a.workspace_id = $1 and a.contact_id = $2 ${after}
      order by a.occurred_at desc, a.id desc limit $3`,
    values,
  );
  const items: Activity[] = rows.slice(0, limit).map((r) => ({
    id: r.id,
    channel: r.channel,
    status: r.status,
    messageName: r.message_name ?? undefined,
    language: r.language ?? undefined,
    occurredAt: r.occurred_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/**
 * Recomputes the engagement summary (the ENGAGEMENT_RANKS most recent times per channel and
 * status) of the given contacts from their activities and bumps the version of those whose
 * summary changed; returns their ids. The contacts must be locked FOR UPDATE first: this statement
 * then starts after any concurrent writer committed, so its snapshot sees every activity.
 */
export async function refreshEngagement(client: Queryable, workspaceId: string, contactIds: string[]): Promise<string[]> {
  // Per channel and status, the newest ENGAGEMENT_RANKS times by the (contact, channel, status,
  // time) index: bounded work however many activities a contact has.
  const pairs = ACTIVITY_CHANNELS.flatMap((channel) => ACTIVITY_STATUSES.map((status) => `('${channel}', '${status}')`)).join(', ');
  const { rows } = await client.query(
    `with summary as (
       select c.id, coalesce((
         select jsonb_object_agg(p.channel || '.' || p.status, p.times)
           from (select pair.channel, pair.status,
                        (select array_agg(to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') order by t.occurred_at desc, t.id desc)
                           from (select a.occurred_at, a.id from activities a
                                  where a.contact_id = c.id and a.channel = pair.channel and a.status = pair.status
                                  order by a.occurred_at desc, a.id desc limit $3) t) as times
                   from (values ${pairs}) as pair(channel, status)) p
          where p.times is not null), '{}'::jsonb) as engagement
         from contacts c where c.workspace_id = $1 and c.id = any($2::uuid[]))
     update contacts c set engagement = s.engagement, version = c.version + 1
       from summary s where c.id = s.id and c.engagement is distinct from s.engagement
     returning c.id`,
    [workspaceId, contactIds, ENGAGEMENT_RANKS],
  );
  return rows.map((r) => r.id).sort();
}

/**
 * The ids among `contactIds` that are live contacts of the workspace; with `lock`, they are locked
 * until the transaction ends (in id order), so they stay live and their engagement can be updated.
 */
export async function liveContactIds(client: Queryable, workspaceId: string, contactIds: string[], lock = false): Promise<Set<string>> {
  const { rows } = await client.query(
    `select id from contacts where workspace_id = $1 and id = any($2::uuid[]) and deleted_at is null order by id${lock ? ' for update' : ''}`,
    [workspaceId, contactIds],
  );
  return new Set(rows.map((r) => r.id));
}
