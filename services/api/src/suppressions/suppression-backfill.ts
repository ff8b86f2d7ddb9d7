// Puts on the suppression list what contacts deleted before it existed still hold (queued once
// per workspace by migration 1764002000000): one chunk of deleted contacts at a time, in id
// order, each chunk idempotent (an entry only ever gets stricter), so a restart resumes cleanly.
import { PoolClient, SUPPRESSING_STATUSES } from '@segmenter/shared';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';
import { keepSuppressionsOf } from './suppression-sync';

export const SUPPRESSION_BACKFILL_JOB = 'suppressions.backfill';
const CHUNK = 500;

export async function backfillSuppressionsChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
  const { after } = job.params as { after: string | null };
  const workspaceId = job.workspaceId!;
  const { rows } = await client.query(
    `select id from contacts
      where workspace_id = $1 and deleted_at is not null and ($2::uuid is null or id > $2)
        and (email_status = any($3::text[]) or phone_status = any($4::text[]))
      order by id limit $5`,
    [workspaceId, after, SUPPRESSING_STATUSES.email, SUPPRESSING_STATUSES.phone, CHUNK],
  );
  if (rows.length === 0) return { processed: 0, finished: true };
  const ids = rows.map((r) => r.id as string);
  await keepSuppressionsOf(client, workspaceId, ids, 'kept from a contact deleted before suppressions outlived contacts');
  await saveJobState(client, job.id, { after: ids[ids.length - 1] });
  return { processed: ids.length, finished: false };
}
