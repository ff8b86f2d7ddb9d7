// Label hygiene across a workspace, as jobs: rename a label key, or merge several values of one key
// into one (`FB`, `fb`, `Facebook` into `facebook`). Starting one lists the saved segments that use
// the old key or values (before anything changes) and counts the contacts to rewrite; the job then
// rewrites them 500 per chunk, each chunk one transaction in which every changed contact gets one
// version bump and its contact.labels_removed / contact.labels_set events (the outbox), so the
// search index follows. Rewritten contacts stop matching, so a chunk needs no cursor and a crash
// resumes where the data stands. Deleted contacts are rewritten too: a restore brings back no
// stale label. With updateSegments, the segments that name the old key or values are rewritten
// when the last contact is done (their counts dip meanwhile either way; docs/segment-language.md).
import { Condition, inTransaction, lockForTransaction, Pool, PoolClient } from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { touchContacts } from '../contacts/contacts-store';
import { affectedSegments, ChangePlan, PreviewChange } from '../dependencies/change-preview';
import { refusalOf } from '../dependencies/rehearsal';
import { ConflictError, ValidationError } from '../errors/app-error';
import type { ChunkResult, JobRunner } from '../jobs/job-runner';
import { insertJob, Job, saveJobState } from '../jobs/jobs-store';
import { dependentsOf, labelKeysOf, mergeLabelValuesIn, namesLabelValues, renameLabelKeyIn } from '../segments/segment-dependencies';
import { listSegments, lockSegments, replaceConditions } from '../segments/segments-store';
import { countContactsWithLabel, lockContactsWithLabel, mergeLabelValuesOn, renameLabelKeyOn } from './label-hygiene-store';

export const LABEL_KEY_RENAME_JOB = 'label_key.rename';
export const LABEL_VALUES_MERGE_JOB = 'label_values.merge';
const CHUNK = 500;
/** Contacts that kept their own value under the new key, listed in the job's result (the rest are counted). */
const KEPT_LISTED = 100;

export type LabelHygieneChange = { kind: 'rename'; key: string; to: string; updateSegments: boolean } | MergeChange;
type MergeChange = { kind: 'merge'; key: string; from: string[]; to: string; updateSegments: boolean };

/** What a job has done so far, saved with each chunk (GET /v1/jobs/:id shows it as `result`). */
interface HygieneResult {
  changed: number;
  /** Rename only: contacts that had both keys; the new key's value stayed, the old one was dropped. */
  keptTargetValue: number;
  keptTargetSamples: { contactId: string; droppedValue: string }[];
  segmentsRewritten: { id: string; name: string }[] | null;
}

const EMPTY_RESULT: HygieneResult = { changed: 0, keptTargetValue: 0, keptTargetSamples: [], segmentsRewritten: null };

/** Whether a saved segment's own condition names what the change rewrites. */
function usesOf(change: LabelHygieneChange): (tree: Condition) => boolean {
  return change.kind === 'rename' ? (tree) => labelKeysOf(tree).includes(change.key) : (tree) => namesLabelValues(tree, change.key, change.from, change.to);
}

/** The tree as updateSegments leaves it. */
function rewriteOf(change: LabelHygieneChange): (tree: Condition) => Condition {
  return change.kind === 'rename'
    ? (tree) => renameLabelKeyIn(tree, change.key, change.to)
    : (tree) => mergeLabelValuesIn(tree, change.key, change.from, change.to);
}

/** What the job does to each segment using the old key or values (change-preview.ts). */
function effectOf(change: LabelHygieneChange): ChangePlan['effect'] {
  const rewrite = rewriteOf(change);
  return ({ dependency, segment }) => {
    if (dependency === 'indirect') return change.updateSegments ? 'unchanged' : 'stale';
    // A segment that names the values only under a prefix keeps its pattern: its members change.
    if (JSON.stringify(rewrite(segment.condition)) === JSON.stringify(segment.condition)) return 'follows_change';
    return change.updateSegments ? 'rewritten' : 'stale';
  };
}

const valuesOf = (change: LabelHygieneChange) => (change.kind === 'merge' ? change.from : null);

/** A queued or running hygiene job that touches any of `keys` (as its key, or as a rename's new key). */
async function pendingJobTouching(client: PoolClient, workspaceId: string, keys: string[]): Promise<string | undefined> {
  const { rows } = await client.query(
    `select id from jobs where workspace_id = $1 and status in ('queued', 'running') and (
       (type = any($2::text[]) and params->>'key' = any($4::text[])) or (type = $3 and params->>'to' = any($4::text[]))) limit 1`,
    [workspaceId, [LABEL_KEY_RENAME_JOB, LABEL_VALUES_MERGE_JOB], LABEL_KEY_RENAME_JOB, keys],
  );
  return rows[0]?.id;
}

