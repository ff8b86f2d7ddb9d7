// Operator routes: workspaces are created by the platform operator, not by API keys.
import { Router } from 'express';
import { requireOperator } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { CreateWorkspaceRequest } from './workspace-schemas';
import type { WorkspacesService } from './workspaces-service';

export function workspacesRoutes(service: WorkspacesService, operatorKey: string | undefined): Router {
  const router = Router();
  router.use(requireOperator(operatorKey));
  router.post('/workspaces', async (req, res) => {
    const body = parseRequestPart(CreateWorkspaceRequest, 'body', req.body);
    res.status(201).json(await service.createWorkspace(body));
  });
  return router;
}
