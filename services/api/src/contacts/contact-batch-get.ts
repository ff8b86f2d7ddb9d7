// POST /v1/contacts/batch-get: up to 1,000 contacts by id in one round trip, for a sender holding
// ids (an audience snapshot's pages). Read from Postgres, the truth, scoped to the workspace: an id
// of another workspace is simply missing, as an unknown one is.
import { z } from 'zod';
import type { ContactSnapshot } from '@segmenter/shared';
import type { Pool } from 'pg';
import { loadSnapshots } from './contacts-store';

/** A snapshot page's size at most, so one page of ids is one call. */
const MAX_BATCH_GET_IDS = 1000;

export const BatchGetRequest = z
  .strictObject({
    ids: z
      .array(z.uuid('must be a contact id (UUID)').transform((id) => id.toLowerCase()), 'must be an array of contact ids')
      .min(1, 'must hold at least one id')
      .max(MAX_BATCH_GET_IDS, `must hold at most ${MAX_BATCH_GET_IDS} ids`),
  })
  .superRefine((body, ctx) => {
    // A repeated id is a caller's bug (its answer would be ambiguous): named where it repeats.
    const first = new Map<string, number>();
    body.ids.forEach((id, i) => {
      const at = first.get(id);
      if (at === undefined) first.set(id, i);
      else ctx.addIssue({ code: 'custom', path: ['ids', i], message: `repeats the id at body.ids.${at}` });
    });
  });
export type BatchGetRequest = z.infer<typeof BatchGetRequest>;

export interface BatchGetResult {
  /** Found contacts, in the order asked; soft-deleted ones too, with `deletedAt` set (do not send to them). */
  items: ContactSnapshot[];
  /** Ids with no contact in this workspace (never created, erased, or another workspace's), in the order asked. */
  missing: string[];
}

export async function batchGetContacts(pool: Pool, workspaceId: string, ids: readonly string[]): Promise<BatchGetResult> {
  const found = new Map((await loadSnapshots(pool, workspaceId, [...ids])).map((c) => [c.id, c]));
  return { items: ids.flatMap((id) => found.get(id) ?? []), missing: ids.filter((id) => !found.has(id)) };
}
