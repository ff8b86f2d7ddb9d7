// Starts the whole API process from a Config: HTTP server and outbox relay, with the stop steps
// in shutdown order. main.ts wires it to signals; integration tests start it in-process.
import {
  closeHttpServer,
  Config,
  connectElasticsearch,
  createEventPublisher,
  createMetricsRegistry,
  createPgPool,
  elasticsearchReachable,
  ensureContactsIndex,
  ensureTopics,
  kafkaReachable,
  listenHttp,
  listenMetricsPort,
  Logger,
  postgresReachable,
  runStopSteps,
  StopStep,
  warnIfMetricsOpen,
} from '@segmenter/shared';
import { AppServices, createApp } from './app';
import { limitSearchTime, searchSlotUse } from './http/search-timeouts';
import { createContactsService } from './contacts/contacts-service';
import { createDuplicatesService } from './duplicates/duplicates-service';
import { createJobRunner, JobRunner } from './jobs/job-runner';
import { createLabelsService } from './labels/labels-service';
import { createLabelHygieneService, LABEL_KEY_RENAME_JOB, LABEL_VALUES_MERGE_JOB } from './labels/label-hygiene';
import { createChangePreviewer } from './dependencies/change-preview';
import { createDependenciesService } from './dependencies/dependencies-service';
import { createTagsService, TAG_DELETE_JOB } from './tags/tags-service';
import { createCustomFieldsService, CUSTOM_FIELD_DELETE_JOB, CUSTOM_FIELD_RENAME_JOB } from './custom-fields/custom-fields-service';
import { backfillSuppressionsChunk, SUPPRESSION_BACKFILL_JOB } from './suppressions/suppression-backfill';
import { createWorkspacesService } from './workspaces/workspaces-service';
import { createOutboxRelay } from './outbox/outbox-relay';
import { createApiMetrics } from './metrics/api-metrics';
import { createHousekeeping } from './housekeeping/housekeeping';
import { createRebuildChunk, REBUILD_JOB } from './search-index/rebuild-job';
import { createReconcileChunk, RECONCILE_JOB } from './search-index/reconcile-job';
import { createSearchIndexService } from './search-index/search-index-service';
import { createActivitiesService } from './activities/activities-service';
import { createJobsService } from './jobs/jobs-service';
import { createSuppressionsService } from './suppressions/suppressions-service';
import { createSnapshotChunk, SNAPSHOT_JOB } from './segments/audience-snapshots';
import { createSegmentActionChunk, SEGMENT_ACTION_JOB } from './segments/segment-actions';
import { createSegmentsService } from './segments/segments-service';
import { createCountCache } from './segments/count-cache';
import { createSegmentHistory, SegmentHistory } from './segments/segment-history';
import { createSegmentCounter, SegmentCount } from './segments/segment-counts';
import { createIndexChangeWatcher, IndexChangeWatcher } from './search-index/index-change-watcher';
import { createSnapshotsService } from './segments/snapshots-service';
import type { ConsistencyDependencies } from './consistency/consistency-check';
import { createConsistencyService } from './consistency/consistency-service';
import { createIndexRefresher } from './consistency/refresh-on-wait';
import { createCountsService } from './counts/counts-service';
import { createAnalyticsService } from './analytics/analytics-service';
import { createMirrorFreshness } from './consistency/mirror-freshness';
import { createExportsService } from './exports/exports-service';
import { createImportChunk, IMPORT_JOB } from './imports/import-job';
import { createImportsService } from './imports/imports-service';
import { startWebhookDelivery } from './webhooks/webhook-delivery';
import { createWebhooksService } from './webhooks/webhooks-service';

