// The suppression list of a workspace: paged reads and lifting one entry. Lifting changes no
// contact: a live contact keeps its status until it is changed.
import type { Pool } from '@segmenter/shared';
import { NotFoundError } from '../errors/app-error';
import { deleteSuppression, listSuppressions, SuppressionListOptions } from './suppressions-store';

export function createSuppressionsService(deps: { pool: Pool }) {
  const { pool } = deps;
  return {
    list: (workspaceId: string, query: SuppressionListOptions) => listSuppressions(pool, workspaceId, query),

    async lift(workspaceId: string, id: string) {
      const lifted = await deleteSuppression(pool, workspaceId, id);
      if (!lifted) throw new NotFoundError(`Suppression ${id}`);
      return lifted;
    },
  };
}

export type SuppressionsService = ReturnType<typeof createSuppressionsService>;
