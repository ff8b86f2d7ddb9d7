import { z } from 'zod';
import { ApiKeyScope } from '../auth/api-keys';

export const CreateWorkspaceRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;

export const WorkspaceIdParams = z.object({ workspaceId: z.uuid('must be a workspace id (UUID)') });
export const ApiKeyParams = WorkspaceIdParams.extend({ keyId: z.uuid('must be an API key id (UUID)') });

export const CreateApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  scopes: z
    .array(ApiKeyScope)
    .min(1, 'must hold at least one scope')
    .transform((s) => [...new Set(s)]),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;