export interface RunningApi {
  url: string;
  /** Where /metrics is served when it has a port of its own (API_METRICS_PORT). */
  metricsUrl?: string;
  services: AppServices;
  jobs: JobRunner;
  housekeeping: ReturnType<typeof createHousekeeping>;
  /** Records segment counts for GET /v1/segments/:id/history (tests call recordAt with the instants they choose). */
  segmentHistory: SegmentHistory;
  /** What the count cache knows of the index's changes (tests poll it instead of waiting for the timer). */
  countChanges: IndexChangeWatcher;
  stopSteps: StopStep[];
  stop(): Promise<void>;
}

export interface ApiServiceOptions {
  /** Tests that inspect the outbox itself run the api without its relay. */
  relay?: boolean;
  /** Tests that step through jobs run them with `jobs.drain()` instead of in the background. */
  jobRunner?: boolean;
  /** How long a rebuilt-away index outlives the alias swap (default 15 s; tests shorten it). */
  retireGraceMs?: number;
  /** Contact ids per stored snapshot row (default 10,000; tests shorten it to cross rows). */
  snapshotChunkSize?: number;
  /** How long an import waits for a silent upload before failing it (default 5 min; tests shorten it). */
  uploadStallMs?: number;
  /** How long an import whose rows are written waits for the index before it ends anyway (default 10 min; tests shorten it). */
  importIndexWaitMs?: number;
  /** Records every saved segment's count each interval (default on; tests record with `segmentHistory.recordAt`). */
  segmentHistory?: boolean;
  /** Delivers events to webhooks (the fan-out consumers and the sender; default on). The routes answer either way. */
  webhooks?: boolean;
}

