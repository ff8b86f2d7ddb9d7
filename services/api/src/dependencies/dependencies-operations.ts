// The /v1/dependencies endpoint as the OpenAPI document lists it; openapi-document.ts joins every
// feature's table. The dry runs are documented with the operations they preview.
import { ok, type Operation } from '../http/operation';
import { DependenciesAnswer } from './dependency-responses';
import { DependenciesQuery } from './dependency-schemas';

export const DEPENDENCIES_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/dependencies',
    tag: 'segments',
    summary:
      'The saved segments that use a tag (id or exact name), a label key, a custom field or a segment (exactly one), directly or through other segments; an unknown label key is not an error',
    scope: 'read',
    query: DependenciesQuery,
    errors: [404],
    responses: { 200: ok(DependenciesAnswer) },
  },
];
