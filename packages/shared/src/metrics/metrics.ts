// Prometheus metrics: each running service owns a registry (tests run several services in one
// process, so nothing goes into prom-client's global registry) served at GET /metrics: on the
// service's own port (the default, so `./dev up` works) or on a port of its own, and behind a
// bearer token when METRICS_TOKEN is set. Metrics name routes and volumes: not for the internet.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { listenHttp } from '../http/health-routes';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

export function createMetricsRegistry(service: 'api' | 'indexer'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

function metricsHandler(registry: Registry) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.type(registry.contentType).send(await registry.metrics());
  };
}

/** Seconds since `start` (a performance.now() reading). */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;

export interface MetricsEndpointSettings {
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
  /** When set, /metrics is served only on this port (0: any free one) and not on the service's port. */
  port?: number;
  host: string;
}

// Digests first: timingSafeEqual needs equal lengths, and comparing digests leaks no length.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Refuses a scrape without the token with a 401 (Prometheus: `authorization: { credentials: ... }`). */
function requireMetricsToken(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected) return next();
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="metrics"')
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: 'GET /metrics needs the metrics token in the Authorization header (Bearer)',
          errors: [{ field: 'headers.authorization', rule: 'must be "Bearer " and the configured METRICS_TOKEN' }],
        }),
      );
  };
}

/** Serves /metrics on the service's own app, unless a port of its own is configured. */
export function mountMetrics(app: Express, registry: Registry, settings: MetricsEndpointSettings): void {
  if (settings.port === undefined) app.get('/metrics', requireMetricsToken(settings.token), metricsHandler(registry));
}

/** When a metrics port is configured, serves /metrics there (and only there); the server is to be stopped at shutdown. */
export async function listenMetricsPort(
  registry: Registry,
  settings: MetricsEndpointSettings,
  log: Logger,
): Promise<{ server: Server; url: string } | undefined> {
  if (settings.port === undefined) return undefined;
  const metricsApp = express();
  metricsApp.disable('x-powered-by');
  metricsApp.get('/metrics', requireMetricsToken(settings.token), metricsHandler(registry));
  const listening = await listenHttp(metricsApp, settings.port, settings.host);
  log.info({ url: `${listening.url}/metrics`, token: settings.token !== undefined }, 'metrics listening on their own port');
  return listening;
}

/** Production with metrics open on the service's port: worth a line at every start. */
export function warnIfMetricsOpen(settings: MetricsEndpointSettings, env: string, log: Logger): void {
  if (env === 'production' && settings.token === undefined && settings.port === undefined) {
    log.warn('GET /metrics is open on the service port: set METRICS_TOKEN or a metrics port (docs/operations.md, "Protecting /metrics")');
  }
}
