// Audience snapshots once queued (segments-service queues them): listed newest first, read,
// deleted, and their members page by page, until they expire (SNAPSHOT_TTL_HOURS).
import { inTransaction, Pool } from '@segmenter/shared';
import { ConflictError, NotFoundError } from '../errors/app-error';
import type { ListQuery } from '../http/list-page';
import { DEFAULT_SNAPSHOT_TTL_HOURS, deleteSnapshot, findSnapshot, listSnapshots, snapshotMembers } from './audience-snapshots';

/** `ttlHours`: how long snapshots live (SNAPSHOT_TTL_HOURS); DEFAULT_SNAPSHOT_TTL_HOURS when not given. */
export function createSnapshotsService(deps: { pool: Pool; ttlHours?: number }) {
  const { pool } = deps;
  const ttlHours = deps.ttlHours ?? DEFAULT_SNAPSHOT_TTL_HOURS;
  // An expired snapshot answers 404 at once, as a deleted one does; housekeeping deletes its rows.
  const find = async (workspaceId: string, id: string) => {
    const snapshot = await findSnapshot(pool, workspaceId, id, ttlHours);
    if (!snapshot) throw new NotFoundError(`Snapshot ${id}`);
    return snapshot;
  };

  return {
    list: (workspaceId: string, query: ListQuery) => listSnapshots(pool, workspaceId, ttlHours, query),
    get: find,

    async delete(workspaceId: string, id: string): Promise<void> {
      const outcome = await inTransaction(pool, (client) => deleteSnapshot(client, workspaceId, id, ttlHours));
      if (outcome === 'not_found') throw new NotFoundError(`Snapshot ${id}`);
      if (outcome !== 'deleted')
        throw new ConflictError(`Snapshot ${id} is used by bulk action job ${outcome.usedByJob}, still running; delete it once the job has ended`);
    },

    async members(workspaceId: string, id: string, page: { cursor?: string; limit: number }) {
      const snapshot = await find(workspaceId, id);
      if (snapshot.status !== 'ready') throw new ConflictError(`Snapshot ${id} is ${snapshot.status}; its members can be read once it is ready`);
      return { snapshotId: id, total: snapshot.total, ...(await snapshotMembers(pool, id, page.cursor, page.limit)) };
    },
  };
}

export type SnapshotsService = ReturnType<typeof createSnapshotsService>;
