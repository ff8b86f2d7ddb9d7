// Starts the indexer from a Config: the contacts index, the consumer group, the dead-letter
// producer and a small HTTP server for health. Stop steps in shutdown order: the consumer first
// (kafkajs lets the batch in flight finish and commit), then the producer and clients.
import express from 'express';
import {
  closeHttpServer,
  Config,
  connectElasticsearch,
  createConsumerLagProbe,
  createEventConsumer,
  createMetricsRegistry,
  createEventPublisher,
  createPgPool,
  elasticsearchReachable,
  ensureContactsIndex,
  ensureTopics,
  EVERY_WORKSPACE,
  healthzHandler,
  listenHttp,
  listenMetricsPort,
  Logger,
  mountMetrics,
  postgresReachable,
  readyzHandler,
  runStopSteps,
  StopStep,
  warnIfMetricsOpen,
} from '@segmenter/shared';
import { createChangeNotices } from './change-notices';
import { createChangeNoticeHistogram } from './indexer-metrics';
import { createEventBatchHandler } from './event-batch-handler';
import { createIndexerMetrics } from './indexer-metrics';
import { createIndexerProgress } from './indexer-progress';
import { createMembershipClock } from './membership/membership-clock';
import { createMembershipTracker } from './membership/membership-tracker';
import { createSavedSegmentsCache } from './membership/saved-segments-cache';
import { createTimeReevaluation, type TimeReevaluation } from './membership/time-reevaluation';
import { createSearchableTracker } from './searchable-tracker';

export interface RunningIndexer {
  url: string;
  /** Where /metrics is served when it has a port of its own (INDEXER_METRICS_PORT). */
  metricsUrl?: string;
  stopSteps: StopStep[];
  /** The scheduled membership re-evaluation (time-reevaluation.ts): tests run it at instants of their choosing. */
  reevaluation: TimeReevaluation;
  stop(): Promise<void>;
}

export interface IndexerServiceOptions {
  /** Look for due re-evaluations on a timer (the default); tests that drive the clock call runAt themselves. */
  timeReevaluation?: boolean;
}

