// The /v1/jobs endpoints as the OpenAPI document lists them, with the request schemas the routes
// validate with; openapi-document.ts joins every feature's table.
import { ok, type Operation } from '../http/operation';
import { JobList, jobRef } from './job-responses';
import { ListQuery } from '../http/list-page';
import { JobIdParams } from './job-schemas';

export const JOBS_OPERATIONS: Operation[] = [
  { method: 'get', path: '/v1/jobs', tag: 'jobs', summary: 'Jobs, newest first (paged)', scope: 'read', query: ListQuery, responses: { 200: ok(JobList) } },
  { method: 'get', path: '/v1/jobs/{id}', tag: 'jobs', summary: 'A job with its progress', scope: 'read', params: JobIdParams, responses: { 200: ok(jobRef) } },
];
