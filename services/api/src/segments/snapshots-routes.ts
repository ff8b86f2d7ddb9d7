// /v1/snapshots: audience snapshots (a segment's members frozen at one moment) and their members,
// page by page, for as long as a campaign needs them.
import { Router } from 'express';
import { z } from 'zod';
import { Pool } from '@segmenter/shared';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { ConflictError, NotFoundError } from '../errors/app-error';
import { parseRequestPart } from '../http/validate';
import { SNAPSHOT_JOB, snapshotMembers } from './audience-snapshots';

const SnapshotIdParams = z.object({ id: z.uuid('must be a snapshot id (UUID)').transform((s) => s.toLowerCase()) });
export const SnapshotMembersQuery = z.strictObject({
  cursor: z.string().regex(/^\d{1,9}\.\d{1,6}$/, 'must be a cursor returned by this endpoint').optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1000),
});

/** /v1/snapshots/:id and its members, page by page, for as long as the campaign needs them. */
export function snapshotsRoutes(pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const find = async (workspaceId: string, id: string) => {
    // A snapshot whose job gave up (after its retries) is failed, whatever its own row says.
    const { rows } = await pool.query(
      `select s.id, s.segment_id, case when s.status = 'building' and j.status = 'failed' then 'failed' else s.status end as status,
              s.total, s.created_at, s.ready_at, j.error
         from audience_snapshots s left join jobs j on j.workspace_id = s.workspace_id and j.type = $3 and j.params->>'snapshotId' = s.id::text
        where s.workspace_id = $1 and s.id = $2`,
      [workspaceId, id, SNAPSHOT_JOB],
    );
    if (!rows[0]) throw new NotFoundError(`Snapshot ${id}`);
    const r = rows[0];
    return {
      id: r.id,
      segmentId: r.segment_id,
      status: r.status as string,
      total: r.total,
      createdAt: r.created_at.toISOString(),
      readyAt: r.ready_at?.toISOString() ?? null,
      ...(r.status === 'failed' && r.error ? { error: r.error } : {}),
    };
  };
  router.get('/:id', read, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    res.json(await find(workspaceOf(res), id));
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
