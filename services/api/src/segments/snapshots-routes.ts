// /v1/snapshots: audience snapshots (a segment's members frozen at one moment), listed newest
// first, read, deleted, and their members page by page, until they expire (snapshots-service).
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import { SnapshotIdParams, SnapshotListQuery, SnapshotMembersQuery } from './segment-schemas';
import type { SnapshotsService } from './snapshots-service';

export function snapshotsRoutes(snapshots: SnapshotsService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');

  router.get('/', read, async (req, res) => {
    const query = parseRequestPart(SnapshotListQuery, 'query', req.query);
    res.json(await snapshots.list(workspaceOf(res), query));
  });

  router.get('/:id', read, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    res.json(await snapshots.get(workspaceOf(res), id));
  });

  router.delete('/:id', write, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    await snapshots.delete(workspaceOf(res), id);
    res.status(204).end();
  });

  router.get('/:id/members', read, async (req, res) => {
    const { id } = parseRequestPart(SnapshotIdParams, 'params', req.params);
    const query = parseRequestPart(SnapshotMembersQuery, 'query', req.query);
    res.json(await snapshots.members(workspaceOf(res), id, query));
  });
  return router;
}
