// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, and from
// the answer schemas beside it (*-responses.ts), so the reference cannot drift from what the code
// checks. Each operation is listed once here; openapi.int.test.ts checks that every listed one is
// routed, the integration tests check every answer they receive against it (test/support/
// api-harness.ts), and openapi-client.test.ts generates a typed client from it.
import { z } from 'zod';
import { LIMITS } from '@segmenter/shared';
import { CreateCustomField, CustomFieldParams, DeleteCustomFieldQuery, RenameCustomField } from '../custom-fields/custom-fields-routes';
import { BatchGetRequest } from '../contacts/contact-batch-get';
import { ListQuery } from '../http/list-page';
import { SuppressionListQuery } from '../suppressions/suppressions-routes';
import { ActivityFields, ActivityHistoryQuery, BatchActivitiesRequest, BatchActivityItem } from '../activities/activity-schemas';
import {
  BatchUpsertRequest,
  BulkStatusRequest,
  ContactIdParams,
  ContactWrite,
  CreateContactRequest,
  DeleteContactRequest,
  ListContactsQuery,
  ListDeletedQuery,
  StatusChangeRequest,
  UpdateContactRequest,
  UpsertContactRequest,
  OneClickActionRequest,
} from '../contacts/contact-schemas';
import { BulkRemoveLabelsRequest, BulkSetLabelsRequest, ChangeLabelsRequest, ReplaceLabelsRequest } from '../labels/label-schemas';
import { BulkTagRequest, CreateTagRequest, DeleteTagQuery, TagIdParams, TagSelection, UpdateTagRequest } from '../tags/tag-schemas';
import { ApiKeyParams, CreateApiKeyRequest, CreateWorkspaceRequest, WorkspaceIdParams } from '../workspaces/workspace-schemas';
import { consistencyQueryFields } from '../consistency/consistency-check';
import { RebuildRequest, ReconcileRequest } from '../search-index/search-index-routes';
import { ContactExportRequest } from '../exports/exports-routes';
import { ImportIdParams, ImportOptions, RejectionsQuery } from '../imports/import-schemas';
import { SegmentAction } from '../segments/segment-actions';
import { CreateSegmentRequest, MAX_COUNTS_PER_REQUEST, MAX_PREVIEW, SegmentIdParams, UpdateSegmentRequest } from '../segments/segments-routes';
import { MembersQuery, MembersRequest } from '../segments/member-requests';
import { SnapshotListQuery, SnapshotMembersQuery } from '../segments/snapshots-routes';
import { ApiKeyList, Consistent, Counts, IssuedKey, SearchIndexState, WorkspaceCreated } from './admin-responses';
import {
  ActivityHistory,
  Activity,
  BatchActivitiesAnswer,
  BatchGetAnswer,
  BatchUpsertAnswer,
  BulkChangeAnswer,
  Contact,
  ContactPage,
  contactRef,
  CustomFieldDefinition,
  CustomFieldList,
  DeletedContactPage,
  DuplicateContacts,
  DuplicatesResolved,
  DuplicateValues,
  StatusHistory,
  SuppressionPage,
  Suppression,
  UpsertAnswer,
} from './contact-responses';
import { Import, ImportList, ImportPreview, Rejections } from './import-responses';
import {
  AdHocSegmentAction,
  conditionRef,
  ConditionTree,
  ContactSegments,
  CountAnswer,
  Job,
  JobList,
  jobRef,
  PreviewAnswer,
  SavedSegment,
  Segment,
  SegmentList,
  SegmentQuery,
  Snapshot,
  SnapshotPage,
  SnapshotMembers,
  SnapshotStarted,
} from './segment-responses';
import { describeCustomSchemas } from './custom-schema-shapes';
import { JsonSchema, Problem, recursiveComponent, toJsonSchema } from './schema-kit';
import { BulkLabelAnswer, BulkTagAnswer, LabelKeys, LabelValues, Tag, TagList } from './tag-label-responses';

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: toJsonSchema(field as z.ZodType, 'input'),
  }));
}

