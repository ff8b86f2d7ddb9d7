// The /v1/custom-fields endpoints as the OpenAPI document lists them, with the request schemas the
// routes validate with; openapi-document.ts joins every feature's table.
import { CustomFieldDefinition, CustomFieldList } from './custom-field-responses';
import { jobRef } from '../jobs/job-responses';
import { accepted, created, ok, type Operation } from '../http/operation';
import { CreateCustomField, CustomFieldParams, DeleteCustomFieldQuery, RenameCustomField, RenameCustomFieldQuery } from './custom-field-schemas';
import { ChangePreview } from '../dependencies/dependency-responses';
import { ListQuery } from '../http/list-page';

export const CUSTOM_FIELDS_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/v1/custom-fields',
    tag: 'custom fields',
    summary: 'Custom field definitions (paged), with the per-workspace limit',
    scope: 'read',
    query: ListQuery,
    responses: { 200: ok(CustomFieldList) },
  },
  {
    method: 'post',
    path: '/v1/custom-fields',
    tag: 'custom fields',
    summary: 'Define a custom field',
    scope: 'admin',
    body: CreateCustomField,
    errors: [409],
    responses: { 201: created(CustomFieldDefinition) },
  },
  {
    method: 'patch',
    path: '/v1/custom-fields/{key}',
    tag: 'custom fields',
    summary:
      'Rename a custom field (a job: every contact holding it and the saved segments using it are rewritten); dryRun=true answers what would happen (200)',
    scope: 'admin',
    params: CustomFieldParams,
    query: RenameCustomFieldQuery,
    body: RenameCustomField,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the rename would do'), 202: accepted(jobRef) },
  },
  {
    method: 'delete',
    path: '/v1/custom-fields/{key}',
    tag: 'custom fields',
    summary:
      'Delete a custom field (a job); 409 naming the saved segments that use it unless force=true, which marks them broken; dryRun=true answers what would happen (200)',
    scope: 'admin',
    params: CustomFieldParams,
    query: DeleteCustomFieldQuery,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the delete would do'), 202: accepted(jobRef) },
  },
];
