// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests (and the
// shared contact snapshot for answers), so the reference cannot drift from what the code checks.
// Each operation is listed once here; openapi.int.test.ts checks that every listed one is routed.
import { z } from 'zod';
import { ContactSnapshot } from '@segmenter/shared';
import { ActivityFields, ActivityHistoryQuery, BatchActivitiesRequest } from '../activities/activity-schemas';
import {
  BatchUpsertRequest,
  BulkStatusRequest,
  ContactIdParams,
  CreateContactRequest,
  DeleteContactRequest,
  ListContactsQuery,
  ListDeletedQuery,
  StatusChangeRequest,
  UpdateContactRequest,
  UpsertContactRequest,
} from '../contacts/contact-schemas';
import { BulkRemoveLabelsRequest, BulkSetLabelsRequest, ChangeLabelsRequest, ReplaceLabelsRequest } from '../labels/label-schemas';
import { BulkTagRequest, CreateTagRequest, TagIdParams, TagSelection, UpdateTagRequest } from '../tags/tag-schemas';
import { ApiKeyParams, CreateApiKeyRequest, CreateWorkspaceRequest, WorkspaceIdParams } from '../workspaces/workspace-schemas';
import { consistencyQueryFields } from '../consistency/consistency-check';
import { RebuildRequest, ReconcileRequest } from '../search-index/search-index-routes';
import { ContactExportRequest } from '../exports/exports-routes';
import { ImportIdParams, ImportOptions, RejectionsQuery } from '../imports/import-schemas';
import { MEMBER_FIELDS } from '../segments/member-stream';
import { SegmentAction } from '../segments/segment-actions';
import { CreateSegmentRequest, MAX_COUNTS_PER_REQUEST, MAX_PREVIEW, SegmentIdParams, UpdateSegmentRequest } from '../segments/segments-routes';
import { MembersQuery } from '../segments/member-requests';
import { SnapshotMembersQuery } from '../segments/snapshots-routes';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType),
  }));
}

