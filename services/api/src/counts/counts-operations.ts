// GET /v1/counts as the OpenAPI document lists it, with the request schemas the routes validate
// with; openapi-document.ts joins every feature's table.
import { Counts } from './counts-responses';
import { DOCUMENTED_MAX_WAIT_MS, ok, type Operation } from '../http/operation';
import { CountsQuery } from './counts-schemas';

export const COUNTS_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/counts',
    tag: 'counts',
    summary:
      'Live contacts, sendable by email and phone, per status (of the contacts that have the channel), tag and label key, from the search index, with its freshness; pass the Consistency-Token a write returned to read your writes',
    scope: 'read',
    query: CountsQuery(DOCUMENTED_MAX_WAIT_MS),
    waitsForConsistency: true,
    searchesInRequest: true,
    responses: { 200: ok(Counts) },
  },
];
