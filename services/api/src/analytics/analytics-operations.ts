// GET /v1/analytics/... as the OpenAPI document lists them, with the request schemas the routes
// validate with; openapi-document.ts joins every feature's table. Every one searches the index and
// may wait for a Consistency-Token; those narrowed to a saved segment answer 404 and 409 for it.
import { z } from 'zod';
import { DOCUMENTED_MAX_WAIT_MS, ok, type Operation } from '../http/operation';
import {
  ChannelsAnswer,
  ContactsCreatedAnswer,
  LabelKeyCountsAnswer,
  LabelValueCountsAnswer,
  SegmentCountsAnswer,
  TagCountsAnswer,
} from './analytics-responses';
import { ChannelsQuery, ContactsCreatedQuery, LabelsQuery, SegmentCountsQuery, TagsQuery } from './analytics-schemas';

// Path keys are documented as plain strings; the route checks them with LabelKeyParams.
const LabelParams = z.object({ key: z.string() });

const fromTheIndex = { tag: 'analytics', scope: 'read', waitsForConsistency: true, searchesInRequest: true } as const;
/** Narrowed by `segmentId`: a segment this workspace does not have is a 404, a broken one a 409. */
const bySegment = { errors: [404, 409] as (404 | 409)[] };

export const ANALYTICS_OPERATIONS: Operation[] = [
  {
    ...fromTheIndex,
    ...bySegment,
    method: 'get',
    path: '/v1/analytics/channels',
    summary: 'Per channel (email, phone): the contacts that have it, per status, and sendable; optionally within a saved segment',
    query: ChannelsQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(ChannelsAnswer) },
  },
  {
    ...fromTheIndex,
    ...bySegment,
    method: 'get',
    path: '/v1/analytics/tags',
    summary: 'Every tag with its contact count (0 included), by count (most first) or by name (paged); optionally within a saved segment',
    query: TagsQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(TagCountsAnswer) },
  },
  {
    ...fromTheIndex,
    ...bySegment,
    method: 'get',
    path: '/v1/analytics/labels',
    summary: 'Label keys with contact counts, by key (paged by a composite aggregation); optionally within a saved segment',
    query: LabelsQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(LabelKeyCountsAnswer) },
  },
  {
    ...fromTheIndex,
    ...bySegment,
    method: 'get',
    path: '/v1/analytics/labels/{key}/values',
    summary: "A label key's values with contact counts, by value (paged by a composite aggregation); optionally within a saved segment",
    params: LabelParams,
    query: LabelsQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(LabelValueCountsAnswer) },
  },
  {
    ...fromTheIndex,
    ...bySegment,
    method: 'get',
    path: '/v1/analytics/contacts-created',
    summary: 'Contacts created per day, week or month from one date to another in a time zone, empty buckets included (at most 1,000)',
    query: ContactsCreatedQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(ContactsCreatedAnswer) },
  },
  {
    ...fromTheIndex,
    errors: [404], // ids this workspace has no saved segment for; a broken segment answers its problem in its place
    method: 'get',
    path: '/v1/analytics/segments',
    summary:
      "Saved segments' counts and sendable totals in one round trip, as POST /v1/segments/count counts them: those named by ids (up to 50), or a page of every saved segment by name",
    query: SegmentCountsQuery(DOCUMENTED_MAX_WAIT_MS),
    responses: { 200: ok(SegmentCountsAnswer) },
  },
];
