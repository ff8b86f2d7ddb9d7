// The /v1/segments endpoints and a contact's segments as the OpenAPI document lists them, with the
// request schemas the routes validate with; openapi-document.ts joins every feature's table.
import { z } from 'zod';
import { consistencyQueryFields } from '../consistency/consistency-schemas';
import { ContactIdParams } from '../contacts/contact-schemas';
import { ListQuery } from '../http/list-page';
import { accepted, created, DOCUMENTED_MAX_WAIT_MS, file, none, ok, type Operation } from '../http/operation';
import { jobRef } from '../jobs/job-responses';
import {
  AdHocSegmentAction,
  conditionRef,
  ContactSegments,
  CountAnswer,
  ExplainAnswer,
  PreviewAnswer,
  SavedSegment,
  Segment,
  SegmentHistoryAnswer,
  SegmentList,
  SegmentQuery,
} from './segment-responses';
import { MAX_EXPLAIN_SEARCHES } from './segment-explain';
import { SnapshotStarted } from './snapshot-responses';
import { ChangePreview } from '../dependencies/dependency-responses';
import { DryRunQuery } from '../dependencies/dependency-schemas';
import {
  CreateSegmentRequest,
  MAX_COUNTS_PER_REQUEST,
  MAX_PREVIEW,
  HistoryQuery,
  MembersQuery,
  MembersRequest,
  SegmentAction,
  SegmentIdParams,
  UpdateSegmentRequest,
} from './segment-schemas';

const consistencyFields = consistencyQueryFields(DOCUMENTED_MAX_WAIT_MS);

// Request bodies the routes take loosely (`unknown`, then checked item by item or resolved): the
// document shows what each item must be.
const CreateSegmentBody = CreateSegmentRequest.extend({ condition: conditionRef.optional() });
const UpdateSegmentBody = UpdateSegmentRequest.extend({ condition: conditionRef.optional() });
const CountBody = z.strictObject({ queries: z.array(SegmentQuery).min(1).max(MAX_COUNTS_PER_REQUEST), ...consistencyFields });
const PreviewBody = z.strictObject({ query: SegmentQuery, limit: z.number().int().min(1).max(MAX_PREVIEW).default(20), ...consistencyFields });
const MembersBody = MembersRequest.extend({ query: SegmentQuery });
const ExplainBody = z.strictObject({ query: SegmentQuery, ...consistencyFields });

const MEMBER_STREAM = file(
  "The members in contact id order, streamed: one JSON object per line (ndjson) holding the requested fields in the contact JSON's spelling (id, email, firstName, ..., tags, labels, label:<key>, custom:<key>), or a CSV file with the export's headers",
  'application/x-ndjson',
  'text/csv',
);