export async function startIndexerService(config: Config, log: Logger, options: IndexerServiceOptions = {}): Promise<RunningIndexer> {
  // Fails the start with a plain message when the cluster refuses our credentials or certificate.
  const es = await connectElasticsearch(config.elasticsearch);
  // The indexer reads no contact data from Postgres; the pool serves readiness, records its
  // progress (indexer_progress, one small write a second) and which workspaces changed (search_index_changes),
  // and reads the saved segments whose membership it tracks.
  const pool = createPgPool(config.database.url, 3, (err) => log.warn({ err }, 'idle postgres client failed'));
  const kafkaSettings = { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-indexer` };
  const alias = config.elasticsearch.contactsAlias;

  const index = await ensureContactsIndex(es, alias);
  if (!index.mappingCurrent) log.error({ problem: index.problem }, 'the index refuses the current mapping: rebuild it (POST /v1/admin/search-index/rebuild)');
  await ensureTopics(kafkaSettings, log, [
    { topic: config.kafka.topics.contactEvents, partitions: config.kafka.partitions },
    { topic: config.kafka.topics.deadLetter, partitions: 1 },
    { topic: config.kafka.topics.segmentEvents, partitions: config.kafka.partitions },
  ]);
  const deadLetters = await createEventPublisher(kafkaSettings, log);
  const registry = createMetricsRegistry('indexer');
  const changeNoticeSeconds = createChangeNoticeHistogram(registry);
  // Which workspaces changed, for the api's count cache (change-notices.ts). After every join of
  // the group (a start, or a rebalance because a member left or died) every workspace is announced:
  // a member that died between writing a batch and announcing it took its notes with it.
  const changeNotices = createChangeNotices({
    es,
    alias,
    pool,
    log: log.child({ component: 'change-notices' }),
    intervalMs: config.indexer.changeNoticeMs,
    observe: (seconds) => changeNoticeSeconds.observe(seconds),
  });
  const consumer = await createEventConsumer(
    {
      ...kafkaSettings,
      groupId: config.indexer.consumerGroup,
      topic: config.kafka.topics.contactEvents,
      maxBytes: config.indexer.maxBatchBytes,
      maxWaitMs: config.indexer.lingerMs,
      sessionTimeoutMs: config.indexer.sessionTimeoutMs,
      onGroupJoin: () => changeNotices.noteWritten([EVERY_WORKSPACE]),
    },
    log,
    (err) => {
      // kafkajs gave up (a non-retriable error): exit so a supervisor restarts a clean process
      // rather than leaving one that answers /healthz but consumes nothing.
      log.fatal({ err }, 'kafka consumer crashed and will not restart; exiting');
      process.exit(1);
    },
  );
  const lagProbe = createConsumerLagProbe(kafkaSettings, log, config.indexer.consumerGroup, config.kafka.topics.contactEvents);
  const metrics = createIndexerMetrics(registry, lagProbe, log);
  const searchable = createSearchableTracker({ es, alias, histogram: metrics.indexingLag, log });
  // Segment membership events (docs/events.md) go out on the same producer as dead letters.
  const savedSegments = createSavedSegmentsCache(pool);
  const publishTransitions = config.indexer.membershipEvents
    ? createMembershipTracker({
        es,
        alias,
        segments: savedSegments,
        publisher: deadLetters,
        topic: config.kafka.topics.segmentEvents,
        clock: createMembershipClock(pool, config.indexer.reevaluationIntervalMs),
      })
    : undefined;
  const reevaluation = createTimeReevaluation({
    es,
    alias,
    pool,
    segments: savedSegments,
    publisher: deadLetters,
    topic: config.kafka.topics.segmentEvents,
    intervalMs: config.indexer.reevaluationIntervalMs,
    log: log.child({ component: 'membership-reevaluation' }),
  });
  const handler = createEventBatchHandler({
    publishTransitions,
    es,
    alias,
    maxBatchEvents: config.indexer.maxBatchEvents,
    metrics,
    onIndexed: searchable.track,
    onWorkspacesWritten: changeNotices.noteWritten,
    deadLetters,
    deadLetterTopic: config.kafka.topics.deadLetter,
    log: log.child({ component: 'batch-handler' }),
  });
  const progress = createIndexerProgress({
    pool,
    consumerGroup: config.indexer.consumerGroup,
    topic: config.kafka.topics.contactEvents,
    consumer,
    offsets: lagProbe,
    log: log.child({ component: 'indexer-progress' }),
  });
  await consumer.run(progress.recording(handler));

  const app = express();
  app.get('/healthz', healthzHandler);
  const metricsEndpoint = { token: config.metrics.token, port: config.metrics.indexerPort, host: config.metrics.host };
  mountMetrics(app, registry, metricsEndpoint);
  app.get(
    '/readyz',
    readyzHandler({
      postgres: () => postgresReachable(pool),
      kafka: async () => consumer.connected(),
      elasticsearch: () => elasticsearchReachable(es),
    }),
  );
  const { server, url } = await listenHttp(app, config.indexer.httpPort, config.indexer.host);
  log.info({ url, alias, topic: config.kafka.topics.contactEvents }, 'indexer running');
  const metricsListener = await listenMetricsPort(registry, metricsEndpoint, log);
  warnIfMetricsOpen(metricsEndpoint, config.env, log);

  if (config.indexer.membershipEvents && options.timeReevaluation !== false) reevaluation.start();

  const stopSteps: StopStep[] = [
    { name: 'kafka-consumer', stop: () => consumer.close() },
    { name: 'membership-reevaluation', stop: () => reevaluation.stop() },
    { name: 'indexer-progress', stop: () => progress.stop() },
    { name: 'change-notices', stop: () => changeNotices.stop() },
    { name: 'dead-letter-producer', stop: () => deadLetters.close() },
    { name: 'searchable-tracker', stop: () => searchable.stop() },
    { name: 'consumer-lag-probe', stop: () => lagProbe.close() },
    { name: 'http', stop: () => closeHttpServer(server) },
    ...(metricsListener ? [{ name: 'http-metrics', stop: () => closeHttpServer(metricsListener.server) }] : []),
    { name: 'elasticsearch', stop: () => es.close() },
    { name: 'postgres', stop: () => pool.end() },
  ];
  return {
    url,
    metricsUrl: metricsListener?.url,
    stopSteps,
    reevaluation,
    stop: () => runStopSteps(stopSteps),
  };
}