const Contact = ContactSnapshot.omit({ workspaceId: true });
const contactRef = { $ref: '#/components/schemas/Contact' };
const problem = { description: 'Problem (RFC 9457), with errors: [{ field, rule }]', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (schema: JsonSchema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const anyObject = { type: 'object' };

/** The documented bound of waitMs (the default CONSISTENCY_MAX_WAIT_MS; a deployment may differ). */
const DOCUMENTED_MAX_WAIT_MS = 30_000;

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  scope: 'read' | 'write' | 'admin' | 'operator';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<string, unknown>;
  idempotent?: boolean;
  /** A raw text/csv request body (file uploads), described in words. */
  csvBody?: string;
}

const id = ContactIdParams;
const tagId = TagIdParams;
const contactAndKey = z.object({ id: z.uuid(), key: z.string() });

export const OPERATIONS: Operation[] = [
  { method: 'post', path: '/v1/admin/workspaces', tag: 'workspaces', summary: 'Create a workspace and its first API key (shown once)', scope: 'operator', body: CreateWorkspaceRequest, responses: { 201: json(anyObject, 'Created') } },
  { method: 'post', path: '/v1/admin/workspaces/{workspaceId}/api-keys', tag: 'workspaces', summary: 'Issue an API key (the secret is shown once)', scope: 'operator', params: WorkspaceIdParams, body: CreateApiKeyRequest, responses: { 201: json(anyObject, 'Created') } },
  { method: 'get', path: '/v1/admin/workspaces/{workspaceId}/api-keys', tag: 'workspaces', summary: "A workspace's API keys (prefix only)", scope: 'operator', params: WorkspaceIdParams, responses: { 200: json(anyObject) } },
  { method: 'delete', path: '/v1/admin/workspaces/{workspaceId}/api-keys/{keyId}', tag: 'workspaces', summary: 'Revoke an API key', scope: 'operator', params: ApiKeyParams, responses: { 204: { description: 'Revoked' } } },
  { method: 'get', path: '/v1/contacts', tag: 'contacts', summary: 'List and search live contacts (cursor pagination)', scope: 'read', query: ListContactsQuery, responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: contactRef }, nextCursor: { type: ['string', 'null'] } } }) } },
  { method: 'get', path: '/v1/contacts/deleted', tag: 'contacts', summary: 'The Deleted view: list and search deleted contacts', scope: 'read', query: ListDeletedQuery, responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: contactRef }, nextCursor: { type: ['string', 'null'] } } }) } },
  { method: 'post', path: '/v1/contacts', tag: 'contacts', summary: 'Create a contact', scope: 'write', body: CreateContactRequest, idempotent: true, responses: { 201: json(contactRef, 'Created'), 409: problem } },
  { method: 'post', path: '/v1/contacts/upsert', tag: 'contacts', summary: 'Create or update the contact matched by email or phone', scope: 'write', body: UpsertContactRequest, idempotent: true, responses: { 200: json(anyObject, 'Updated or unchanged'), 201: json(anyObject, 'Created') } },
  { method: 'post', path: '/v1/contacts/batch-upsert', tag: 'contacts', summary: 'Upsert up to 1,000 contacts, a result per item', scope: 'write', body: BatchUpsertRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/contacts/bulk-status', tag: 'channel status', summary: 'Set an email or phone status on up to 10,000 contacts, with a reason kept in their history', scope: 'write', body: BulkStatusRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/imports', tag: 'imports', summary: 'Create a CSV import with its options (matching, tags, labels, column mapping); then send its file', scope: 'write', body: ImportOptions, responses: { 201: json(anyObject, 'Created: awaiting its file') } },
  { method: 'get', path: '/v1/imports', tag: 'imports', summary: 'Recent imports with their progress', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/imports/template', tag: 'imports', summary: 'A CSV template: every column, label and custom field columns, one example row', scope: 'read', responses: { 200: { description: 'text/csv' } } },
  { method: 'get', path: '/v1/imports/{id}', tag: 'imports', summary: 'An import: status, progress (read, imported, rejected, indexed), rows/s and ETA', scope: 'read', params: ImportIdParams, responses: { 200: json(anyObject), 404: problem } },
  { method: 'put', path: '/v1/imports/{id}/file', tag: 'imports', summary: 'Send the file (streamed; answers 202 once every row is staged, while the rows are written)', scope: 'write', params: ImportIdParams, csvBody: 'The CSV file, UTF-8, a header row first', responses: { 202: json(anyObject, 'Accepted: the import'), 409: problem, 413: problem, 415: problem } },
  { method: 'post', path: '/v1/imports/{id}/preview', tag: 'imports', summary: 'How the header of a file would map, before anything is imported', scope: 'read', params: ImportIdParams, csvBody: 'The start of the CSV file (the header row is enough)', responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/imports/{id}/cancel', tag: 'imports', summary: 'Cancel an import (rows already written stay)', scope: 'write', params: ImportIdParams, responses: { 200: json(anyObject), 409: problem } },
  { method: 'get', path: '/v1/imports/{id}/rejections', tag: 'imports', summary: 'Rejected rows: row number, column and rule', scope: 'read', params: ImportIdParams, query: RejectionsQuery, responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/imports/{id}/rejected-rows', tag: 'imports', summary: 'Every rejected row as uploaded, plus an error column (fix and import again)', scope: 'read', params: ImportIdParams, responses: { 200: { description: 'text/csv, streamed' } } },
  { method: 'post', path: '/v1/exports/contacts', tag: 'exports', summary: "Export a segment, a search or the Deleted view to CSV in the import's format (streamed)", scope: 'read', body: ContactExportRequest, responses: { 200: { description: 'text/csv, streamed' } } },
  { method: 'get', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Read a contact', scope: 'read', params: id, responses: { 200: json(contactRef), 404: problem } },
  { method: 'patch', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Change some fields (null clears one)', scope: 'write', params: id, body: UpdateContactRequest, responses: { 200: json(contactRef), 404: problem, 409: problem } },
  { method: 'delete', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Soft-delete a contact, with a reason', scope: 'write', params: id, body: DeleteContactRequest, responses: { 200: json(contactRef), 409: problem } },
  { method: 'post', path: '/v1/contacts/{id}/restore', tag: 'contacts', summary: 'Restore a deleted contact', scope: 'write', params: id, responses: { 200: json(contactRef), 409: problem } },
  { method: 'delete', path: '/v1/contacts/{id}/erase', tag: 'contacts', summary: 'Erase a contact on a privacy request (irreversible)', scope: 'admin', params: id, responses: { 204: { description: 'Erased' } } },
  { method: 'post', path: '/v1/contacts/{id}/status', tag: 'channel status', summary: 'Change an email or phone status, with a reason', scope: 'write', params: id, body: StatusChangeRequest, responses: { 200: json(contactRef) } },
  ...['blacklist-email', 'blacklist-phone', 'unsubscribe-email', 'clear-spam-report'].map(
    (action): Operation => ({ method: 'post', path: `/v1/contacts/{id}/actions/${action}`, tag: 'channel status', summary: `One-click: ${action.replace(/-/g, ' ')}`, scope: 'write', params: id, responses: { 200: json(contactRef) } }),
  ),
  { method: 'get', path: '/v1/contacts/{id}/status-history', tag: 'channel status', summary: 'Status changes, newest first', scope: 'read', params: id, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/contacts/{id}/tags/add', tag: 'tags', summary: 'Add tags to a contact', scope: 'write', params: id, body: TagSelection, responses: { 200: json(contactRef) } },
  { method: 'post', path: '/v1/contacts/{id}/tags/remove', tag: 'tags', summary: 'Remove tags from a contact', scope: 'write', params: id, body: TagSelection, responses: { 200: json(contactRef) } },
  { method: 'patch', path: '/v1/contacts/{id}/labels', tag: 'labels', summary: 'Set and remove labels', scope: 'write', params: id, body: ChangeLabelsRequest, responses: { 200: json(contactRef) } },
  { method: 'put', path: '/v1/contacts/{id}/labels', tag: 'labels', summary: 'Replace all labels', scope: 'write', params: id, body: ReplaceLabelsRequest, responses: { 200: json(contactRef) } },
  { method: 'delete', path: '/v1/contacts/{id}/labels/{key}', tag: 'labels', summary: 'Remove one label', scope: 'write', params: contactAndKey, responses: { 200: json(contactRef) } },
  { method: 'post', path: '/v1/contacts/{id}/activities', tag: 'activity', summary: 'Record an engagement event', scope: 'write', params: id, body: ActivityFields, idempotent: true, responses: { 201: json(anyObject, 'Created') } },
  { method: 'get', path: '/v1/contacts/{id}/activities', tag: 'activity', summary: 'Activity history, newest first', scope: 'read', params: id, query: ActivityHistoryQuery, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/activities/batch', tag: 'activity', summary: 'Record up to 1,000 engagement events', scope: 'write', body: BatchActivitiesRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/custom-fields', tag: 'custom fields', summary: 'Custom field definitions', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/custom-fields', tag: 'custom fields', summary: 'Define a custom field', scope: 'admin', body: z.object({ key: z.string(), type: z.enum(['string', 'number', 'date', 'boolean']) }), responses: { 201: json(anyObject, 'Created') } },
  { method: 'get', path: '/v1/tags', tag: 'tags', summary: 'Tags with contact counts', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/tags', tag: 'tags', summary: 'Create a tag', scope: 'write', body: CreateTagRequest, idempotent: true, responses: { 201: json(anyObject, 'Created'), 409: problem } },
  { method: 'get', path: '/v1/tags/{id}', tag: 'tags', summary: 'Read a tag', scope: 'read', params: tagId, responses: { 200: json(anyObject) } },
  { method: 'patch', path: '/v1/tags/{id}', tag: 'tags', summary: 'Rename a tag or change its protection', scope: 'write', params: tagId, body: UpdateTagRequest, responses: { 200: json(anyObject) } },
  { method: 'delete', path: '/v1/tags/{id}', tag: 'tags', summary: 'Delete a tag (a job that removes it from every contact)', scope: 'write', params: tagId, responses: { 202: json(anyObject, 'Accepted: the job'), 409: problem } },
  { method: 'post', path: '/v1/tags/bulk-add', tag: 'tags', summary: 'Add tags to up to 10,000 contacts', scope: 'write', body: BulkTagRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/tags/bulk-remove', tag: 'tags', summary: 'Remove tags from up to 10,000 contacts', scope: 'write', body: BulkTagRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/labels', tag: 'labels', summary: 'Label keys in use with contact counts', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/labels/{key}/values', tag: 'labels', summary: "A key's values with contact counts", scope: 'read', params: z.object({ key: z.string() }), responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/labels/bulk-set', tag: 'labels', summary: 'Set labels on up to 10,000 contacts', scope: 'write', body: BulkSetLabelsRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/labels/bulk-remove', tag: 'labels', summary: 'Remove labels from up to 10,000 contacts', scope: 'write', body: BulkRemoveLabelsRequest, idempotent: true, responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/duplicates/{field}', tag: 'duplicates', summary: 'Values (email or phone) shared by several live contacts', scope: 'read', params: z.object({ field: z.enum(['email', 'phone']) }), responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/duplicates/{field}/{value}/contacts', tag: 'duplicates', summary: 'The contacts behind one duplicate value', scope: 'read', params: z.object({ field: z.enum(['email', 'phone']), value: z.string() }), responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/duplicates/resolve', tag: 'duplicates', summary: 'Merge or remove the duplicates of one value', scope: 'write', body: z.object({ field: z.enum(['email', 'phone']), value: z.string(), keep: z.enum(['earliest', 'latest']), action: z.enum(['merge', 'remove']).optional() }), responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/jobs', tag: 'jobs', summary: 'Recent jobs', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/jobs/{id}', tag: 'jobs', summary: 'A job with its progress', scope: 'read', params: z.object({ id: z.uuid() }), responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/counts', tag: 'counts', summary: 'Live contacts, sendable by email and phone, per status, tag and label key, from the search index; pass the Consistency-Token a write returned to read your writes', scope: 'read', query: z.object(consistencyQueryFields(DOCUMENTED_MAX_WAIT_MS)), responses: { 200: json(anyObject), 503: problem } },
  { method: 'get', path: '/v1/consistency', tag: 'counts', summary: 'Wait until the search index shows the write behind a Consistency-Token (503 if not within waitMs)', scope: 'read', query: z.object(consistencyQueryFields(DOCUMENTED_MAX_WAIT_MS)), responses: { 200: json(anyObject), 503: problem } },
  { method: 'post', path: '/v1/segments', tag: 'segments', summary: 'Save a segment (condition as a JSON tree with tag ids, or text with tag names); unknown tags, label keys, custom fields and segments are named in a 400', scope: 'write', idempotent: true, body: CreateSegmentRequest, responses: { 201: json(anyObject, 'Created') } },
  { method: 'get', path: '/v1/segments', tag: 'segments', summary: 'Saved segments, with their text (current tag names)', scope: 'read', responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/segments/{id}', tag: 'segments', summary: 'A saved segment', scope: 'read', params: SegmentIdParams, responses: { 200: json(anyObject) } },
  { method: 'patch', path: '/v1/segments/{id}', tag: 'segments', summary: 'Rename, describe or change a saved segment (cycles refused)', scope: 'write', params: SegmentIdParams, body: UpdateSegmentRequest, responses: { 200: json(anyObject) } },
  { method: 'delete', path: '/v1/segments/{id}', tag: 'segments', summary: 'Delete a saved segment (409 while other segments use it)', scope: 'write', params: SegmentIdParams, responses: { 204: { description: 'Deleted' } } },
  { method: 'get', path: '/v1/contacts/{id}/segments', tag: 'segments', summary: 'The saved segments a contact is in (evaluated against its latest state, one pass, no query per segment)', scope: 'read', params: id, responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/segments/count', tag: 'segments', summary: `Count up to ${MAX_COUNTS_PER_REQUEST} segments (saved or ad hoc) in one round trip: total and sendable by email and phone`, scope: 'read', body: z.object({ queries: z.array(z.record(z.string(), z.unknown())), consistencyToken: z.string().optional(), waitMs: z.number().int().optional() }), responses: { 200: json(anyObject), 503: problem } },
  { method: 'post', path: '/v1/segments/preview', tag: 'segments', summary: `Count a segment and list its first contacts (up to ${MAX_PREVIEW})`, scope: 'read', body: z.object({ query: z.record(z.string(), z.unknown()), limit: z.number().int().min(1).max(MAX_PREVIEW).optional() }), responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/segments/{id}/members', tag: 'segments', summary: 'Stream every member (NDJSON or CSV) from one point in time, in contact id order; resume with after=<last id>', scope: 'read', params: SegmentIdParams, query: MembersQuery, responses: { 200: { description: 'application/x-ndjson or text/csv, streamed' } } },
  { method: 'post', path: '/v1/segments/members', tag: 'segments', summary: 'Stream the members of an ad hoc segment', scope: 'read', body: z.object({ query: z.record(z.string(), z.unknown()), format: z.enum(['ndjson', 'csv']).optional(), fields: z.array(z.enum(MEMBER_FIELDS)).optional(), after: z.uuid().optional() }), responses: { 200: { description: 'application/x-ndjson or text/csv, streamed' } } },
  { method: 'post', path: '/v1/segments/{id}/snapshots', tag: 'segments', summary: 'Freeze the members now as an audience snapshot (a job)', scope: 'write', params: SegmentIdParams, responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'post', path: '/v1/segments/snapshots', tag: 'segments', summary: 'Freeze the members of an ad hoc segment', scope: 'write', body: z.object({ query: z.record(z.string(), z.unknown()) }), responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'get', path: '/v1/snapshots/{id}', tag: 'segments', summary: 'An audience snapshot: status and total', scope: 'read', params: z.object({ id: z.uuid() }), responses: { 200: json(anyObject) } },
  { method: 'get', path: '/v1/snapshots/{id}/members', tag: 'segments', summary: 'A page of a ready snapshot (contact ids)', scope: 'read', params: z.object({ id: z.uuid() }), query: SnapshotMembersQuery, responses: { 200: json(anyObject), 409: problem } },
  { method: 'post', path: '/v1/segments/{id}/actions', tag: 'segments', summary: 'Bulk action on the members at this moment (a job): add/remove tags, set/remove labels, delete', scope: 'write', params: SegmentIdParams, body: SegmentAction, responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'post', path: '/v1/segments/actions', tag: 'segments', summary: 'Bulk action on the members of an ad hoc segment (body: query plus the action)', scope: 'write', body: z.record(z.string(), z.unknown()), responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'get', path: '/v1/admin/search-index', tag: 'search index', summary: 'Which indices serve reads and take writes', scope: 'operator', responses: { 200: json(anyObject) } },
  { method: 'post', path: '/v1/admin/search-index/rebuild', tag: 'search index', summary: 'Rebuild the index from Postgres into a new generation and swap it in (a job)', scope: 'operator', body: RebuildRequest, responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'post', path: '/v1/admin/search-index/reconcile', tag: 'search index', summary: 'Compare the index with Postgres and optionally repair it (a job with a report)', scope: 'operator', body: ReconcileRequest, responses: { 202: json(anyObject, 'Accepted') } },
  { method: 'get', path: '/v1/admin/search-index/jobs/{id}', tag: 'search index', summary: 'A rebuild or reconcile job with its progress and report', scope: 'operator', params: z.object({ id: z.uuid() }), responses: { 200: json(anyObject) } },
];

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    const idempotencyHeader = op.idempotent
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Replays the first answer for 24 h' }]
      : [];
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      description: `Scope: ${op.scope}.`,
      security: op.scope === 'operator' ? [{ operatorKey: [] }] : [{ apiKey: [] }],
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query'), ...idempotencyHeader],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      ...(op.csvBody ? { requestBody: { required: true, description: op.csvBody, content: { 'text/csv': { schema: { type: 'string' } } } } } : {}),
      responses: { ...op.responses, 400: problem, 401: problem },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Segmenter API', version: '1', description: 'Contacts, tags, labels, segments, CSV imports and exports. Change events: docs/events.md.' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        operatorKey: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Contact: jsonSchema(Contact),
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, rule: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
