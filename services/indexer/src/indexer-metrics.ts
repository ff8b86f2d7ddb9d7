// The indexer's Prometheus metrics. Consumer lag is read from Kafka at scrape time, so the gauge
// is true even while the indexer is stuck; the rest is recorded as batches go by.
import { ConsumerLagProbe, Counter, Gauge, Histogram, Logger, Registry } from '@segmenter/shared';

export type IndexerMetrics = ReturnType<typeof createIndexerMetrics>;

export function createIndexerMetrics(registry: Registry, lagProbe: ConsumerLagProbe, log: Logger) {
  const registers = [registry];
  new Gauge({
    name: 'segmenter_indexer_consumer_lag',
    help: 'Events on the contact topic not yet committed by the indexer consumer group, per partition',
    labelNames: ['partition'],
    registers,
    async collect() {
      try {
        this.reset();
        for (const { partition, lag } of await lagProbe.lag()) this.set({ partition: String(partition) }, lag);
      } catch (err) {
        log.warn({ err }, 'could not read consumer lag for metrics');
      }
    },
  });
  return {
    membershipSeconds: new Histogram({
      name: 'segmenter_indexer_membership_duration_seconds',
      help: "Time to find and publish one batch's segment membership transitions (read the indexed states, evaluate, publish)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    membershipFailures: new Counter({
      name: 'segmenter_indexer_membership_failures_total',
      help: "Attempts to find and publish a batch's membership transitions that failed (Kafka or Elasticsearch unreachable) and were retried",
      registers,
    }),
    membershipEvents: new Counter({
      name: 'segmenter_indexer_membership_events_total',
      help: 'segment.entered and segment.exited events published for contact changes',
      registers,
    }),
    batchEvents: new Histogram({
      name: 'segmenter_indexer_batch_events',
      help: 'Events per batch handed to Elasticsearch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers,
    }),
    bulkSeconds: new Histogram({
      name: 'segmenter_indexer_bulk_duration_seconds',
      help: 'Time to write one batch to Elasticsearch, item retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    events: new Counter({
      name: 'segmenter_indexer_events_total',
      help: 'Events handled, by outcome: indexed, stale (an older version, refused), skipped (changes no document), dead_lettered',
      labelNames: ['outcome'],
      registers,
    }),
    bulkFailures: new Counter({
      name: 'segmenter_indexer_bulk_failures_total',
      help: 'Batch writes that failed and were retried (Elasticsearch unreachable, or items still failing with 429/5xx)',
      registers,
    }),
    deadLettered: new Counter({
      name: 'segmenter_indexer_dead_lettered_total',
      help: 'Events sent to the dead-letter topic, by kind: unparseable or rejected (by Elasticsearch)',
      labelNames: ['kind'],
      registers,
    }),
    indexingLag: new Histogram({
      name: 'segmenter_indexing_lag_seconds',
      help: 'From the write transaction (event occurredAt) to the change being visible to searches',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
  };
}

/** The refresh and record of changed workspaces (change-notices.ts): made before the consumer, which announces on every group join. */
export function createChangeNoticeHistogram(registry: Registry): Histogram {
  return new Histogram({
    name: 'segmenter_indexer_change_notice_seconds',
    help: 'Refreshing the index and recording which workspaces changed (what the api count cache drops), per announcement',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
}
