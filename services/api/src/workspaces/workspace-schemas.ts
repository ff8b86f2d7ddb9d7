import { z } from 'zod';

export const CreateWorkspaceRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;
