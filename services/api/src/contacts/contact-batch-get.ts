// POST /v1/contacts/batch-get: up to 1,000 contacts by id in one round trip, for a sender holding
// ids (an audience snapshot's pages). Read from Postgres, the truth, scoped to the workspace: an id
// of another workspace is simply missing, as an unknown one is.
import type { ContactSnapshot } from '@segmenter/shared';
import type { Pool } from 'pg';
import { loadSnapshots } from './contacts-store';

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
