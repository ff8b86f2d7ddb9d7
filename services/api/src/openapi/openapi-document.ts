// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, and from
// the answer schemas of each feature (<feature>-responses.ts), so the reference cannot drift from what the code
// checks. Each feature lists its operations next to its routes (<feature>-operations.ts) and this
// module joins them; openapi.int.test.ts checks that every listed one is routed, the integration
// tests check every answer they receive against it (test/support/api-harness.ts), and
// openapi-client.test.ts generates a typed client from it.
import { z } from 'zod';
import { ConditionTree } from '@segmenter/shared';
import { ACTIVITIES_OPERATIONS } from '../activities/activities-operations';
import { ANALYTICS_OPERATIONS } from '../analytics/analytics-operations';
import { CONSISTENCY_OPERATIONS } from '../consistency/consistency-operations';
import { Contact } from '../contacts/contact-responses';
import { CONTACTS_OPERATIONS } from '../contacts/contacts-operations';
import { COUNTS_OPERATIONS } from '../counts/counts-operations';
import { CUSTOM_FIELDS_OPERATIONS } from '../custom-fields/custom-fields-operations';
import { DUPLICATES_OPERATIONS } from '../duplicates/duplicates-operations';
import { DEPENDENCIES_OPERATIONS } from '../dependencies/dependencies-operations';
import { Problem } from '../errors/problem';
import { EXPORTS_OPERATIONS } from '../exports/exports-operations';
import type { Answer, Operation } from '../http/operation';
import { IMPORTS_OPERATIONS } from '../imports/imports-operations';
import { Job } from '../jobs/job-responses';
import { JOBS_OPERATIONS } from '../jobs/jobs-operations';
import { LABELS_OPERATIONS } from '../labels/labels-operations';
import { SEARCH_INDEX_OPERATIONS } from '../search-index/search-index-operations';
import { ExplainNode } from '../segments/segment-responses';
import { SEGMENTS_OPERATIONS } from '../segments/segments-operations';
import { SNAPSHOTS_OPERATIONS } from '../segments/snapshots-operations';
import { SUPPRESSIONS_OPERATIONS } from '../suppressions/suppressions-operations';
import { TAGS_OPERATIONS } from '../tags/tags-operations';
import { WEBHOOKS_OPERATIONS } from '../webhooks/webhooks-operations';
import { WORKSPACES_OPERATIONS } from '../workspaces/workspaces-operations';
import { describeCustomSchemas } from './custom-schema-shapes';
import { JsonSchema, recursiveComponent, toJsonSchema } from './json-schema';

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: toJsonSchema(field as z.ZodType, 'input'),
  }));
}

/** Which errors an operation can answer, from what it takes; each is a Problem. */
export function errorStatuses(op: Operation): number[] {
  const statuses = new Set<number>([400, 401, 403, ...(op.errors ?? [])]);
  if (op.params) statuses.add(404); // the resource named in the path
  if (op.body || op.csvBody) statuses.add(413);
  // A body that is neither JSON nor (for uploads) CSV is refused before any route reads it.
  if (op.body || op.csvBody || op.method !== 'get') statuses.add(415);
  if (op.idempotent) statuses.add(422); // an Idempotency-Key reused for a different request
  if (op.waitsForConsistency || op.searchesInRequest) statuses.add(503);
  // Every keyed operation: its key's rate, its search cost budget, failed keys from its client IP.
  if (op.scope !== 'operator') statuses.add(429);
  return [...statuses].sort();
}

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
  ...ANALYTICS_OPERATIONS,
  ...CONSISTENCY_OPERATIONS,
  ...SEGMENTS_OPERATIONS,
  ...DEPENDENCIES_OPERATIONS,
  ...SNAPSHOTS_OPERATIONS,
  ...SUPPRESSIONS_OPERATIONS,
  ...SEARCH_INDEX_OPERATIONS,
  ...WEBHOOKS_OPERATIONS,
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
  429: "Too many requests: the key's rate or search cost budget, or failed keys from this client (Retry-After)",
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
  'Consistency-Token': {
    description: 'Pass as consistencyToken to GET /v1/counts, GET /v1/consistency or a count, to read this write',
    schema: { type: 'string' },
  },
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
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'Replays the first answer for 24 h',
          },
        ]
      : [];
    const cacheControlHeader = op.countCache
      ? [
          {
            name: 'Cache-Control',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 1000 },
            description:
              "`no-cache`: count in the search index now, never from the api's count cache (a cached count is served only while its workspace's documents are unchanged; docs/architecture.md)",
          },
        ]
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
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query'), ...idempotencyHeader, ...cacheControlHeader],
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
        ExplainNode: recursiveComponent(ExplainNode, 'ExplainNode', 'output'),
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