/** One answer of an operation: a JSON body (its schema), a stream or file (content types), or none. */
interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON bodies (CSV, NDJSON), described by their content types only. */
  contentTypes?: string[];
}
const ok = (schema: z.ZodType, description = 'OK'): Answer => ({ description, schema });
const created = (schema: z.ZodType) => ok(schema, 'Created');
const accepted = (schema: z.ZodType, description = 'Accepted: follow the job') => ok(schema, description);
const none = (description: string): Answer => ({ description });
const file = (description: string, ...contentTypes: string[]): Answer => ({ description, contentTypes });

/** The documented bound of waitMs (the default CONSISTENCY_MAX_WAIT_MS; a deployment may differ). */
const DOCUMENTED_MAX_WAIT_MS = 30_000;
const consistencyFields = consistencyQueryFields(DOCUMENTED_MAX_WAIT_MS);

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  scope: 'read' | 'write' | 'admin' | 'operator';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The route reads a missing body as `{}`. */
  bodyOptional?: boolean;
  responses: Record<number, Answer>;
  /**
   * Errors beyond those every operation of its kind can answer (see errorStatuses): 404 for an id
   * in the body, 409 for a state conflict.
   */
  errors?: (404 | 409)[];
  idempotent?: boolean;
  /** Waits for a Consistency-Token: 503 when the index has not caught up within waitMs. */
  waitsForConsistency?: boolean;
  /** A raw text/csv request body (file uploads), described in words. */
  csvBody?: string;
}

/** Operations that search the index while the request waits: 503 when the search times out (http/search-timeouts). */
const SEARCHES_IN_REQUEST = new Set(['get /v1/counts', 'post /v1/segments/count', 'post /v1/segments/preview', 'get /v1/segments/{id}/members', 'post /v1/segments/members', 'post /v1/exports/contacts']);

/** Which errors an operation can answer, from what it takes; each is a Problem. */
export function errorStatuses(op: Operation): number[] {
  const statuses = new Set<number>([400, 401, 403, ...(op.errors ?? [])]);
  if (op.params) statuses.add(404); // the resource named in the path
  if (op.body || op.csvBody) statuses.add(413);
  // A body that is neither JSON nor (for uploads) CSV is refused before any route reads it.
  if (op.body || op.csvBody || op.method !== 'get') statuses.add(415);
  if (op.idempotent) statuses.add(422); // an Idempotency-Key reused for a different request
  if (op.waitsForConsistency || SEARCHES_IN_REQUEST.has(`${op.method} ${op.path}`)) statuses.add(503);
  // Every keyed operation: its key's rate, its search cost budget, failed keys from its client IP.
  if (op.scope !== 'operator') statuses.add(429);
  return [...statuses].sort();
}

const id = ContactIdParams;
const tagId = TagIdParams;
const uuidParams = z.object({ id: z.uuid() });
const contactAndKey = z.object({ id: z.uuid(), key: z.string() });
const duplicateField = z.enum(['email', 'phone']);

// Request bodies the routes take loosely (`unknown`, then checked item by item or resolved): the
// document shows what each item must be.
const UpsertBody = UpsertContactRequest.extend({ contact: ContactWrite });
const BatchUpsertBody = BatchUpsertRequest.extend({ contacts: z.array(ContactWrite).min(1).max(LIMITS.batchUpsert) });
const BatchActivitiesBody = BatchActivitiesRequest.extend({ activities: z.array(BatchActivityItem).min(1).max(LIMITS.batchUpsert) });
const CreateSegmentBody = CreateSegmentRequest.extend({ condition: conditionRef.optional() });
const UpdateSegmentBody = UpdateSegmentRequest.extend({ condition: conditionRef.optional() });
const CountBody = z.strictObject({ queries: z.array(SegmentQuery).min(1).max(MAX_COUNTS_PER_REQUEST), ...consistencyFields });
const PreviewBody = z.strictObject({ query: SegmentQuery, limit: z.number().int().min(1).max(MAX_PREVIEW).default(20), ...consistencyFields });
const MembersBody = MembersRequest.extend({ query: SegmentQuery });
const ExportBody = z.strictObject({ ...ContactExportRequest.shape, segment: SegmentQuery.optional() });
const ResolveDuplicatesBody = z.strictObject({
  field: duplicateField,
  value: z.string().min(1).max(300),
  keep: z.enum(['earliest', 'latest']),
  action: z.enum(['merge', 'remove']),
});

