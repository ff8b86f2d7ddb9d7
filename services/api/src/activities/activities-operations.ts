// The activity endpoints (one contact, and batches) as the OpenAPI document lists them, with the
// request schemas the routes validate with; openapi-document.ts joins every feature's table.
import { z } from 'zod';
import { LIMITS } from '@segmenter/shared';
import { Activity, ActivityHistory, BatchActivitiesAnswer } from './activity-responses';
import { created, ok, type Operation } from '../http/operation';
import { ActivityFields, ActivityHistoryQuery, BatchActivitiesRequest, BatchActivityItem } from './activity-schemas';
import { ContactIdParams } from '../contacts/contact-schemas';

// The route takes the batch's items loosely (each is checked alone): the document shows what each must be.
const BatchActivitiesBody = BatchActivitiesRequest.extend({ activities: z.array(BatchActivityItem).min(1).max(LIMITS.batchUpsert) });

export const ACTIVITIES_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/contacts/{id}/activities',
    tag: 'activity',
    summary: 'Record an engagement event',
    scope: 'write',
    params: ContactIdParams,
    body: ActivityFields,
    idempotent: true,
    responses: { 201: created(Activity) },
  },
  {
    method: 'get',
    path: '/v1/contacts/{id}/activities',
    tag: 'activity',
    summary: 'Activity history, newest first',
    scope: 'read',
    params: ContactIdParams,
    query: ActivityHistoryQuery,
    responses: { 200: ok(ActivityHistory) },
  },
  {
    method: 'post',
    path: '/v1/activities/batch',
    tag: 'activity',
    summary: 'Record up to 1,000 engagement events, a result per item',
    scope: 'write',
    body: BatchActivitiesBody,
    idempotent: true,
    responses: { 200: ok(BatchActivitiesAnswer) },
  },
];
