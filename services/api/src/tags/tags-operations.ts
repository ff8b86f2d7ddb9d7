// The /v1/tags endpoints and the tag actions on one contact as the OpenAPI document lists them,
// with the request schemas the routes validate with; openapi-document.ts joins every feature's
// table.
import { z } from 'zod';
import { contactRef } from '../contacts/contact-responses';
import { jobRef } from '../jobs/job-responses';
import { BulkTagAnswer, Tag, TagList } from './tag-responses';
import { accepted, created, ok, type Operation } from '../http/operation';
import { ContactIdParams } from '../contacts/contact-schemas';
import { ListQuery } from '../http/list-page';
import { BulkTagRequest, CreateTagRequest, DeleteTagQuery, TagIdParams, TagSelection, UpdateTagQuery, UpdateTagRequest } from './tag-schemas';
import { ChangePreview } from '../dependencies/dependency-responses';

export const TAGS_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/contacts/{id}/tags/add',
    tag: 'tags',
    summary: 'Add tags to a contact',
    scope: 'write',
    params: ContactIdParams,
    body: TagSelection,
    errors: [409],
    responses: { 200: ok(contactRef) },
  },
  {
    method: 'post',
    path: '/v1/contacts/{id}/tags/remove',
    tag: 'tags',
    summary: 'Remove tags from a contact',
    scope: 'write',
    params: ContactIdParams,
    body: TagSelection,
    errors: [409],
    responses: { 200: ok(contactRef) },
  },
  {
    method: 'get',
    path: '/v1/tags',
    tag: 'tags',
    summary: 'Tags with contact counts, by name (paged)',
    scope: 'read',
    query: ListQuery,
    responses: { 200: ok(TagList) },
  },
  {
    method: 'post',
    path: '/v1/tags',
    tag: 'tags',
    summary: 'Create a tag',
    scope: 'write',
    body: CreateTagRequest,
    idempotent: true,
    errors: [409],
    responses: { 201: created(Tag) },
  },
  { method: 'get', path: '/v1/tags/{id}', tag: 'tags', summary: 'Read a tag', scope: 'read', params: TagIdParams, responses: { 200: ok(Tag) } },
  {
    method: 'patch',
    path: '/v1/tags/{id}',
    tag: 'tags',
    summary: 'Rename a tag or change its protection; with dryRun=true, the saved segments using it (with their counts) and nothing changed',
    scope: 'write',
    params: TagIdParams,
    query: UpdateTagQuery,
    body: UpdateTagRequest,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(z.union([Tag, ChangePreview]), 'The tag, or with dryRun=true what the change would do') },
  },
  {
    method: 'delete',
    path: '/v1/tags/{id}',
    tag: 'tags',
    summary:
      'Delete a tag (a job that removes it from every contact); 409 naming the saved segments that use it unless force=true, which marks them broken; dryRun=true answers what would happen (200) and changes nothing',
    scope: 'write',
    params: TagIdParams,
    query: DeleteTagQuery,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the delete would do'), 202: accepted(jobRef) },
  },
  {
    method: 'post',
    path: '/v1/tags/bulk-add',
    tag: 'tags',
    summary: 'Add tags to up to 10,000 contacts',
    scope: 'write',
    body: BulkTagRequest,
    idempotent: true,
    errors: [409],
    responses: { 200: ok(BulkTagAnswer) },
  },
  {
    method: 'post',
    path: '/v1/tags/bulk-remove',
    tag: 'tags',
    summary: 'Remove tags from up to 10,000 contacts',
    scope: 'write',
    body: BulkTagRequest,
    idempotent: true,
    errors: [409],
    responses: { 200: ok(BulkTagAnswer) },
  },
];
