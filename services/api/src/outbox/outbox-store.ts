// SQL for the transactional outbox: append inside the writer's transaction; the relay claims
// rows with FOR UPDATE SKIP LOCKED (several relays never take the same row) and deletes them
// after Kafka acknowledged, so the table holds only the unpublished backlog.
import type { ContactEvent } from '@segmenter/shared';
import type { PoolClient } from 'pg';

/** An event as the writer knows it: the outbox row id and commit time complete it at publish time. */
export type PendingContactEvent = Omit<ContactEvent, 'eventId' | 'occurredAt' | 'schemaVersion'>;

export interface OutboxRow {
  id: string;
  workspaceId: string;
  contactId: string;
  eventType: string;
  payload: PendingContactEvent;
  createdAt: Date;
}

export async function appendOutboxEvent(client: PoolClient, event: PendingContactEvent): Promise<string> {
  const { rows } = await client.query(
    'insert into outbox (workspace_id, contact_id, event_type, payload) values ($1, $2, $3, $4) returning id',
    [event.workspaceId, event.contactId, event.type, event],
  );
  return rows[0].id;
}

export async function claimOutboxBatch(client: PoolClient, limit: number): Promise<OutboxRow[]> {
  const { rows } = await client.query(
    `select id, workspace_id, contact_id, event_type, payload, created_at
       from outbox order by id limit $1 for update skip locked`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    contactId: r.contact_id,
    eventType: r.event_type,
    payload: r.payload,
    createdAt: r.created_at,
  }));
}

export async function deleteOutboxRows(client: PoolClient, ids: string[]): Promise<void> {
  await client.query('delete from outbox where id = any($1::bigint[])', [ids]);
}

export async function outboxBacklog(client: Pick<PoolClient, 'query'>): Promise<number> {
  const { rows } = await client.query('select count(*)::int as n from outbox');
  return rows[0].n;
}
