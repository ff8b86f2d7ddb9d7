// Recording engagement activities (one, or a batch with a result per item) and reading a contact's
// history. Activities are stored for history and summarised on the contact for engagement
// conditions: a change to that summary bumps the contact's version and emits contact.engagement_recorded.
import { inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { FieldProblem, NotFoundError } from '../errors/app-error';
import { activityHistory, insertActivities, liveContactIds, refreshEngagement } from './activities-store';
import type { ActivityFields, BatchActivityItem } from './activity-schemas';
import { applyActivityStatusEffects } from './activity-status-effects';

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

export interface BatchActivityResult {
  index: number;
  status: 'stored' | 'error';
  id?: string;
  errors?: FieldProblem[];
}

export function createActivitiesService(deps: { pool: Pool }) {
  const { pool } = deps;
  return {
    /** Records the (valid) items of a batch whose contact is live; the others get an error each. One result per item. */
    async recordBatch(workspaceId: string, valid: { index: number; item: BatchActivityItem }[]): Promise<BatchActivityResult[]> {
      const results: BatchActivityResult[] = [];
      const known = await inTransaction(pool, async (client) => {
        const live = await liveContactIds(
          client,
          workspaceId,
          valid.map((v) => v.item.contactId),
          true,
        );
        const stored = valid.filter((v) => live.has(v.item.contactId.toLowerCase()));
        const ids = await recordActivities(
          client,
          workspaceId,
          stored.map((v) => v.item),
        );
        stored.forEach((v, i) => results.push({ index: v.index, status: 'stored', id: ids[i] }));
        return stored;
      });
      for (const v of valid) {
        if (!known.includes(v)) {
          results.push({
            index: v.index,
            status: 'error',
            errors: [{ field: `body.activities.${v.index}.contactId`, rule: 'is not a live contact of this workspace' }],
          });
        }
      }
      return results;
    },

    async record(workspaceId: string, contactId: string, fields: ActivityFields): Promise<string> {
      const [activityId] = await inTransaction(pool, async (client) => {
        if (!(await liveContactIds(client, workspaceId, [contactId], true)).has(contactId)) throw new NotFoundError(`Contact ${contactId}`);
        return recordActivities(client, workspaceId, [{ ...fields, contactId }]);
      });
      return activityId!;
    },

    async history(workspaceId: string, contactId: string, query: { limit: number; cursor?: string }) {
      if (!(await liveContactIds(pool, workspaceId, [contactId])).has(contactId)) throw new NotFoundError(`Contact ${contactId}`);
      return activityHistory(pool, workspaceId, contactId, query.limit, query.cursor);
    },
  };
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;
