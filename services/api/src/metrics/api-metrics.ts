// The api's Prometheus metrics: request latency by route, the outbox backlog and its age (read
// from Postgres at scrape time, so they are true even when the relay is stuck), what the relay
// published or failed, and how long read-your-writes requests waited.
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Logger, Pool, Registry } from '@segmenter/shared';

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

export function createApiMetrics(registry: Registry, pool: Pool, log: Logger, searchSlots?: () => { inFlight: number; queued: number }) {
  const registers = [registry];
  new Gauge({
    name: 'segmenter_search_slots',
    help: 'Searches this api process has in flight at Elasticsearch, and waiting for a slot (SEARCH_MAX_IN_FLIGHT)',
    labelNames: ['state'],
    registers,
    collect() {
      const use = searchSlots?.() ?? { inFlight: 0, queued: 0 };
      this.set({ state: 'in_flight' }, use.inFlight);
      this.set({ state: 'queued' }, use.queued);
    },
  });
  const scrapeQuery = async (sql: string) => {
    try {
      return (await pool.query(sql)).rows[0];
    } catch (err) {
      log.warn({ err }, 'metrics query failed');
      return undefined;
    }
  };
  new Gauge({
    name: 'segmenter_outbox_backlog',
    help: 'Change events committed but not yet published to Kafka',
    registers,
    async collect() {
      const row = await scrapeQuery('select count(*)::bigint as n from outbox');
      if (row) this.set(Number(row.n));
    },
  });
  new Gauge({
    name: 'segmenter_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished change event (0 when the outbox is empty)',
    registers,
    async collect() {
      const row = await scrapeQuery('select coalesce(extract(epoch from now() - min(created_at)), 0) as age from outbox');
      if (row) this.set(Number(row.age));
    },
  });
  new Gauge({
    name: 'segmenter_outbox_dead_letters',
    help: 'Outbox rows that were not valid events and were set aside in outbox_dead_letters',
    registers,
    async collect() {
      const row = await scrapeQuery('select count(*)::bigint as n from outbox_dead_letters');
      if (row) this.set(Number(row.n));
    },
  });
  return {
    httpSeconds: new Histogram({
      name: 'segmenter_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    consistencyRefreshSeconds: new Histogram({
      name: 'segmenter_consistency_refresh_seconds',
      help: 'Index refreshes asked for reads waiting on a consistency token (at most one per CONSISTENCY_REFRESH_INTERVAL_MS per process), by duration',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    countAnswers: new Counter({
      name: 'segmenter_count_answers_total',
      help: 'Segment counts by how they were answered: hit (the count cache), coalesced (joined an identical count in flight), miss (searched, then cached), uncached (searched; the cache was off or the index state unknown)',
      labelNames: ['outcome'],
      registers,
    }),
    relayPublished: new Counter({ name: 'segmenter_outbox_published_total', help: 'Change events the relay published to Kafka', registers }),
    relayFailures: new Counter({ name: 'segmenter_outbox_publish_failures_total', help: 'Relay batches that failed and were retried', registers }),
    consistencyWaitSeconds: new Histogram({
      name: 'segmenter_consistency_wait_seconds',
      help: 'How long reads carrying a consistency token waited for the search index, by outcome',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
  };
}

/**
 * The route pattern a request matched (`/v1/contacts/:id`, never the raw path, which would make
 * one series per contact); 'unmatched' for every path no route took (404s), so a scan of made-up
 * paths adds one series, not one each. When an error answered, express has already reset
 * baseUrl, so the mount path is taken from the URL: its leading segments, as many as the pattern
 * does not cover. Our mount paths are literal and express matches them case-insensitively (and
 * not percent-decoded), so the URL's segments are the mount path up to case: lower-casing folds
 * `/V1/CONTACTS` and `/v1/Contacts` into `/v1/contacts`.
 */
export function routePattern(originalUrl: string, routePath: string | undefined): string {
  if (typeof routePath !== 'string') return 'unmatched';
  // Only the path counts: a request target in absolute form (`GET http://any.host/v1/tags/x`)
  // or with a made-up authority must not put its host into the label (one series per host).
  let path: string;
  try {
    path = new URL(originalUrl, 'http://local').pathname;
  } catch {
    return 'unmatched';
  }
  const segments = path.split('/').filter(Boolean);
  const routeSegments = routePath.split('/').filter(Boolean);
  const base = segments.slice(0, Math.max(0, segments.length - routeSegments.length)).map((s) => s.toLowerCase());
  return `/${[...base, ...routeSegments].join('/')}`;
}

/** Times every request under its route pattern. */
export function httpMetrics(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.on('finish', () => {
      const route = routePattern(req.originalUrl, req.route?.path);
      metrics.httpSeconds.observe({ method: req.method, route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    next();
  };
}
