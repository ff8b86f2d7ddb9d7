// The express application: JSON under /v1, one error handler, health endpoints. Built from its
// services so tests run the real app against their own database and topics.
import express, { Express } from 'express';
import { healthzHandler, Logger, MetricsEndpointSettings, mountMetrics, Pool, readyzHandler, ReadinessCheck, Registry, RequestLimits } from '@segmenter/shared';
import { analyticsRoutes } from './analytics/analytics-routes';
import type { AnalyticsService } from './analytics/analytics-service';
import { consistencyRoutes } from './consistency/consistency-routes';
import type { ConsistencyService } from './consistency/consistency-service';
import { consistencyTokens } from './consistency/write-tracking';
import { consoleRoutes } from './console/console-routes';
import { countsRoutes } from './counts/counts-routes';
import type { CountsService } from './counts/counts-service';
import { contactSegmentsRoutes, segmentsRoutes } from './segments/segments-routes';
import type { SegmentsService } from './segments/segments-service';
import { snapshotsRoutes } from './segments/snapshots-routes';
import type { SnapshotsService } from './segments/snapshots-service';
import { ApiMetrics, httpMetrics } from './metrics/api-metrics';
import { searchIndexRoutes } from './search-index/search-index-routes';
import type { SearchIndexService } from './search-index/search-index-service';
import { activitiesRoutes, contactActivitiesRoutes } from './activities/activities-routes';
import type { ActivitiesService } from './activities/activities-service';
import { contactsRoutes } from './contacts/contacts-routes';
import type { ContactsService } from './contacts/contacts-service';
import { customFieldsRoutes } from './custom-fields/custom-fields-routes';
import type { CustomFieldsService } from './custom-fields/custom-fields-service';
import { duplicatesRoutes } from './duplicates/duplicates-routes';
import { suppressionsRoutes } from './suppressions/suppressions-routes';
import type { SuppressionsService } from './suppressions/suppressions-service';
import type { DuplicatesService } from './duplicates/duplicates-service';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { jsonBodiesOnly } from './http/json-bodies-only';
import { refuseNulCharacters } from './http/refuse-nul';
import { requestLimits } from './http/rate-limits';
import { jobsRoutes } from './jobs/jobs-routes';
import type { JobsService } from './jobs/jobs-service';
import { importsRoutes } from './imports/imports-routes';
import { exportsRoutes } from './exports/exports-routes';
import type { ExportsService } from './exports/exports-service';
import type { ImportsService } from './imports/imports-service';
import { openApiRoutes } from './openapi/openapi-routes';
import { contactLabelsRoutes, labelsRoutes } from './labels/labels-routes';
import type { LabelsService } from './labels/labels-service';
import type { LabelHygieneService } from './labels/label-hygiene';
import { dependenciesRoutes } from './dependencies/dependencies-routes';
import type { DependenciesService } from './dependencies/dependencies-service';
import { contactTagsRoutes, tagsRoutes } from './tags/tags-routes';
import type { TagsService } from './tags/tags-service';
import type { WorkspacesService } from './workspaces/workspaces-service';
import { workspacesRoutes } from './workspaces/workspaces-routes';
import type { WebhooksService } from './webhooks/webhooks-service';
import { webhooksRoutes } from './webhooks/webhooks-routes';

export interface AppServices {
  contacts: ContactsService;
  tags: TagsService;
  labels: LabelsService;
  labelHygiene: LabelHygieneService;
  dependencies: DependenciesService;
  duplicates: DuplicatesService;
  workspaces: WorkspacesService;
  imports: ImportsService;
  customFields: CustomFieldsService;
  activities: ActivitiesService;
  suppressions: SuppressionsService;
  jobs: JobsService;
  searchIndex: SearchIndexService;
  segments: SegmentsService;
  snapshots: SnapshotsService;
  counts: CountsService;
  analytics: AnalyticsService;
  consistency: ConsistencyService;
  exports: ExportsService;
  webhooks: WebhooksService;
}

