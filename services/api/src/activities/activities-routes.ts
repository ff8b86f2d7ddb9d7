// Activity ingestion (one or a batch of up to 1000, a result per item) and a contact's history,
// newest first. Activities are stored for history and summarised on the contact (the most recent
// times per channel and status) for engagement conditions: a change to that summary bumps the
// contact's version and emits contact.engagement_recorded.
import { Router } from 'express';
import { inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { ContactIdParams } from '../contacts/contact-schemas';
import { AppError, FieldProblem, NotFoundError } from '../errors/app-error';
import { idempotent } from '../http/idempotency';
import { parseRequestPart } from '../http/validate';
import { ActivityFields, ActivityHistoryQuery, BatchActivitiesRequest, BatchActivityItem } from './activity-schemas';
import { emitContactEvents } from '../contacts/contact-changes';
import { applyActivityStatusEffects } from './activity-status-effects';
import { activityHistory, insertActivities, liveContactIds, refreshEngagement } from './activities-store';

/** Stores activities of live, locked contacts, emits an event for each changed summary, and applies unsubscribes and complaints to statuses. */
async function recordActivities(client: PoolClient, workspaceId: string, items: (ActivityFields & { contactId: string })[]): Promise<string[]> {
  const ids = await insertActivities(client, workspaceId, items);
  const perContact = new Map<string, number>();
  for (const item of items) perContact.set(item.contactId.toLowerCase(), (perContact.get(item.contactId.toLowerCase()) ?? 0) + 1);
  const changed = await refreshEngagement(client, workspaceId, [...perContact.keys()]);
  await emitContactEvents(client, workspaceId, changed, 'contact.engagement_recorded', (c) => ({ activities: perContact.get(c.id)! }));
  await applyActivityStatusEffects(client, workspaceId, items);
  return ids;
}

export function activitiesRoutes(pool: Pool): Router {
  const router = Router();
  router.post('/batch', requireApiKey(pool, 'write'), idempotent(pool), async (req, res) => {
    const workspaceId = principalOf(res).workspaceId;
    const { activities } = parseRequestPart(BatchActivitiesRequest, 'body', req.body);
    const results: { index: number; status: 'stored' | 'error'; id?: string; errors?: FieldProblem[] }[] = [];
    const valid: { index: number; item: ReturnType<typeof BatchActivityItem.parse> }[] = [];
    activities.forEach((raw, index) => {
      try {
        valid.push({ index, item: parseRequestPart(BatchActivityItem, `body.activities.${index}`, raw) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ index, status: 'error', errors: err.problems });
      }
    });
    const known = await inTransaction(pool, async (client) => {
      const live = await liveContactIds(client, workspaceId, valid.map((v) => v.item.contactId), true);
      const stored = valid.filter((v) => live.has(v.item.contactId.toLowerCase()));
      const ids = await recordActivities(client, workspaceId, stored.map((v) => v.item));
      stored.forEach((v, i) => results.push({ index: v.index, status: 'stored', id: ids[i] }));
      return stored;
    });
    for (const v of valid) {
      if (!known.includes(v)) {
        results.push({ index: v.index, status: 'error', errors: [{ field: `body.activities.${v.index}.contactId`, rule: 'is not a live contact of this workspace' }] });
      }
    }
    results.sort((a, b) => a.index - b.index);
    res.json({ summary: { stored: known.length, failed: activities.length - known.length }, results });
  });
  return router;
}

export function contactActivitiesRoutes(pool: Pool): Router {
  const router = Router();
  router.post('/:id/activities', requireApiKey(pool, 'write'), idempotent(pool), async (req, res) => {
    const workspaceId = principalOf(res).workspaceId;
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    const fields = parseRequestPart(ActivityFields, 'body', req.body);
    const [activityId] = await inTransaction(pool, async (client) => {
      if (!(await liveContactIds(client, workspaceId, [id], true)).has(id)) throw new NotFoundError(`Contact ${id}`);
      return recordActivities(client, workspaceId, [{ ...fields, contactId: id }]);
    });
    res.status(201).json({ id: activityId, ...fields });
  });
  router.get('/:id/activities', requireApiKey(pool, 'read'), async (req, res) => {
    const workspaceId = principalOf(res).workspaceId;
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    const query = parseRequestPart(ActivityHistoryQuery, 'query', req.query);
    if (!(await liveContactIds(pool, workspaceId, [id])).has(id)) throw new NotFoundError(`Contact ${id}`);
    res.json(await activityHistory(pool, workspaceId, id, query.limit, query.cursor));
  });
  return router;
}
