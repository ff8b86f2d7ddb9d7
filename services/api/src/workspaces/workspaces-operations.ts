// The operator's workspace and API key endpoints as the OpenAPI document lists them, with the
// request schemas the routes validate with; openapi-document.ts joins every feature's table.
import { ApiKeyList, IssuedKey, WorkspaceCreated } from './workspace-responses';
import { created, none, ok, type Operation } from '../http/operation';
import { ApiKeyParams, CreateApiKeyRequest, CreateWorkspaceRequest, WorkspaceIdParams } from './workspace-schemas';

export const WORKSPACES_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/admin/workspaces',
    tag: 'workspaces',
    summary: 'Create a workspace and its first API key (shown once)',
    scope: 'operator',
    body: CreateWorkspaceRequest,
    responses: { 201: created(WorkspaceCreated) },
  },
  {
    method: 'post',
    path: '/v1/admin/workspaces/{workspaceId}/api-keys',
    tag: 'workspaces',
    summary: 'Issue an API key (the secret is shown once)',
    scope: 'operator',
    params: WorkspaceIdParams,
    body: CreateApiKeyRequest,
    responses: { 201: created(IssuedKey) },
  },
  {
    method: 'get',
    path: '/v1/admin/workspaces/{workspaceId}/api-keys',
    tag: 'workspaces',
    summary: "A workspace's API keys (prefix only)",
    scope: 'operator',
    params: WorkspaceIdParams,
    responses: { 200: ok(ApiKeyList) },
  },
  {
    method: 'delete',
    path: '/v1/admin/workspaces/{workspaceId}/api-keys/{keyId}',
    tag: 'workspaces',
    summary: 'Revoke an API key',
    scope: 'operator',
    params: ApiKeyParams,
    responses: { 204: none('Revoked') },
  },
];
