// Workspaces and their API keys, managed by the platform operator. A key's secret is returned
// once, at creation; afterwards only its prefix is shown. Revocation takes effect on the next
// request (keys are checked against the database on every request).
import { inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { ApiKeyScope, generateApiKey } from '../auth/api-keys';
import { insertApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys-store';
import { NotFoundError } from '../errors/app-error';
import type { CreateApiKeyRequest, CreateWorkspaceRequest } from './workspace-schemas';
import { insertWorkspace, Workspace, workspaceExists } from './workspaces-store';

export interface IssuedKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  scopes: ApiKeyScope[];
}

async function issueKey(client: PoolClient, workspaceId: string, name: string, scopes: ApiKeyScope[]): Promise<IssuedKey> {
  const generated = generateApiKey();
  const { id } = await insertApiKey(client, { workspaceId, name, prefix: generated.prefix, secretSha256: generated.secretSha256, scopes });
  return { id, name, key: generated.key, prefix: generated.prefix, scopes };
}

export function createWorkspacesService(deps: { pool: Pool }) {
  const { pool } = deps;
  async function requireWorkspace(client: PoolClient | Pool, workspaceId: string): Promise<void> {
    if (!(await workspaceExists(client, workspaceId))) throw new NotFoundError(`Workspace ${workspaceId}`);
  }

  return {
    async createWorkspace(request: CreateWorkspaceRequest): Promise<{ workspace: Workspace; apiKey: IssuedKey }> {
      return inTransaction(pool, async (client) => {
        const workspace = await insertWorkspace(client, request.name);
        return { workspace, apiKey: await issueKey(client, workspace.id, 'initial key', ['read', 'write', 'admin']) };
      });
    },
    createApiKey: (workspaceId: string, request: CreateApiKeyRequest) =>
      inTransaction(pool, async (client) => {
        await requireWorkspace(client, workspaceId);
        return issueKey(client, workspaceId, request.name, request.scopes);
      }),
    async listApiKeys(workspaceId: string) {
      await requireWorkspace(pool, workspaceId);
      return listApiKeys(pool, workspaceId);
    },
    async revokeApiKey(workspaceId: string, keyId: string): Promise<void> {
      if (!(await revokeApiKey(pool, workspaceId, keyId))) throw new NotFoundError(`API key ${keyId} of workspace ${workspaceId}`);
    },
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
