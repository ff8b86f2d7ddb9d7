// Bulk actions on a segment's current members, as a job: add or remove tags, set or remove labels,
// or delete. One-time, not dynamic: the job first freezes the members (an audience snapshot from
// one point in time), then applies the action to that list 500 contacts per chunk, each chunk one
// Postgres transaction whose changes leave through the outbox like any other write. A contact
// whose change the action makes no longer a member is still changed (it was a member at the
// freeze); one deleted meanwhile is skipped.
import { Job, saveJobState, setJobTotal } from '../jobs/jobs-store';
import type { ChunkResult } from '../jobs/job-runner';
import type { PoolClient } from '@segmenter/shared';
import { lockLiveContacts, softDeleteContacts } from '../contacts/contacts-store';
import { emitContactEvents } from '../contacts/contact-changes';
import { changeLockedContactsLabels } from '../labels/labels-service';
import { applyTagChange } from '../tags/tags-service';
import { createSnapshotChunk, snapshotMembers, SnapshotJobState } from './audience-snapshots';
import { ConflictError } from '../errors/app-error';
import type { SegmentAction } from './segment-schemas';

export { SEGMENT_ACTION_JOB } from './segment-job-types';
const APPLY_CHUNK = 500;

export interface SegmentActionState extends SnapshotJobState {
  phase: 'freeze' | 'apply';
  action: SegmentAction;
  applyCursor: string | null;
  changed: number;
  skipped: number;
}

async function apply(client: PoolClient, workspaceId: string, action: SegmentAction, ids: string[]): Promise<{ changed: number; skipped: number }> {
  const live = await lockLiveContacts(client, workspaceId, ids);
  const gone = ids.length - live.length;
  switch (action.action) {
    case 'add_tags':
    case 'remove_tags': {
      const changed = await applyTagChange(client, workspaceId, live, action.tagIds, action.action === 'add_tags' ? 'add' : 'remove');
      return { changed: changed.length, skipped: gone };
    }
    case 'set_labels':
    case 'remove_labels': {
      const outcome = await changeLockedContactsLabels(
        client,
        workspaceId,
        live,
        action.action === 'set_labels' ? action.labels : {},
        action.action === 'remove_labels' ? action.keys : [],
      );
      return { changed: outcome.changed, skipped: gone + outcome.rejected.length };
    }
    case 'delete': {
      const { rows } = await client.query(
        `select id from contacts where workspace_id = $1 and id = any($2::uuid[])
            and not (email_status = any($3::text[])) and not (phone_status = any($4::text[]))`,
        [workspaceId, live, action.keepEmailStatuses, action.keepPhoneStatuses],
      );
      const deleted = await softDeleteContacts(
        client,
        workspaceId,
        rows.map((r) => r.id),
        action.reason ?? 'segment bulk delete',
      );
      await emitContactEvents(client, workspaceId, deleted, 'contact.deleted', () => ({ reason: action.reason ?? 'segment bulk delete' }));
      return { changed: deleted.length, skipped: ids.length - deleted.length };
    }
  }
}

export function createSegmentActionChunk(options: Parameters<typeof createSnapshotChunk>[0]) {
  const freeze = createSnapshotChunk(options);
  return async function segmentActionChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as SegmentActionState;
    const workspaceId = job.workspaceId!;
    if (state.phase === 'freeze') {
      // The freeze saves its cursor into the job's params, next to ours (it spreads them).
      const result = await freeze(client, job);
      if (!result.finished) return { processed: 0, finished: false };
      const { rows } = await client.query('select status, total from audience_snapshots where id = $1', [state.snapshotId]);
      // A ConflictError (ours, not a dependency's): the job's stored error keeps these words.
      if (rows[0]?.status !== 'ready') throw new ConflictError(`the members could not be frozen (snapshot ${rows[0]?.status ?? 'missing'})`);
      await setJobTotal(client, job.id, rows[0].total);
      await saveJobState(client, job.id, { ...state, phase: 'apply', applyCursor: null });
      return { processed: 0, finished: false };
    }
    const page = await snapshotMembers(client, state.snapshotId, state.applyCursor ?? undefined, APPLY_CHUNK);
    const outcome = page.contactIds.length > 0 ? await apply(client, workspaceId, state.action, page.contactIds) : { changed: 0, skipped: 0 };
    const next = { ...state, applyCursor: page.nextCursor, changed: state.changed + outcome.changed, skipped: state.skipped + outcome.skipped };
    await saveJobState(client, job.id, next, { changed: next.changed, skipped: next.skipped, snapshotId: state.snapshotId });
    return { processed: page.contactIds.length, finished: page.nextCursor === null };
  };
}
