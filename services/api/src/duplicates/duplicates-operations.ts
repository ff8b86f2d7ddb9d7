// The /v1/duplicates endpoints as the OpenAPI document lists them, with the request schemas the
// routes validate with; openapi-document.ts joins every feature's table.
import { z } from 'zod';
import { DuplicateContacts, DuplicatesResolved, DuplicateValues } from './duplicate-responses';
import { ok, type Operation } from '../http/operation';
import { DuplicateField, DuplicateFieldParams, ResolveDuplicatesRequest } from './duplicate-schemas';

// The value is documented as any string: the route normalizes it (DuplicateValueParams) before
// checking its length, which the document cannot show.
const ValueParams = z.object({ field: DuplicateField, value: z.string() });

export const DUPLICATES_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/duplicates/{field}',
    tag: 'duplicates',
    summary: 'Values (email or phone) shared by several live contacts',
    scope: 'read',
    params: DuplicateFieldParams,
    responses: { 200: ok(DuplicateValues) },
  },
  {
    method: 'get',
    path: '/v1/duplicates/{field}/{value}/contacts',
    tag: 'duplicates',
    summary: 'The contacts behind one duplicate value',
    scope: 'read',
    params: ValueParams,
    responses: { 200: ok(DuplicateContacts) },
  },
  {
    method: 'post',
    path: '/v1/duplicates/resolve',
    tag: 'duplicates',
    summary: 'Merge or remove the duplicates of one value',
    scope: 'write',
    body: ResolveDuplicatesRequest,
    errors: [404, 409],
    responses: { 200: ok(DuplicatesResolved) },
  },
];
