// The express application: JSON under /v1, one error handler, health endpoints. Built from its
// dependencies so tests run the real app against their own database and topics.
import express, { Express } from 'express';
import { healthzHandler, Logger, Pool, readyzHandler, ReadinessCheck } from '@segmenter/shared';
import { contactsRoutes } from './contacts/contacts-routes';
import { customFieldsRoutes } from './custom-fields/custom-fields-routes';
import { createContactsService } from './contacts/contacts-service';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { createWorkspacesService } from './workspaces/workspaces-service';
import { workspacesRoutes } from './workspaces/workspaces-routes';

export interface AppDependencies {
  pool: Pool;
  log: Logger;
  bodyLimit: string;
  operatorKey?: string;
  readiness: Record<string, ReadinessCheck>;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: deps.bodyLimit, type: ['application/json', 'application/*+json'] }));

  app.get('/healthz', healthzHandler);
  app.get('/readyz', readyzHandler(deps.readiness));
  app.use('/v1/admin', workspacesRoutes(createWorkspacesService(deps.pool), deps.operatorKey));
  app.use('/v1/contacts', contactsRoutes(createContactsService(deps.pool), deps.pool));
  app.use('/v1/custom-fields', customFieldsRoutes(deps.pool));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log, deps.bodyLimit));
  return app;
}