export function createLabelHygieneService(deps: { pool: Pool; jobs?: Pick<JobRunner, 'nudge'>; preview: PreviewChange }) {
  const { pool, jobs } = deps;

  /** Checks, lists the segments using the old key or values, and queues the job, in the caller's transaction. */
  async function startIn(client: PoolClient, workspaceId: string, change: LabelHygieneChange) {
    if (change.kind === 'rename' && change.to === change.key) throw new ValidationError([{ field: 'body.to', rule: 'must differ from the key renamed' }]);
    // One start at a time per workspace: two starts on one key cannot both pass the check below.
    await lockForTransaction(client, `label-hygiene:${workspaceId}`);
    const keys = change.kind === 'rename' ? [change.key, change.to] : [change.key];
    const running = await pendingJobTouching(client, workspaceId, keys);
    if (running)
      throw new ConflictError(`Label key ${JSON.stringify(change.key)} is being changed by job ${running}; wait for it to end`, [
        { field: 'params.key', rule: `is changed by a label job still running (${running}); wait for it to end` },
      ]);
    const segments = await affectedSegments(client, workspaceId, usesOf(change), effectOf(change));
    const contactsAffected = await countContactsWithLabel(client, workspaceId, change.key, valuesOf(change), true);
    const { kind, ...params } = change;
    const job = await insertJob(client, workspaceId, kind === 'rename' ? LABEL_KEY_RENAME_JOB : LABEL_VALUES_MERGE_JOB, params, contactsAffected);
    return { job, segments, contactsAffected };
  }

  /** The last chunk: rewrite the segments that name the old key or values, when asked to. */
  async function finish(client: PoolClient, job: Job, change: LabelHygieneChange, result: HygieneResult): Promise<ChunkResult> {
    if (change.updateSegments) {
      const workspaceId = job.workspaceId!;
      // The lock every segment write takes: none is saved or changed between the read and the rewrite.
      await lockSegments(client, workspaceId);
      const users = dependentsOf(await listSegments(client, workspaceId), usesOf(change)).direct;
      const rewrite = rewriteOf(change);
      const rewritten = users.filter((s) => JSON.stringify(rewrite(s.condition)) !== JSON.stringify(s.condition));
      await replaceConditions(client, workspaceId, new Map(rewritten.map((s) => [s.id, rewrite(s.condition)])));
      result = { ...result, segmentsRewritten: rewritten.map((s) => ({ id: s.id, name: s.name })) };
    }
    await saveJobState(client, job.id, job.params, result);
    return { processed: 0, finished: true };
  }

  /** One chunk of either job. */
  async function chunk(client: PoolClient, job: Job, kind: LabelHygieneChange['kind']): Promise<ChunkResult> {
    const change = { kind, ...job.params } as LabelHygieneChange;
    const workspaceId = job.workspaceId!; // label jobs always belong to a workspace
    const result: HygieneResult = { ...EMPTY_RESULT, ...(job.result as Partial<HygieneResult> | null) };
    const ids = await lockContactsWithLabel(client, workspaceId, change.key, valuesOf(change), CHUNK);
    if (ids.length === 0) return finish(client, job, change, result);
    let changed: string[];
    if (change.kind === 'rename') {
      const { removed, moved, kept } = await renameLabelKeyOn(client, workspaceId, ids, change.key, change.to);
      await touchContacts(client, workspaceId, removed);
      // As a label write: the removal, then the set, both carrying the final snapshot (one version).
      await emitContactEvents(client, workspaceId, removed, 'contact.labels_removed', () => ({ keys: [change.key] }));
      const movedIds = removed.filter((id) => moved.has(id));
      await emitContactEvents(client, workspaceId, movedIds, 'contact.labels_set', (c) => ({ labels: Object.fromEntries([[change.to, moved.get(c.id)!]]) }));
      result.keptTargetValue += kept.length;
      result.keptTargetSamples = [...result.keptTargetSamples, ...kept].slice(0, KEPT_LISTED);
      changed = removed;
    } else {
      changed = await mergeLabelValuesOn(client, workspaceId, ids, change.key, change.from, change.to);
      await touchContacts(client, workspaceId, changed);
      await emitContactEvents(client, workspaceId, changed, 'contact.labels_set', () => ({ labels: Object.fromEntries([[change.key, change.to]]) }));
    }
    result.changed += changed.length;
    await saveJobState(client, job.id, job.params, result);
    return { processed: changed.length, finished: false };
  }

  /** Starts the job, or with dryRun answers what it would do (change-preview.ts) and starts nothing. */
  async function startOrPreview(workspaceId: string, change: LabelHygieneChange, dryRun: boolean) {
    if (dryRun) {
      const refusal = await refusalOf(pool, (client) => startIn(client, workspaceId, change));
      const { kind, ...subject } = change;
      return {
        preview: await deps.preview(workspaceId, {
          operation: kind === 'rename' ? 'labelKey.rename' : 'labelValues.merge',
          subject,
          uses: usesOf(change),
          effect: effectOf(change),
          contactsAffected: await countContactsWithLabel(pool, workspaceId, change.key, valuesOf(change), true),
          refusal,
        }),
      };
    }
    const started = await inTransaction(pool, (client) => startIn(client, workspaceId, change));
    jobs?.nudge();
    return { started };
  }

  return {
    startOrPreview,
    renameChunk: (client: PoolClient, job: Job) => chunk(client, job, 'rename'),
    mergeChunk: (client: PoolClient, job: Job) => chunk(client, job, 'merge'),
  };
}
export type LabelHygieneService = ReturnType<typeof createLabelHygieneService>;
