// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, and from
// the answer schemas beside it (*-responses.ts), so the reference cannot drift from what the code
// checks. Each feature lists its operations next to its routes (<feature>-operations.ts) and this
// module joins them; openapi.int.test.ts checks that every listed one is routed, the integration
// tests check every answer they receive against it (test/support/api-harness.ts), and
// openapi-client.test.ts generates a typed client from it.
import { z } from 'zod';
import { ACTIVITIES_OPERATIONS } from '../activities/activities-operations';
import { CONSISTENCY_OPERATIONS } from '../consistency/consistency-operations';
import { ContactIdParams } from '../contacts/contact-schemas';
import { CONTACTS_OPERATIONS } from '../contacts/contacts-operations';
import { COUNTS_OPERATIONS } from '../counts/counts-operations';
import { CUSTOM_FIELDS_OPERATIONS } from '../custom-fields/custom-fields-operations';
import { DUPLICATES_OPERATIONS } from '../duplicates/duplicates-operations';
import { EXPORTS_OPERATIONS } from '../exports/exports-operations';
import { ListQuery } from '../http/list-page';
import { IMPORTS_OPERATIONS } from '../imports/imports-operations';
import { JOBS_OPERATIONS } from '../jobs/jobs-operations';
import { LABELS_OPERATIONS } from '../labels/labels-operations';
import { SEARCH_INDEX_OPERATIONS } from '../search-index/search-index-operations';
import { SUPPRESSIONS_OPERATIONS } from '../suppressions/suppressions-operations';
import { TAGS_OPERATIONS } from '../tags/tags-operations';
import { WORKSPACES_OPERATIONS } from '../workspaces/workspaces-operations';
import { consistencyQueryFields } from '../consistency/consistency-schemas';
import {
  CreateSegmentRequest,
  MAX_COUNTS_PER_REQUEST,
  MAX_PREVIEW,
  MembersQuery,
  MembersRequest,
  SegmentAction,
  SegmentIdParams,
  SnapshotListQuery,
  SnapshotMembersQuery,
  UpdateSegmentRequest,
} from '../segments/segment-schemas';
import { Contact } from './contact-responses';
import {
  AdHocSegmentAction,
  conditionRef,
  ConditionTree,
  ContactSegments,
  CountAnswer,
  Job,
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
import { accepted, Answer, created, DOCUMENTED_MAX_WAIT_MS, file, none, ok, Operation } from './operation';
import { JsonSchema, Problem, recursiveComponent, toJsonSchema } from './schema-kit';

export type { Operation } from './operation';

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: toJsonSchema(field as z.ZodType, 'input'),
  }));
}

const consistencyFields = consistencyQueryFields(DOCUMENTED_MAX_WAIT_MS);

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
const uuidParams = z.object({ id: z.uuid() });

// Request bodies the routes take loosely (`unknown`, then checked item by item or resolved): the
// document shows what each item must be.
const CreateSegmentBody = CreateSegmentRequest.extend({ condition: conditionRef.optional() });
const UpdateSegmentBody = UpdateSegmentRequest.extend({ condition: conditionRef.optional() });
const CountBody = z.strictObject({ queries: z.array(SegmentQuery).min(1).max(MAX_COUNTS_PER_REQUEST), ...consistencyFields });
const PreviewBody = z.strictObject({ query: SegmentQuery, limit: z.number().int().min(1).max(MAX_PREVIEW).default(20), ...consistencyFields });
const MembersBody = MembersRequest.extend({ query: SegmentQuery });

const MEMBER_STREAM = file("The members in contact id order, streamed: one JSON object per line (ndjson) holding the requested fields in the contact JSON's spelling (id, email, firstName, ..., tags, labels, label:<key>, custom:<key>), or a CSV file with the export's headers", 'application/x-ndjson', 'text/csv');

export const OPERATIONS: Operation[] = [
  ...WORKSPACES_OPERATIONS,
  ...CONTACTS_OPERATIONS,
  ...IMPORTS_OPERATIONS,
  ...EXPORTS_OPERATIONS,
  ...TAGS_OPERATIONS,
  ...LABELS_OPERATIONS,
  ...ACTIVITIES_OPERATIONS,
  ...CUSTOM_FIELDS_OPERATIONS,
  ...DUPLICATES_OPERATIONS,
  ...JOBS_OPERATIONS,
  ...COUNTS_OPERATIONS,
  ...CONSISTENCY_OPERATIONS,
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
  ...SUPPRESSIONS_OPERATIONS,
  ...SEARCH_INDEX_OPERATIONS,
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