const MEMBER_STREAM = file("The members in contact id order, streamed: one JSON object per line (ndjson) holding the requested fields in the contact JSON's spelling (id, email, firstName, ..., tags, labels, label:<key>, custom:<key>), or a CSV file with the export's headers", 'application/x-ndjson', 'text/csv');
const CSV_STREAM = file('A CSV file, streamed', 'text/csv');

export const OPERATIONS: Operation[] = [
  { method: 'post', path: '/v1/admin/workspaces', tag: 'workspaces', summary: 'Create a workspace and its first API key (shown once)', scope: 'operator', body: CreateWorkspaceRequest, responses: { 201: created(WorkspaceCreated) } },
  { method: 'post', path: '/v1/admin/workspaces/{workspaceId}/api-keys', tag: 'workspaces', summary: 'Issue an API key (the secret is shown once)', scope: 'operator', params: WorkspaceIdParams, body: CreateApiKeyRequest, responses: { 201: created(IssuedKey) } },
  { method: 'get', path: '/v1/admin/workspaces/{workspaceId}/api-keys', tag: 'workspaces', summary: "A workspace's API keys (prefix only)", scope: 'operator', params: WorkspaceIdParams, responses: { 200: ok(ApiKeyList) } },
  { method: 'delete', path: '/v1/admin/workspaces/{workspaceId}/api-keys/{keyId}', tag: 'workspaces', summary: 'Revoke an API key', scope: 'operator', params: ApiKeyParams, responses: { 204: none('Revoked') } },
  { method: 'get', path: '/v1/contacts', tag: 'contacts', summary: 'List and search live contacts (cursor pagination)', scope: 'read', query: ListContactsQuery, responses: { 200: ok(ContactPage) } },
  { method: 'get', path: '/v1/contacts/deleted', tag: 'contacts', summary: 'The Deleted view: list and search deleted contacts', scope: 'read', query: ListDeletedQuery, responses: { 200: ok(DeletedContactPage) } },
  { method: 'post', path: '/v1/contacts', tag: 'contacts', summary: 'Create a contact', scope: 'write', body: CreateContactRequest, idempotent: true, errors: [409], responses: { 201: created(contactRef) } },
  { method: 'post', path: '/v1/contacts/upsert', tag: 'contacts', summary: 'Create or update the contact matched by email or phone', scope: 'write', body: UpsertBody, idempotent: true, errors: [409], responses: { 200: ok(UpsertAnswer, 'Updated or unchanged'), 201: created(UpsertAnswer) } },
  { method: 'post', path: '/v1/contacts/batch-upsert', tag: 'contacts', summary: 'Upsert up to 1,000 contacts, a result per item', scope: 'write', body: BatchUpsertBody, idempotent: true, responses: { 200: ok(BatchUpsertAnswer) } },
  { method: 'post', path: '/v1/contacts/batch-get', tag: 'contacts', summary: 'Read up to 1,000 contacts by id (ids of no live contact are listed in missing)', scope: 'read', body: BatchGetRequest, responses: { 200: ok(BatchGetAnswer) } },
  { method: 'post', path: '/v1/contacts/bulk-status', tag: 'channel status', summary: 'Set an email or phone status on up to 10,000 contacts, with a reason kept in their history', scope: 'write', body: BulkStatusRequest, idempotent: true, responses: { 200: ok(BulkChangeAnswer) } },
  { method: 'post', path: '/v1/imports', tag: 'imports', summary: 'Create a CSV import with its options (matching, tags, labels, column mapping); then send its file', scope: 'write', body: ImportOptions, bodyOptional: true, responses: { 201: ok(Import, 'Created: awaiting its file') } },
  { method: 'get', path: '/v1/imports', tag: 'imports', summary: 'Imports with their progress, newest first (paged)', scope: 'read', query: ListQuery, responses: { 200: ok(ImportList) } },
  { method: 'get', path: '/v1/imports/template', tag: 'imports', summary: 'A CSV template: every column, label and custom field columns, one example row', scope: 'read', responses: { 200: file('The template', 'text/csv') } },
  { method: 'get', path: '/v1/imports/{id}', tag: 'imports', summary: 'An import: status, progress (read, imported, rejected, indexed), rows/s and ETA', scope: 'read', params: ImportIdParams, responses: { 200: ok(Import) } },
  { method: 'put', path: '/v1/imports/{id}/file', tag: 'imports', summary: 'Send the file (streamed; answers 202 once every row is staged, while the rows are written)', scope: 'write', params: ImportIdParams, csvBody: 'The CSV file, UTF-8, a header row first', errors: [409], responses: { 202: ok(Import, 'Accepted: the import') } },
  { method: 'post', path: '/v1/imports/{id}/preview', tag: 'imports', summary: 'How the header of a file would map, before anything is imported', scope: 'read', params: ImportIdParams, csvBody: 'The start of the CSV file (the header row is enough)', responses: { 200: ok(ImportPreview) } },
  { method: 'post', path: '/v1/imports/{id}/cancel', tag: 'imports', summary: 'Cancel an import (rows already written stay)', scope: 'write', params: ImportIdParams, errors: [409], responses: { 200: ok(Import) } },
  { method: 'get', path: '/v1/imports/{id}/rejections', tag: 'imports', summary: 'Rejected rows: row number, column and rule', scope: 'read', params: ImportIdParams, query: RejectionsQuery, responses: { 200: ok(Rejections) } },
  { method: 'get', path: '/v1/imports/{id}/rejected-rows', tag: 'imports', summary: 'Every rejected row as uploaded, plus an error column (fix and import again)', scope: 'read', params: ImportIdParams, responses: { 200: CSV_STREAM } },
  { method: 'post', path: '/v1/exports/contacts', tag: 'exports', summary: "Export a segment, a search or the Deleted view to CSV in the import's format (streamed)", scope: 'read', body: ExportBody, errors: [404, 409], responses: { 200: CSV_STREAM } },
  { method: 'get', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Read a contact', scope: 'read', params: id, responses: { 200: ok(contactRef) } },
  { method: 'patch', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Change some fields (null clears one)', scope: 'write', params: id, body: UpdateContactRequest, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'delete', path: '/v1/contacts/{id}', tag: 'contacts', summary: 'Soft-delete a contact, with a reason', scope: 'write', params: id, body: DeleteContactRequest, bodyOptional: true, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'post', path: '/v1/contacts/{id}/restore', tag: 'contacts', summary: 'Restore a deleted contact', scope: 'write', params: id, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'delete', path: '/v1/contacts/{id}/erase', tag: 'contacts', summary: 'Erase a contact on a privacy request (irreversible)', scope: 'admin', params: id, responses: { 204: none('Erased') } },
  { method: 'post', path: '/v1/contacts/{id}/status', tag: 'channel status', summary: 'Change an email or phone status, with a reason', scope: 'write', params: id, body: StatusChangeRequest, errors: [409], responses: { 200: ok(contactRef) } },
  ...['blacklist-email', 'blacklist-phone', 'unsubscribe-email', 'clear-spam-report'].map(
    (action): Operation => ({ method: 'post', path: `/v1/contacts/{id}/actions/${action}`, tag: 'channel status', summary: `One-click: ${action.replace(/-/g, ' ')} (optional body: the reason kept in the status history)`, scope: 'write', params: id, body: OneClickActionRequest, bodyOptional: true, errors: [409], responses: { 200: ok(contactRef) } }),
  ),
  { method: 'get', path: '/v1/contacts/{id}/status-history', tag: 'channel status', summary: 'Status changes, newest first', scope: 'read', params: id, responses: { 200: ok(StatusHistory) } },
  { method: 'post', path: '/v1/contacts/{id}/tags/add', tag: 'tags', summary: 'Add tags to a contact', scope: 'write', params: id, body: TagSelection, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'post', path: '/v1/contacts/{id}/tags/remove', tag: 'tags', summary: 'Remove tags from a contact', scope: 'write', params: id, body: TagSelection, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'patch', path: '/v1/contacts/{id}/labels', tag: 'labels', summary: 'Set and remove labels', scope: 'write', params: id, body: ChangeLabelsRequest, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'put', path: '/v1/contacts/{id}/labels', tag: 'labels', summary: 'Replace all labels', scope: 'write', params: id, body: ReplaceLabelsRequest, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'delete', path: '/v1/contacts/{id}/labels/{key}', tag: 'labels', summary: 'Remove one label', scope: 'write', params: contactAndKey, errors: [409], responses: { 200: ok(contactRef) } },
  { method: 'post', path: '/v1/contacts/{id}/activities', tag: 'activity', summary: 'Record an engagement event', scope: 'write', params: id, body: ActivityFields, idempotent: true, responses: { 201: created(Activity) } },
  { method: 'get', path: '/v1/contacts/{id}/activities', tag: 'activity', summary: 'Activity history, newest first', scope: 'read', params: id, query: ActivityHistoryQuery, responses: { 200: ok(ActivityHistory) } },
  { method: 'post', path: '/v1/activities/batch', tag: 'activity', summary: 'Record up to 1,000 engagement events, a result per item', scope: 'write', body: BatchActivitiesBody, idempotent: true, responses: { 200: ok(BatchActivitiesAnswer) } },
  { method: 'get', path: '/v1/custom-fields', tag: 'custom fields', summary: 'Custom field definitions (paged), with the per-workspace limit', scope: 'read', query: ListQuery, responses: { 200: ok(CustomFieldList) } },
  { method: 'post', path: '/v1/custom-fields', tag: 'custom fields', summary: 'Define a custom field', scope: 'admin', body: CreateCustomField, errors: [409], responses: { 201: created(CustomFieldDefinition) } },
  { method: 'patch', path: '/v1/custom-fields/{key}', tag: 'custom fields', summary: 'Rename a custom field (a job: every contact holding it and the saved segments using it are rewritten)', scope: 'admin', params: CustomFieldParams, body: RenameCustomField, errors: [409], responses: { 202: accepted(jobRef) } },
  { method: 'delete', path: '/v1/custom-fields/{key}', tag: 'custom fields', summary: 'Delete a custom field (a job); 409 naming the saved segments that use it unless force=true, which marks them broken', scope: 'admin', params: CustomFieldParams, query: DeleteCustomFieldQuery, errors: [409], responses: { 202: accepted(jobRef) } },
  { method: 'get', path: '/v1/tags', tag: 'tags', summary: 'Tags with contact counts, by name (paged)', scope: 'read', query: ListQuery, responses: { 200: ok(TagList) } },
  { method: 'post', path: '/v1/tags', tag: 'tags', summary: 'Create a tag', scope: 'write', body: CreateTagRequest, idempotent: true, errors: [409], responses: { 201: created(Tag) } },
  { method: 'get', path: '/v1/tags/{id}', tag: 'tags', summary: 'Read a tag', scope: 'read', params: tagId, responses: { 200: ok(Tag) } },
  { method: 'patch', path: '/v1/tags/{id}', tag: 'tags', summary: 'Rename a tag or change its protection', scope: 'write', params: tagId, body: UpdateTagRequest, errors: [409], responses: { 200: ok(Tag) } },
  { method: 'delete', path: '/v1/tags/{id}', tag: 'tags', summary: 'Delete a tag (a job that removes it from every contact); 409 naming the saved segments that use it unless force=true, which marks them broken', scope: 'write', params: tagId, query: DeleteTagQuery, errors: [409], responses: { 202: accepted(jobRef) } },
  { method: 'post', path: '/v1/tags/bulk-add', tag: 'tags', summary: 'Add tags to up to 10,000 contacts', scope: 'write', body: BulkTagRequest, idempotent: true, errors: [409], responses: { 200: ok(BulkTagAnswer) } },
  { method: 'post', path: '/v1/tags/bulk-remove', tag: 'tags', summary: 'Remove tags from up to 10,000 contacts', scope: 'write', body: BulkTagRequest, idempotent: true, errors: [409], responses: { 200: ok(BulkTagAnswer) } },
  { method: 'get', path: '/v1/labels', tag: 'labels', summary: 'Label keys in use with contact counts (paged)', scope: 'read', query: ListQuery, responses: { 200: ok(LabelKeys) } },
  { method: 'get', path: '/v1/labels/{key}/values', tag: 'labels', summary: "A key's values with contact counts (paged)", scope: 'read', params: z.object({ key: z.string() }), query: ListQuery, responses: { 200: ok(LabelValues) } },
  { method: 'post', path: '/v1/labels/bulk-set', tag: 'labels', summary: 'Set labels on up to 10,000 contacts', scope: 'write', body: BulkSetLabelsRequest, idempotent: true, responses: { 200: ok(BulkLabelAnswer) } },
  { method: 'post', path: '/v1/labels/bulk-remove', tag: 'labels', summary: 'Remove labels from up to 10,000 contacts', scope: 'write', body: BulkRemoveLabelsRequest, idempotent: true, responses: { 200: ok(BulkLabelAnswer) } },
  { method: 'get', path: '/v1/duplicates/{field}', tag: 'duplicates', summary: 'Values (email or phone) shared by several live contacts', scope: 'read', params: z.object({ field: duplicateField }), responses: { 200: ok(DuplicateValues) } },
  { method: 'get', path: '/v1/duplicates/{field}/{value}/contacts', tag: 'duplicates', summary: 'The contacts behind one duplicate value', scope: 'read', params: z.object({ field: duplicateField, value: z.string() }), responses: { 200: ok(DuplicateContacts) } },
  { method: 'post', path: '/v1/duplicates/resolve', tag: 'duplicates', summary: 'Merge or remove the duplicates of one value', scope: 'write', body: ResolveDuplicatesBody, errors: [404, 409], responses: { 200: ok(DuplicatesResolved) } },
  { method: 'get', path: '/v1/jobs', tag: 'jobs', summary: 'Jobs, newest first (paged)', scope: 'read', query: ListQuery, responses: { 200: ok(JobList) } },
  { method: 'get', path: '/v1/jobs/{id}', tag: 'jobs', summary: 'A job with its progress', scope: 'read', params: uuidParams, responses: { 200: ok(jobRef) } },
  { method: 'get', path: '/v1/counts', tag: 'counts', summary: 'Live contacts, sendable by email and phone, per status, tag and label key, from the search index; pass the Consistency-Token a write returned to read your writes', scope: 'read', query: z.object(consistencyFields), waitsForConsistency: true, responses: { 200: ok(Counts) } },
  { method: 'get', path: '/v1/consistency', tag: 'counts', summary: 'Wait until the search index shows the write behind a Consistency-Token (503 if not within waitMs)', scope: 'read', query: z.object({ ...consistencyFields, consistencyToken: consistencyFields.consistencyToken.unwrap().min(1) }), waitsForConsistency: true, responses: { 200: ok(Consistent) } },
  { method: 'post', path: '/v1/segments', tag: 'segments', summary: 'Save a segment (condition as a JSON tree with tag ids, or text with tag names); unknown tags, custom fields and segments are named in a 400; label keys no contact has yet are warnings', scope: 'write', idempotent: true, body: CreateSegmentBody, errors: [409], responses: { 201: created(SavedSegment) } },
  { method: 'get', path: '/v1/segments', tag: 'segments', summary: 'Saved segments by name (paged), with their text (current tag names) and whether they are broken', scope: 'read', query: ListQuery, responses: { 200: ok(SegmentList) } },
  { method: 'get', path: '/v1/segments/{id}', tag: 'segments', summary: 'A saved segment', scope: 'read', params: SegmentIdParams, responses: { 200: ok(Segment) } },
  { method: 'patch', path: '/v1/segments/{id}', tag: 'segments', summary: 'Rename, describe or change a saved segment (cycles refused)', scope: 'write', params: SegmentIdParams, body: UpdateSegmentBody, errors: [409], responses: { 200: ok(SavedSegment) } },
  { method: 'delete', path: '/v1/segments/{id}', tag: 'segments', summary: 'Delete a saved segment (409 while other segments use it)', scope: 'write', params: SegmentIdParams, errors: [409], responses: { 204: none('Deleted') } },
  { method: 'get', path: '/v1/contacts/{id}/segments', tag: 'segments', summary: 'The saved segments a contact is in (evaluated against its latest state, one pass, no query per segment)', scope: 'read', params: id, responses: { 200: ok(ContactSegments) } },
  { method: 'post', path: '/v1/segments/count', tag: 'segments', summary: `Count up to ${MAX_COUNTS_PER_REQUEST} segments (saved or ad hoc) in one round trip: per query, its total and sendable by email and phone, or its own problem`, scope: 'read', body: CountBody, errors: [404, 409], waitsForConsistency: true, responses: { 200: ok(CountAnswer) } },
  { method: 'post', path: '/v1/segments/preview', tag: 'segments', summary: `Count a segment and list its first contacts (up to ${MAX_PREVIEW})`, scope: 'read', body: PreviewBody, errors: [404, 409], waitsForConsistency: true, responses: { 200: ok(PreviewAnswer) } },
  { method: 'get', path: '/v1/segments/{id}/members', tag: 'segments', summary: 'Stream every member (NDJSON or CSV) from one point in time, in contact id order; resume with after=<last id>', scope: 'read', params: SegmentIdParams, query: MembersQuery, errors: [409], responses: { 200: MEMBER_STREAM } },
  { method: 'post', path: '/v1/segments/members', tag: 'segments', summary: 'Stream the members of an ad hoc segment', scope: 'read', body: MembersBody, errors: [404, 409], responses: { 200: MEMBER_STREAM } },
  { method: 'post', path: '/v1/segments/{id}/snapshots', tag: 'segments', summary: 'Freeze the members now as an audience snapshot (a job)', scope: 'write', params: SegmentIdParams, errors: [409], responses: { 202: accepted(SnapshotStarted) } },
  { method: 'post', path: '/v1/segments/snapshots', tag: 'segments', summary: 'Freeze the members of an ad hoc segment', scope: 'write', body: z.strictObject({ query: SegmentQuery }), errors: [404, 409], responses: { 202: accepted(SnapshotStarted) } },
  { method: 'get', path: '/v1/snapshots', tag: 'segments', summary: 'Audience snapshots that have not expired, newest first (paged)', scope: 'read', query: SnapshotListQuery, responses: { 200: ok(SnapshotPage) } },
  { method: 'get', path: '/v1/snapshots/{id}', tag: 'segments', summary: 'An audience snapshot: status, total and when it expires', scope: 'read', params: uuidParams, responses: { 200: ok(Snapshot) } },
  { method: 'delete', path: '/v1/snapshots/{id}', tag: 'segments', summary: 'Delete a snapshot (409 while a bulk action job still reads it)', scope: 'write', params: uuidParams, errors: [409], responses: { 204: none('Deleted') } },
  { method: 'get', path: '/v1/snapshots/{id}/members', tag: 'segments', summary: 'A page of a ready snapshot (contact ids)', scope: 'read', params: uuidParams, query: SnapshotMembersQuery, errors: [409], responses: { 200: ok(SnapshotMembers) } },
  { method: 'post', path: '/v1/segments/{id}/actions', tag: 'segments', summary: 'Bulk action on the members at this moment (a job): add/remove tags, set/remove labels, delete', scope: 'write', params: SegmentIdParams, body: SegmentAction, errors: [409], responses: { 202: accepted(jobRef) } },
  { method: 'post', path: '/v1/segments/actions', tag: 'segments', summary: 'Bulk action on the members of an ad hoc segment (body: query plus the action)', scope: 'write', body: AdHocSegmentAction, errors: [404, 409], responses: { 202: accepted(jobRef) } },
  { method: 'get', path: '/v1/suppressions', tag: 'channel status', summary: 'The suppression list (addresses that must not be messaged, kept when contacts are deleted), by channel or one address', scope: 'read', query: SuppressionListQuery, responses: { 200: ok(SuppressionPage) } },
  { method: 'delete', path: '/v1/suppressions/{id}', tag: 'channel status', summary: 'Lift a suppression (no contact changes)', scope: 'write', params: uuidParams, responses: { 200: ok(Suppression) } },
  { method: 'get', path: '/v1/admin/search-index', tag: 'search index', summary: 'Which indices serve reads and take writes', scope: 'operator', responses: { 200: ok(SearchIndexState) } },
  { method: 'post', path: '/v1/admin/search-index/rebuild', tag: 'search index', summary: 'Rebuild the index from Postgres into a new generation and swap it in (a job)', scope: 'operator', body: RebuildRequest, bodyOptional: true, errors: [409], responses: { 202: accepted(jobRef) } },
  { method: 'post', path: '/v1/admin/search-index/reconcile', tag: 'search index', summary: 'Compare the index with Postgres and optionally repair it (a job with a report)', scope: 'operator', body: ReconcileRequest, bodyOptional: true, responses: { 202: accepted(jobRef) } },
  { method: 'get', path: '/v1/admin/search-index/jobs/{id}', tag: 'search index', summary: 'A rebuild or reconcile job with its progress and report', scope: 'operator', params: uuidParams, responses: { 200: ok(jobRef) } },
];

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: errors name each field and the rule it broke',
  401: 'No valid key',
  403: 'The key lacks the scope (or the admin API is disabled)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'The body is too large',
  415: 'Unsupported media type',
  422: 'This Idempotency-Key was used for a different request',
  429: 'Too many requests: the key\'s rate or search cost budget, or failed keys from this client (Retry-After)',
  503: 'The search index has not shown the write yet within waitMs, or did not answer within the search timeout',
};

const RETRY_AFTER_HEADER = { 'Retry-After': { description: 'Seconds until the limit lets the request in again', schema: { type: 'integer', minimum: 1 } } };

const problemAnswer = (status: number) => ({
  description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
  ...(status === 429 ? { headers: RETRY_AFTER_HEADER } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function responseObject(a: Answer) {
  if (a.schema) return { description: a.description, content: { 'application/json': { schema: toJsonSchema(a.schema, 'output') } } };
  if (a.contentTypes) return { description: a.description, content: Object.fromEntries(a.contentTypes.map((t) => [t, { schema: { type: 'string' } }])) };
  return { description: a.description };
}

function requestBody(op: Operation) {
  if (op.body) return { requestBody: { required: !op.bodyOptional, content: { 'application/json': { schema: toJsonSchema(op.body, 'input') } } } };
  if (op.csvBody) return { requestBody: { required: true, description: op.csvBody, content: { 'text/csv': { schema: { type: 'string' } } } } };
  return {};
}

/**
 * Every successful non-GET request of a workspace answers a token to read its own writes with
 * (consistency/write-tracking.ts), even one that changed nothing; a stream starts before it is known.
 */
const answersConsistencyToken = (op: Operation, a: Answer) => op.method !== 'get' && op.scope !== 'operator' && !a.contentTypes;
const CONSISTENCY_TOKEN_HEADER = {
  'Consistency-Token': { description: 'Pass as consistencyToken to GET /v1/counts, GET /v1/consistency or a count, to read this write', schema: { type: 'string' } },
};

const DESCRIPTION = [
  'Contacts (with tags, labels, custom fields, channel statuses and engagement activities), saved and ad hoc segments',
  '(count, preview, member streams, audience snapshots, bulk actions), CSV imports and exports, duplicates, jobs,',
  'and operator endpoints for workspaces, API keys and the search index. Every error is application/problem+json',
  'with `errors: [{ field, rule }]`. Writes answer a Consistency-Token header; change events: docs/events.md.',
].join(' ');

export function openApiDocument(serverUrl?: string) {
  describeCustomSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    const idempotencyHeader = op.idempotent
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Replays the first answer for 24 h' }]
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, a] of Object.entries(op.responses)) {
      responses[status] = { ...responseObject(a), ...(answersConsistencyToken(op, a) ? { headers: CONSISTENCY_TOKEN_HEADER } : {}) };
    }
    for (const status of errorStatuses(op)) responses[status] = problemAnswer(status);
    paths[op.path]![op.method] = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      description: `Scope: ${op.scope}.`,
      security: op.scope === 'operator' ? [{ operatorKey: [] }] : [{ apiKey: [] }],
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query'), ...idempotencyHeader],
      ...requestBody(op),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Segmenter API', version: '1', description: DESCRIPTION },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        operatorKey: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Contact: toJsonSchema(Contact, 'output'),
        Condition: recursiveComponent(ConditionTree, 'Condition', 'input'),
        Job: toJsonSchema(Job, 'output'),
        Problem: toJsonSchema(Problem, 'output'),
      } as Record<string, JsonSchema>,
    },
  };
}

/** `get /v1/contacts/{id}/labels/{key}` -> `get_v1_contacts_id_labels_key`: unique, stable, readable. */
export function operationId(op: Pick<Operation, 'method' | 'path'>): string {
  return `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_')}`;
}
