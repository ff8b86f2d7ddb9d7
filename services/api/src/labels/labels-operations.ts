// The /v1/labels endpoints and the label endpoints of one contact as the OpenAPI document lists
// them, with the request schemas the routes validate with; openapi-document.ts joins every
// feature's table.
import { z } from 'zod';
import { contactRef } from '../contacts/contact-responses';
import { BulkLabelAnswer, LabelJobStarted, LabelKeys, LabelValues } from './label-responses';
import { accepted, ok, type Operation } from '../http/operation';
import { ChangePreview } from '../dependencies/dependency-responses';
import { DryRunQuery } from '../dependencies/dependency-schemas';
import { ContactIdParams } from '../contacts/contact-schemas';
import { ListQuery } from '../http/list-page';
import {
  BulkRemoveLabelsRequest,
  BulkSetLabelsRequest,
  ChangeLabelsRequest,
  MergeLabelValuesRequest,
  RenameLabelKeyRequest,
  ReplaceLabelsRequest,
} from './label-schemas';

// Path keys are documented as plain strings; the routes check them with LabelKeyParams.
const ContactLabelParams = z.object({ id: z.uuid(), key: z.string() });
const LabelParams = z.object({ key: z.string() });

export const LABELS_OPERATIONS: Operation[] = [
  {
    method: 'patch',
    path: '/v1/contacts/{id}/labels',
    tag: 'labels',
    summary: 'Set and remove labels',
    scope: 'write',
    params: ContactIdParams,
    body: ChangeLabelsRequest,
    errors: [409],
    responses: { 200: ok(contactRef) },
  },
  {
    method: 'put',
    path: '/v1/contacts/{id}/labels',
    tag: 'labels',
    summary: 'Replace all labels',
    scope: 'write',
    params: ContactIdParams,
    body: ReplaceLabelsRequest,
    errors: [409],
    responses: { 200: ok(contactRef) },
  },
  {
    method: 'delete',
    path: '/v1/contacts/{id}/labels/{key}',
    tag: 'labels',
    summary: 'Remove one label',
    scope: 'write',
    params: ContactLabelParams,
    errors: [409],
    responses: { 200: ok(contactRef) },
  },
  {
    method: 'get',
    path: '/v1/labels',
    tag: 'labels',
    summary: 'Label keys in use with contact counts (paged)',
    scope: 'read',
    query: ListQuery,
    responses: { 200: ok(LabelKeys) },
  },
  {
    method: 'get',
    path: '/v1/labels/{key}/values',
    tag: 'labels',
    summary: "A key's values with contact counts (paged)",
    scope: 'read',
    params: LabelParams,
    query: ListQuery,
    responses: { 200: ok(LabelValues) },
  },
  {
    method: 'post',
    path: '/v1/labels/bulk-set',
    tag: 'labels',
    summary: 'Set labels on up to 10,000 contacts',
    scope: 'write',
    body: BulkSetLabelsRequest,
    idempotent: true,
    responses: { 200: ok(BulkLabelAnswer) },
  },
  {
    method: 'post',
    path: '/v1/labels/bulk-remove',
    tag: 'labels',
    summary: 'Remove labels from up to 10,000 contacts',
    scope: 'write',
    body: BulkRemoveLabelsRequest,
    idempotent: true,
    responses: { 200: ok(BulkLabelAnswer) },
  },
  {
    method: 'post',
    path: '/v1/labels/{key}/rename',
    tag: 'labels',
    summary:
      "Rename a label key on every contact of the workspace (a job); a contact that already has the new key keeps that key's value. Answers the job and the saved segments that use the old key; updateSegments: true rewrites them when the job ends. dryRun=true: what would happen (200), nothing started",
    scope: 'write',
    params: LabelParams,
    query: DryRunQuery,
    body: RenameLabelKeyRequest,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the job would do'), 202: accepted(LabelJobStarted) },
  },
  {
    method: 'post',
    path: '/v1/labels/{key}/merge-values',
    tag: 'labels',
    summary:
      'Merge values of a label key into one on every contact of the workspace (a job). Answers the job and the saved segments that name the old values; updateSegments: true rewrites them when the job ends. dryRun=true: what would happen (200), nothing started',
    scope: 'write',
    params: LabelParams,
    query: DryRunQuery,
    body: MergeLabelValuesRequest,
    errors: [409],
    searchesInRequest: true,
    responses: { 200: ok(ChangePreview, 'dryRun=true: what the job would do'), 202: accepted(LabelJobStarted) },
  },
];