export async function startApiService(config: Config, log: Logger, options: ApiServiceOptions = {}): Promise<RunningApi> {
  const pool = createPgPool(config.database.url, config.database.poolSize, (err) => log.warn({ err }, 'idle postgres client failed'));
  const es = limitSearchTime(await connectElasticsearch(config.elasticsearch), config.limits.search);
  const kafkaSettings = { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-api` };
  const metricsEndpoint = { token: config.metrics.token, port: config.metrics.apiPort, host: config.metrics.host };

  await ensureTopics(kafkaSettings, log, [
    { topic: config.kafka.topics.contactEvents, partitions: config.kafka.partitions },
    { topic: config.kafka.topics.deadLetter, partitions: 1 },
    // Webhooks consume the indexer's membership events, whichever service starts first.
    { topic: config.kafka.topics.segmentEvents, partitions: config.kafka.partitions },
  ]);
  // Reads go to the index too; whichever service starts first creates it.
  const index = await ensureContactsIndex(es, config.elasticsearch.contactsAlias);
  if (!index.mappingCurrent) log.error({ problem: index.problem }, 'the index refuses the current mapping: rebuild it (POST /v1/admin/search-index/rebuild)');
  const publisher = await createEventPublisher(kafkaSettings, log);
  const registry = createMetricsRegistry('api');
  const metrics = createApiMetrics(registry, pool, log, () => searchSlotUse(es));
  const alias = config.elasticsearch.contactsAlias;
  const relay = createOutboxRelay({
    pool,
    publisher,
    topic: config.kafka.topics.contactEvents,
    batchSize: config.outbox.batchSize,
    pollIntervalMs: config.outbox.pollIntervalMs,
    log: log.child({ component: 'outbox-relay' }),
    onPublished: (n) => metrics.relayPublished.inc(n),
    onFailure: () => metrics.relayFailures.inc(),
  });

  // The runner and the services refer to each other (deleting a tag queues a job that the tags
  // service then runs chunk by chunk), so the handler looks the service up when it runs.
  const jobs = createJobRunner({
    pool,
    log: log.child({ component: 'job-runner' }),
    pollIntervalMs: 500,
    handlers: {
      [TAG_DELETE_JOB]: (client, job) => services.tags.deleteTagChunk(client, job),
      [CUSTOM_FIELD_DELETE_JOB]: (client, job) => services.customFields.deleteChunk(client, job),
      [CUSTOM_FIELD_RENAME_JOB]: (client, job) => services.customFields.renameChunk(client, job),
      [LABEL_KEY_RENAME_JOB]: (client, job) => services.labelHygiene.renameChunk(client, job),
      [LABEL_VALUES_MERGE_JOB]: (client, job) => services.labelHygiene.mergeChunk(client, job),
      [SUPPRESSION_BACKFILL_JOB]: backfillSuppressionsChunk,
      [REBUILD_JOB]: createRebuildChunk({ es, alias, pool, log: log.child({ component: 'search-index' }), retireGraceMs: options.retireGraceMs ?? 15_000 }),
      [RECONCILE_JOB]: createReconcileChunk({ es, alias, pool }),
      [SNAPSHOT_JOB]: createSnapshotChunk({ es, alias, chunkSize: options.snapshotChunkSize }),
      [SEGMENT_ACTION_JOB]: createSegmentActionChunk({ es, alias, chunkSize: options.snapshotChunkSize }),
      [IMPORT_JOB]: createImportChunk({
        pool,
        es,
        alias,
        log: log.child({ component: 'imports' }),
        chunkRows: config.imports.chunkRows,
        uploadStallMs: options.uploadStallMs,
        indexWaitMs: options.importIndexWaitMs,
      }),
    },
  });
  // Reads served by Elasticsearch, and how long they may wait for read-your-writes.
  const search: ConsistencyDependencies = {
    pool,
    es,
    alias,
    defaultWaitMs: config.consistency.defaultWaitMs,
    maxWaitMs: config.consistency.maxWaitMs,
    observeWait: (outcome, seconds) => metrics.consistencyWaitSeconds.observe({ outcome }, seconds),
    refresher:
      config.consistency.refreshIntervalMs > 0
        ? createIndexRefresher({
            es,
            alias,
            minIntervalMs: config.consistency.refreshIntervalMs,
            log: log.child({ component: 'consistency' }),
            onRefresh: (seconds) => metrics.consistencyRefreshSeconds.observe(seconds),
          })
        : undefined,
  };
  // Counts served from memory while their workspace's documents are unchanged in the index: the
  // watcher reads which workspaces changed (search_index_changes, written by the indexer after a
  // refresh) every INDEX_CHANGE_POLL_MS.
  const indexChanges = createIndexChangeWatcher({ pool, log: log.child({ component: 'index-changes' }), pollMs: config.counts.changePollMs });
  // With the cache off (COUNT_CACHE_ENTRIES=0) nothing reads the states: no polling.
  if (config.counts.cacheEntries > 0) await indexChanges.start();
  const counter = createSegmentCounter({
    es,
    alias,
    log,
    cache: createCountCache<SegmentCount>({ maxEntries: config.counts.cacheEntries, maxAgeMs: config.counts.cacheMaxAgeMs }),
    stateOf: indexChanges.stateOf,
    onOutcome: (outcome, n) => metrics.countAnswers.inc({ outcome }, n),
  });
  // How far the index is behind Postgres per workspace: every answer served from it says so.
  // Scoped to the consumer group and topic that feed this api's index: another group's rows (a
  // replay, a renamed group) then never count, and a stopped indexer of this one always does.
  const freshness = createMirrorFreshness({ pool, indexer: { consumerGroup: config.indexer.consumerGroup, topic: config.kafka.topics.contactEvents } });
  // Dry runs of deletes, renames and label jobs count the segments they touch through the same counter.
  const previewer = createChangePreviewer({ pool, counter });
  // Filled once the webhook delivery has started (after the app is built).
  const webhookSubscriptions: { changed?: () => void } = {};
  const services: AppServices = {
    contacts: createContactsService({ pool }),
    tags: createTagsService({ pool, jobs, preview: previewer.preview }),
    customFields: createCustomFieldsService({ pool, jobs, preview: previewer.preview }),
    labels: createLabelsService({ pool }),
    labelHygiene: createLabelHygieneService({ pool, es, alias, jobs, preview: previewer.preview }),
    dependencies: createDependenciesService({ pool }),
    duplicates: createDuplicatesService({ pool }),
    workspaces: createWorkspacesService({ pool }),
    activities: createActivitiesService({ pool }),
    suppressions: createSuppressionsService({ pool }),
    jobs: createJobsService({ pool }),
    searchIndex: createSearchIndexService({ pool, es, alias, jobs }),
    imports: createImportsService({
      pool,
      log: log.child({ component: 'imports' }),
      maxBytes: config.imports.maxBytes,
      partitions: config.imports.writers,
      nudgeJobs: () => jobs.nudge(),
    }),
    segments: createSegmentsService({ search, counter, log, jobs }),
    snapshots: createSnapshotsService({ pool, ttlHours: config.snapshots.ttlHours }),
    counts: createCountsService({ search, freshness }),
    analytics: createAnalyticsService({ search, freshness, counter, log: log.child({ component: 'analytics' }) }),
    consistency: createConsistencyService(search),
    exports: createExportsService({ pool, es, alias, log }),
    webhooks: createWebhooksService({ pool, allowLoopback: config.webhooks.allowLoopback, onChanged: () => webhookSubscriptions.changed?.() }),
  };

  const app = createApp({
    pool,
    log,
    services,
    bodyLimit: config.api.bodyLimit,
    operatorKey: config.api.operatorKey,
    trustProxy: config.api.trustProxy,
    consistencyMaxWaitMs: search.maxWaitMs,
    metrics: { registry, api: metrics, endpoint: metricsEndpoint },
    limits: config.limits,
    readiness: {
      postgres: () => postgresReachable(pool),
      kafka: () => kafkaReachable(kafkaSettings, log),
      elasticsearch: () => elasticsearchReachable(es),
    },
  });
  const { server, url } = await listenHttp(app, config.api.port, config.api.host);
  log.info({ url }, 'api listening');
  const metricsListener = await listenMetricsPort(registry, metricsEndpoint, log);
  warnIfMetricsOpen(metricsEndpoint, config.env, log);
  if (options.relay !== false) relay.start();
  if (options.jobRunner !== false) jobs.start();
  const housekeeping = createHousekeeping({
    pool,
    log: log.child({ component: 'housekeeping' }),
    intervalMs: 10 * 60_000,
    snapshotTtlHours: config.snapshots.ttlHours,
    webhookDeliveryRetentionHours: config.webhooks.retentionHours,
  });
  housekeeping.start();
  const segmentHistory = createSegmentHistory({
    pool,
    counter,
    intervalMs: config.counts.historyIntervalMs,
    log: log.child({ component: 'segment-history' }),
  });
  if (options.segmentHistory !== false) segmentHistory.start();
  const webhookDelivery = options.webhooks !== false ? await startWebhookDelivery({ config, pool, log, registry }) : undefined;
  webhookSubscriptions.changed = webhookDelivery?.subscriptionsChanged;

  const stopSteps: StopStep[] = [
    { name: 'http', stop: () => closeHttpServer(server) },
    ...(metricsListener ? [{ name: 'http-metrics', stop: () => closeHttpServer(metricsListener.server) }] : []),
    { name: 'job-runner', stop: () => jobs.stop() },
    { name: 'housekeeping', stop: () => housekeeping.stop() },
    { name: 'segment-history', stop: () => segmentHistory.stop() },
    ...(webhookDelivery?.stopSteps ?? []),
    { name: 'outbox-relay', stop: () => relay.stop() },
    { name: 'index-change-watcher', stop: () => indexChanges.stop() },
    { name: 'kafka-producer', stop: () => publisher.close() },
    { name: 'postgres', stop: () => pool.end() },
    { name: 'elasticsearch', stop: () => es.close() },
  ];
  return {
    url,
    metricsUrl: metricsListener?.url,
    services,
    jobs,
    housekeeping,
    countChanges: indexChanges,
    segmentHistory,
    stopSteps,
    stop: () => runStopSteps(stopSteps),
  };
}
