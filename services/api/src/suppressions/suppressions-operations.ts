// The /v1/suppressions endpoints as the OpenAPI document lists them, with the request schemas the
// routes validate with; openapi-document.ts joins every feature's table.
import { Suppression, SuppressionPage } from './suppression-responses';
import { ok, type Operation } from '../http/operation';
import { SuppressionIdParams, SuppressionListQuery } from './suppression-schemas';

export const SUPPRESSIONS_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/suppressions',
    tag: 'channel status',
    summary: 'The suppression list (addresses that must not be messaged, kept when contacts are deleted), by channel or one address',
    scope: 'read',
    query: SuppressionListQuery,
    responses: { 200: ok(SuppressionPage) },
  },
  {
    method: 'delete',
    path: '/v1/suppressions/{id}',
    tag: 'channel status',
    summary: 'Lift a suppression (no contact changes)',
    scope: 'write',
    params: SuppressionIdParams,
    responses: { 200: ok(Suppression) },
  },
];
