// The outbox relay: moves committed change events from Postgres to Kafka. Publish, then delete:
// a crash between the two republishes the batch (at-least-once), which the indexer absorbs
// because it indexes by version. Deleting before the acknowledgement could lose events.
import {
  CONTACT_EVENT_SCHEMA_VERSION,
  ChangeEvent,
  createBackgroundLoop,
  createQueueTableVacuum,
  EventPublisher,
  inTransaction,
  Logger,
  OutgoingMessage,
  Pool,
} from '@segmenter/shared';
import { claimOutboxBatch, completeEvent, deleteOutboxRows, moveToOutboxDeadLetters, OutboxRow } from './outbox-store';

export interface OutboxRelayOptions {
  pool: Pool;
  publisher: EventPublisher;
  topic: string;
  batchSize: number;
  pollIntervalMs: number;
  log: Logger;
  /** Told how many events each batch published, and about each failed batch (metrics). */
  onPublished?: (count: number) => void;
  onFailure?: () => void;
}

/** The published event: the payload completed with the outbox id and the row's insert time. */
export function toChangeEvent(row: OutboxRow): ChangeEvent {
  return completeEvent(row.payload, row.id, row.createdAt);
}

export function createOutboxRelay({ pool, publisher, topic, batchSize, pollIntervalMs, log, onPublished, onFailure }: OutboxRelayOptions) {
  // The relay's claim walks the outbox's primary key from the start: the entries of published
  // (deleted) rows must be vacuumed away, or each claim costs more than the last. Often: while
  // writers' transactions are open, a scan cannot mark those entries dead for the next one, so
  // every claim (and every empty poll) walks them all again. The table holds only the backlog, so
  // a vacuum is cheap; every 50,000 rows, the walks cost more Postgres time per event at a large
  // import than building the events did.
  const vacuum = createQueueTableVacuum({
    pool,
    table: 'outbox',
    everyDeletedRows: 10_000,
    onError: (err) => log.warn({ err }, 'vacuum of the outbox failed'),
  });

  /** Publishes one batch; returns how many events went out. */
  async function relayOnce(): Promise<number> {
    const published = await inTransaction(pool, async (client) => {
      const rows = await claimOutboxBatch(client, batchSize);
      if (rows.length === 0) return 0;
      const messages: OutgoingMessage[] = [];
      const publishable: string[] = [];
      for (const row of rows) {
        let event: ChangeEvent;
        try {
          event = toChangeEvent(row);
        } catch (err) {
          log.error({ err, outboxId: row.id, eventType: row.eventType }, 'invalid outbox row moved to outbox_dead_letters');
          await moveToOutboxDeadLetters(client, row, String((err as Error).message).slice(0, 2000));
          continue;
        }
        publishable.push(row.id);
        messages.push({
          key: row.aggregateId, // one aggregate's events stay in one partition, in order
          value: JSON.stringify(event),
          headers: { 'event-type': row.eventType, 'schema-version': String(CONTACT_EVENT_SCHEMA_VERSION) },
        });
      }
      await publisher.publish(topic, messages);
      await deleteOutboxRows(client, publishable);
      onPublished?.(messages.length);
      return rows.length;
    });
    vacuum.deleted(published);
    return published;
  }

  let failures = 0;
  const loop = createBackgroundLoop(async () => {
    try {
      const published = await relayOnce();
      failures = 0;
      // A full batch means more is waiting: go again at once. Otherwise poll.
      return published < batchSize ? pollIntervalMs : 0;
    } catch (err) {
      failures += 1;
      onFailure?.();
      const backoff = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
      log.error({ err, backoffMs: backoff }, 'outbox relay batch failed; will retry');
      return backoff;
    }
  });

  return {
    relayOnce,
    start: loop.start,
    /** Lets the batch in flight finish (publish and delete), then stops. */
    stop: async () => {
      await loop.stop();
      await vacuum.settled();
    },
  };
}
export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
