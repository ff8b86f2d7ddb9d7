// The operator's search index endpoints as the OpenAPI document lists them, with the request
// schemas the routes validate with; openapi-document.ts joins every feature's table.
import { jobRef } from '../jobs/job-responses';
import { SearchIndexState } from './search-index-responses';
import { accepted, ok, type Operation } from '../http/operation';
import { JobIdParams } from '../jobs/job-schemas';
import { RebuildRequest, ReconcileRequest } from './search-index-schemas';

export const SEARCH_INDEX_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/search-index',
    tag: 'search index',
    summary: 'Which indices serve reads and take writes',
    scope: 'operator',
    responses: { 200: ok(SearchIndexState) },
  },
  {
    method: 'post',
    path: '/v1/admin/search-index/rebuild',
    tag: 'search index',
    summary: 'Rebuild the index from Postgres into a new generation and swap it in (a job)',
    scope: 'operator',
    body: RebuildRequest,
    bodyOptional: true,
    errors: [409],
    responses: { 202: accepted(jobRef) },
  },
  {
    method: 'post',
    path: '/v1/admin/search-index/reconcile',
    tag: 'search index',
    summary: 'Compare the index with Postgres and optionally repair it (a job with a report)',
    scope: 'operator',
    body: ReconcileRequest,
    bodyOptional: true,
    responses: { 202: accepted(jobRef) },
  },
  {
    method: 'get',
    path: '/v1/admin/search-index/jobs/{id}',
    tag: 'search index',
    summary: 'A rebuild or reconcile job with its progress and report',
    scope: 'operator',
    params: JobIdParams,
    responses: { 200: ok(jobRef) },
  },
];
