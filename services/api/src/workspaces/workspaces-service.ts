// Creating a workspace also issues its first key (all scopes), returned once and never again.
import { inTransaction, Pool } from '@segmenter/shared';
import { ApiKeyScope, generateApiKey } from '../auth/api-keys';
import { insertApiKey } from '../auth/api-keys-store';
import type { CreateWorkspaceRequest } from './workspace-schemas';
import { insertWorkspace, Workspace } from './workspaces-store';

export interface CreatedWorkspace {
  workspace: Workspace;
  apiKey: { id: string; key: string; prefix: string; scopes: ApiKeyScope[] };
}

export function createWorkspacesService(pool: Pool) {
  return {
    async createWorkspace(request: CreateWorkspaceRequest): Promise<CreatedWorkspace> {
      return inTransaction(pool, async (client) => {
        const workspace = await insertWorkspace(client, request.name);
        const generated = generateApiKey();
        const scopes: ApiKeyScope[] = ['read', 'write', 'admin'];
        const { id } = await insertApiKey(client, {
          workspaceId: workspace.id,
          name: 'initial key',
          prefix: generated.prefix,
          secretSha256: generated.secretSha256,
          scopes,
        });
        return { workspace, apiKey: { id, key: generated.key, prefix: generated.prefix, scopes } };
      });
    },
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
