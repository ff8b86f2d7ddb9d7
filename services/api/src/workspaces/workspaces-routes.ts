// Operator routes: workspaces and their API keys are managed by the platform operator
// (Authorization: Bearer <OPERATOR_KEY>), never by a workspace's own keys.
import { Router } from 'express';
import { requireOperator } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { ApiKeyParams, CreateApiKeyRequest, CreateWorkspaceRequest, WorkspaceIdParams } from './workspace-schemas';
import type { WorkspacesService } from './workspaces-service';

export function workspacesRoutes(service: WorkspacesService, operatorKey: string | undefined): Router {
  const router = Router();
  router.use(requireOperator(operatorKey));
  router.post('/workspaces', async (req, res) => {
    const body = parseRequestPart(CreateWorkspaceRequest, 'body', req.body);
    res.status(201).json(await service.createWorkspace(body));
  });
  router.post('/workspaces/:workspaceId/api-keys', async (req, res) => {
    const { workspaceId } = parseRequestPart(WorkspaceIdParams, 'params', req.params);
    const body = parseRequestPart(CreateApiKeyRequest, 'body', req.body);
    res.status(201).json(await service.createApiKey(workspaceId, body));
  });
  router.get('/workspaces/:workspaceId/api-keys', async (req, res) => {
    const { workspaceId } = parseRequestPart(WorkspaceIdParams, 'params', req.params);
    res.json({ items: await service.listApiKeys(workspaceId) });
  });
  router.delete('/workspaces/:workspaceId/api-keys/:keyId', async (req, res) => {
    const { workspaceId, keyId } = parseRequestPart(ApiKeyParams, 'params', req.params);
    await service.revokeApiKey(workspaceId, keyId);
    res.status(204).end();
  });
  return router;
}
