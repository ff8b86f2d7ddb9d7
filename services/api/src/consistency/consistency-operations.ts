// GET /v1/consistency as the OpenAPI document lists it, with the request schemas the routes
// validate with; openapi-document.ts joins every feature's table.
import { Consistent } from './consistency-responses';
import { DOCUMENTED_MAX_WAIT_MS, ok, type Operation } from '../http/operation';
import { ConsistencyQuery } from './consistency-schemas';

export const CONSISTENCY_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/consistency',
    tag: 'counts',
    summary: 'Wait until the search index shows the write behind a Consistency-Token (503 if not within waitMs)',
    scope: 'read',
    query: ConsistencyQuery(DOCUMENTED_MAX_WAIT_MS),
    waitsForConsistency: true,
    responses: { 200: ok(Consistent) },
  },
];