export interface AppDependencies {
  pool: Pool;
  log: Logger;
  services: AppServices;
  bodyLimit: string;
  operatorKey?: string;
  /** express's "trust proxy" (API_TRUST_PROXY): which proxies may name the client address. */
  trustProxy?: number | string;
  readiness: Record<string, ReadinessCheck>;
  /** How long reads served by Elasticsearch may wait for read-your-writes (CONSISTENCY_MAX_WAIT_MS). */
  consistencyMaxWaitMs: number;
  /** `endpoint`: where /metrics is served and its token (config METRICS_*); open on this app when absent. */
  metrics: { registry: Registry; api: ApiMetrics; endpoint?: MetricsEndpointSettings };
  /** Per-key rate and search cost, failed authentications per IP (config: RequestLimits). */
  limits: Omit<RequestLimits, 'search'>;
  /** The web console's build (services/console/dist); where the api's own sources or build find it when absent. */
  consoleDir?: string;
}

export function createApp(deps: AppDependencies): Express {
  const { pool, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  // First, so every answer is timed, the body parser's and the input checks' refusals too.
  app.use(httpMetrics(deps.metrics.api));
  app.use(express.json({ limit: deps.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(jsonBodiesOnly);
  app.use(refuseNulCharacters);

  app.get('/healthz', healthzHandler);
  app.get('/readyz', readyzHandler(deps.readiness));
  mountMetrics(app, deps.metrics.registry, deps.metrics.endpoint ?? { host: '' });
  app.use('/v1', requestLimits(deps.limits));
  app.use('/v1', consistencyTokens(pool, deps.log));
  app.use(openApiRoutes());
  // The console's page signs in by itself (it asks for an API key): no key to serve its files.
  app.use('/console', consoleRoutes(deps.consoleDir));
  app.use('/v1/admin', workspacesRoutes(services.workspaces, deps.operatorKey));
  app.use('/v1/admin/search-index', searchIndexRoutes(services.searchIndex, deps.operatorKey));
  app.use('/v1/contacts', contactTagsRoutes(services.tags, pool));
  app.use('/v1/contacts', contactLabelsRoutes(services.labels, pool));
  app.use('/v1/contacts', contactActivitiesRoutes(services.activities, pool));
  app.use('/v1/contacts', contactSegmentsRoutes(services.segments, pool));
  app.use('/v1/contacts', contactsRoutes(services.contacts, pool));
  app.use('/v1/custom-fields', customFieldsRoutes(services.customFields, pool));
  app.use('/v1/tags', tagsRoutes(services.tags, pool));
  app.use('/v1/labels', labelsRoutes(services.labels, services.labelHygiene, pool));
  app.use('/v1/dependencies', dependenciesRoutes(services.dependencies, pool));
  app.use('/v1/activities', activitiesRoutes(services.activities, pool));
  app.use('/v1/duplicates', duplicatesRoutes(services.duplicates, pool));
  app.use('/v1/suppressions', suppressionsRoutes(services.suppressions, pool));
  app.use('/v1/jobs', jobsRoutes(services.jobs, pool));
  app.use('/v1/imports', importsRoutes(services.imports, pool));
  app.use('/v1/counts', countsRoutes(services.counts, pool, deps.consistencyMaxWaitMs));
  app.use('/v1/analytics', analyticsRoutes(services.analytics, pool, deps.consistencyMaxWaitMs));
  app.use('/v1/segments', segmentsRoutes(services.segments, pool, deps.consistencyMaxWaitMs));
  app.use('/v1/snapshots', snapshotsRoutes(services.snapshots, pool));
  app.use('/v1/exports', exportsRoutes(services.exports, pool));
  app.use('/v1/consistency', consistencyRoutes(services.consistency, pool, deps.consistencyMaxWaitMs));
  app.use('/v1/webhooks', webhooksRoutes(services.webhooks, pool));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log, deps.bodyLimit));
  return app;
}
