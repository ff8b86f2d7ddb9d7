// The /v1/snapshots endpoints (audience snapshots) as the OpenAPI document lists them, with the
// request schemas the routes validate with; openapi-document.ts joins every feature's table.
import { none, ok, type Operation } from '../http/operation';
import { Snapshot, SnapshotMembers, SnapshotPage } from './snapshot-responses';
import { SnapshotIdParams, SnapshotListQuery, SnapshotMembersQuery } from './segment-schemas';

export const SNAPSHOTS_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/snapshots',
    tag: 'segments',
    summary: 'Audience snapshots that have not expired, newest first (paged)',
    scope: 'read',
    query: SnapshotListQuery,
    responses: { 200: ok(SnapshotPage) },
  },
  {
    method: 'get',
    path: '/v1/snapshots/{id}',
    tag: 'segments',
    summary: 'An audience snapshot: status, total and when it expires',
    scope: 'read',
    params: SnapshotIdParams,
    responses: { 200: ok(Snapshot) },
  },
  {
    method: 'delete',
    path: '/v1/snapshots/{id}',
    tag: 'segments',
    summary: 'Delete a snapshot (409 while a bulk action job still reads it)',
    scope: 'write',
    params: SnapshotIdParams,
    errors: [409],
    responses: { 204: none('Deleted') },
  },
  {
    method: 'get',
    path: '/v1/snapshots/{id}/members',
    tag: 'segments',
    summary: 'A page of a ready snapshot (contact ids)',
    scope: 'read',
    params: SnapshotIdParams,
    query: SnapshotMembersQuery,
    errors: [409],
    responses: { 200: ok(SnapshotMembers) },
  },
];
