// /v1/snapshots: audience snapshots (a segment's members frozen at one moment), listed newest
// first, read, deleted, and their members page by page, until they expire (SNAPSHOT_TTL_HOURS).
// An expired snapshot answers 404 at once, as a deleted one does; housekeeping deletes its rows.
import { Router } from 'express';
import { z } from 'zod';
import { inTransaction, Pool } from '@segmenter/shared';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { ConflictError, NotFoundError } from '../errors/app-error';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { DEFAULT_SNAPSHOT_TTL_HOURS, deleteSnapshot, findSnapshot, listSnapshots, snapshotMembers } from './audience-snapshots';

const SnapshotIdParams = z.object({ id: z.uuid('must be a snapshot id (UUID)').transform((s) => s.toLowerCase()) });
export const SnapshotMembersQuery = z.strictObject({
  cursor: z.string().regex(/^\d{1,9}\.\d{1,6}$/, 'must be a cursor returned by this endpoint').optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1000),
});
export const SnapshotListQuery = ListQuery;

export function snapshotsRoutes(pool: Pool, options: { ttlHours?: number } = {}): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const ttlHours = options.ttlHours ?? DEFAULT_SNAPSHOT_TTL_HOURS;
  const find = async (workspaceId: string, id: string) => {
    const snapshot = await findSnapshot(pool, workspaceId, id, ttlHours);
    if (!snapshot) throw new NotFoundError(`Snapshot ${id}`);
    return snapshot;
  };

  router.get('/', read, async (req, res) => {
    const query = parseRequestPart(SnapshotListQuery, 'query', req.query);
    res.json(await listSnapshots(pool, workspaceOf(res), ttlHours, query));
  });

  router.get('/:id', read, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    res.json(await find(workspaceOf(res), id));
  });

  router.delete('/:id', write, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    const outcome = await inTransaction(pool, (client) => deleteSnapshot(client, workspaceOf(res), id, ttlHours));
    if (outcome === 'not_found') throw new NotFoundError(`Snapshot ${id}`);
    if (outcome !== 'deleted') throw new ConflictError(`Snapshot ${id} is used by bulk action job ${outcome.usedByJob}, still running; delete it once the job has ended`);
    res.status(204).end();
  });

  router.get('/:id/members', read, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    const query = parseRequestPart(SnapshotMembersQuery, 'query', req.query);
    const snapshot = await find(workspaceOf(res), id);
    if (snapshot.status !== 'ready') throw new ConflictError(`Snapshot ${id} is ${snapshot.status}; its members can be read once it is ready`);
    res.json({ snapshotId: id, total: snapshot.total, ...(await snapshotMembers(pool, id, query.cursor, query.limit)) });
  });
  return router;
}
