// Request shapes of the operator's search index routes: a rebuild takes no options, a reconcile
// one workspace or all of them, and repairs only when asked.
import { z } from 'zod';

export const ReconcileRequest = z.strictObject({
  workspaceId: z.uuid('must be a workspace id (UUID)').optional(),
  repair: z.boolean().default(false),
});
export const RebuildRequest = z.strictObject({});