export const SEGMENTS_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/segments',
    tag: 'segments',
    summary:
      'Save a segment (condition as a JSON tree with tag ids, or text with tag names); unknown tags, custom fields and segments are named in a 400; label keys no contact has yet are warnings',
    scope: 'write',
    idempotent: true,
    body: CreateSegmentBody,
    errors: [409],
    responses: { 201: created(SavedSegment) },
  },
  {
    method: 'get',
    path: '/v1/segments',
    tag: 'segments',
    summary: 'Saved segments by name (paged), with their text (current tag names) and whether they are broken',
    scope: 'read',
    query: ListQuery,
    responses: { 200: ok(SegmentList) },
  },
  {
    method: 'get',
    path: '/v1/segments/{id}',
    tag: 'segments',
    summary: 'A saved segment',
    scope: 'read',
    params: SegmentIdParams,
    responses: { 200: ok(Segment) },
  },
  {
    method: 'patch',
    path: '/v1/segments/{id}',
    tag: 'segments',
    summary:
      'Rename, describe or change a saved segment (cycles refused); dryRun=true answers the segments that use it, with their counts, and changes nothing',
    scope: 'write',
    params: SegmentIdParams,
    query: DryRunQuery,
    body: UpdateSegmentBody,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(z.union([SavedSegment, ChangePreview]), 'The segment, or with dryRun=true what the change would do') },
  },
  {
    method: 'delete',
    path: '/v1/segments/{id}',
    tag: 'segments',
    summary: 'Delete a saved segment (409 while other segments use it); dryRun=true answers those segments, with their counts, and deletes nothing',
    scope: 'write',
    params: SegmentIdParams,
    query: DryRunQuery,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the delete would do'), 204: none('Deleted') },
  },
  {
    method: 'get',
    path: '/v1/contacts/{id}/segments',
    tag: 'segments',
    summary: 'The saved segments a contact is in (evaluated against its latest state, one pass, no query per segment)',
    scope: 'read',
    params: ContactIdParams,
    responses: { 200: ok(ContactSegments) },
  },
  {
    method: 'post',
    path: '/v1/segments/count',
    tag: 'segments',
    summary: `Count up to ${MAX_COUNTS_PER_REQUEST} segments (saved or ad hoc) in one round trip: per query, its total and sendable by email and phone, or its own problem`,
    scope: 'read',
    body: CountBody,
    errors: [404, 409],
    waitsForConsistency: true,
    searchesInRequest: true,
    countCache: true,
    responses: { 200: ok(CountAnswer) },
  },
  {
    method: 'post',
    path: '/v1/segments/preview',
    tag: 'segments',
    summary: `Count a segment and list its first contacts (up to ${MAX_PREVIEW})`,
    scope: 'read',
    body: PreviewBody,
    errors: [404, 409],
    waitsForConsistency: true,
    searchesInRequest: true,
    responses: { 200: ok(PreviewAnswer) },
  },
  {
    method: 'post',
    path: '/v1/segments/explain',
    tag: 'segments',
    summary: `Explain a count in one search round trip: each condition's count on its own, each AND group's funnel (remaining after each condition in order, and the biggest cut), what each OR branch adds, saved segments expanded, and where each node is in the text (at most ${MAX_EXPLAIN_SEARCHES} searches)`,
    scope: 'read',
    body: ExplainBody,
    errors: [404, 409],
    waitsForConsistency: true,
    searchesInRequest: true,
    responses: { 200: ok(ExplainAnswer) },
  },
  {
    method: 'get',
    path: '/v1/segments/{id}/history',
    tag: 'segments',
    summary:
      "The segment's size over time: the last count recorded in each hour, day or week of the range (counts are recorded every SEGMENT_HISTORY_INTERVAL_MS, hourly by default); at most 1,000 points",
    scope: 'read',
    params: SegmentIdParams,
    query: HistoryQuery,
    responses: { 200: ok(SegmentHistoryAnswer) },
  },
  {
    method: 'get',
    path: '/v1/segments/{id}/members',
    tag: 'segments',
    summary: 'Stream every member (NDJSON or CSV) from one point in time, in contact id order; resume with after=<last id>',
    scope: 'read',
    params: SegmentIdParams,
    query: MembersQuery,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: MEMBER_STREAM },
  },
  {
    method: 'post',
    path: '/v1/segments/members',
    tag: 'segments',
    summary: 'Stream the members of an ad hoc segment',
    scope: 'read',
    body: MembersBody,
    errors: [404, 409],
    searchesInRequest: true,
    responses: { 200: MEMBER_STREAM },
  },
  {
    method: 'post',
    path: '/v1/segments/{id}/snapshots',
    tag: 'segments',
    summary: 'Freeze the members now as an audience snapshot (a job)',
    scope: 'write',
    params: SegmentIdParams,
    errors: [409],
    responses: { 202: accepted(SnapshotStarted) },
  },
  {
    method: 'post',
    path: '/v1/segments/snapshots',
    tag: 'segments',
    summary: 'Freeze the members of an ad hoc segment',
    scope: 'write',
    body: z.strictObject({ query: SegmentQuery }),
    errors: [404, 409],
    responses: { 202: accepted(SnapshotStarted) },
  },
  {
    method: 'post',
    path: '/v1/segments/{id}/actions',
    tag: 'segments',
    summary: 'Bulk action on the members at this moment (a job): add/remove tags, set/remove labels, delete',
    scope: 'write',
    params: SegmentIdParams,
    body: SegmentAction,
    errors: [409],
    responses: { 202: accepted(jobRef) },
  },
  {
    method: 'post',
    path: '/v1/segments/actions',
    tag: 'segments',
    summary: 'Bulk action on the members of an ad hoc segment (body: query plus the action)',
    scope: 'write',
    body: AdHocSegmentAction,
    errors: [404, 409],
    responses: { 202: accepted(jobRef) },
  },
];
