// The consistency feature behind GET /v1/consistency: waits (bounded) until the index shows the
// writes behind a Consistency-Token, for clients that read elsewhere (or just want to know).
import { ConsistencyDependencies, ensureConsistent } from './consistency-check';

export type ConsistencyService = ReturnType<typeof createConsistencyService>;

export function createConsistencyService(deps: ConsistencyDependencies) {
  return {
    /** Resolves once the token's writes are searchable; NotYetConsistentError past the wait. */
    async waitForWrites(workspaceId: string, query: { consistencyToken: string; waitMs?: number }) {
      const outcome = (await ensureConsistent(deps, workspaceId, query))!;
      return { consistent: true as const, waitedMs: outcome.waitedMs };
    },
  };
}
