// SQL for the transactional outbox: append inside the writer's transaction; the relay claims
// rows with FOR UPDATE SKIP LOCKED (several relays never take the same row) and deletes them
// after Kafka acknowledged, so the table holds only the unpublished backlog.
import { ChangeEvent, CONTACT_EVENT_SCHEMA_VERSION, type Queryable } from '@segmenter/shared';
import type { WrittenVersion } from '../consistency/consistency-token';

/** An event as the writer knows it: the outbox row id and commit time complete it at publish time. */
export type PendingChangeEvent = ChangeEvent extends infer E ? (E extends ChangeEvent ? Omit<E, 'eventId' | 'occurredAt' | 'schemaVersion'> : never) : never;

export interface OutboxRow {
  id: string;
  workspaceId: string;
  aggregateId: string;
  eventType: string;
  payload: PendingChangeEvent;
  createdAt: Date;
}

function pendingAggregateId(event: PendingChangeEvent): string {
  return 'tagId' in event ? event.tagId : event.contactId;
}

/** Completes a pending event with its outbox id and time; throws (ZodError) if it is not a valid event. */
export function completeEvent(event: PendingChangeEvent, eventId: string, occurredAt: Date): ChangeEvent {
  return ChangeEvent.parse({ ...event, schemaVersion: CONTACT_EVENT_SCHEMA_VERSION, eventId, occurredAt: occurredAt.toISOString() });
}

/**
 * Appends events in the writer's transaction; returns the contact versions they carry, for the
 * caller to report (the request's Consistency-Token): a store knows nothing of requests.
 */
export async function appendOutboxEvents(client: Queryable, events: PendingChangeEvent[]): Promise<WrittenVersion[]> {
  if (events.length === 0) return [];
  // Validated before it is written: an invalid event fails its own transaction instead of
  // reaching the relay, where it would block every row behind it.
  for (const event of events) completeEvent(event, '0', new Date());
  // One multi-row insert per call: a bulk change of a thousand contacts is one round trip.
  const values: unknown[] = [];
  const rows = events.map((event, i) => {
    values.push(event.workspaceId, pendingAggregateId(event), event.type, event);
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
  });
  await client.query(`insert into outbox (workspace_id, aggregate_id, event_type, payload) values ${rows.join(', ')}`, values);
  return events.flatMap((e) =>
    'contact' in e
      ? [{ contactId: e.contactId, version: e.contact.version }]
      : e.type === 'contact.erased'
        ? [{ contactId: e.contactId, version: e.version }]
        : [],
  );
}

export const appendOutboxEvent = (client: Queryable, event: PendingChangeEvent) => appendOutboxEvents(client, [event]);

export async function claimOutboxBatch(client: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await client.query(
    `select id, workspace_id, aggregate_id, event_type, payload, created_at
       from outbox order by id limit $1 for update skip locked`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    aggregateId: r.aggregate_id,
    eventType: r.event_type,
    payload: r.payload,
    createdAt: r.created_at,
  }));
}

export async function moveToOutboxDeadLetters(client: Queryable, row: OutboxRow, reason: string): Promise<void> {
  await client.query(
    `insert into outbox_dead_letters (id, workspace_id, aggregate_id, event_type, payload, reason, created_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do nothing`,
    [row.id, row.workspaceId, row.aggregateId, row.eventType, row.payload, reason, row.createdAt],
  );
  await deleteOutboxRows(client, [row.id]);
}

export async function deleteOutboxRows(client: Queryable, ids: string[]): Promise<void> {
  await client.query('delete from outbox where id = any($1::bigint[])', [ids]);
}

export async function outboxBacklog(client: Queryable): Promise<number> {
  const { rows } = await client.query('select count(*)::int as n from outbox');
  return rows[0].n;
}
