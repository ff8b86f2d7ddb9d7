// Label hygiene across a workspace, as jobs: rename a label key, or merge several values of one key
// into one (`FB`, `fb`, `Facebook` into `facebook`). Starting one lists the saved segments that use
// the old key or values (before anything changes) and counts the contacts to rewrite; the job then
// rewrites them 500 per chunk, each chunk one transaction in which every changed contact gets one
// version bump and its contact.labels_removed / contact.labels_set events (the outbox), so the
// search index follows. Rewritten contacts stop matching, so a chunk needs no cursor and a crash
// resumes where the data stands. Deleted contacts are rewritten too: a restore brings back no
// stale label. With updateSegments, the segments that name the old key or values are widened when
// the job is queued to match both the old and the new (label-segment-widening.ts), so a contact the
// job moves stays in them and no membership event says otherwise, then narrowed to their final
// form once the last contact is done and the index shows it (so the indexer has evaluated every
// change against the widened form), which moves no one (docs/segment-language.md).
import {
  checkCondition,
  compileToElasticsearch,
  Condition,
  EsClient,
  inTransaction,
  lockForTransaction,
  Pool,
  PoolClient,
  workspaceSearch,
} from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { touchContacts } from '../contacts/contacts-store';
import { affectedSegments, ChangePlan, PreviewChange } from '../dependencies/change-preview';
import { refusalOf } from '../dependencies/rehearsal';
import { ConflictError, ValidationError } from '../errors/app-error';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';
import type { ChunkResult, JobRunner } from '../jobs/job-runner';
import { insertJob, Job, saveJobState } from '../jobs/jobs-store';
import { dependentsOf, labelKeysOf, mergeLabelValuesIn, namesLabelValues, renameLabelKeyIn } from '../segments/segment-dependencies';
import { expandFrom } from '../segments/segment-resolver';
import { listSegments, lockSegments, replaceConditions, SegmentRow } from '../segments/segments-store';
import {
  contactsCarryingLabel,
  countContactsWithLabel,
  lockContactsWithLabel,
  mergeLabelValuesOn,
  renameLabelKeyOn,
  replaceConditionIfUnchanged,
} from './label-hygiene-store';
import { widenLabelMergeIn, widenLabelRenameIn } from './label-segment-widening';

export const LABEL_KEY_RENAME_JOB = 'label_key.rename';
export const LABEL_VALUES_MERGE_JOB = 'label_values.merge';
const CHUNK = 500;
/** Contacts that kept their own value under the new key, listed in the job's result (the rest are counted). */
const KEPT_LISTED = 100;
/** Live contacts looked up per check of the index: more than this still showing the old label means it is behind anyway. */
const INDEX_CHECKED = 1000;
/** How often the end looks at the index again while it is behind. */
const INDEX_POLL_MS = 500;

export type LabelHygieneChange = { kind: 'rename'; key: string; to: string; updateSegments: boolean } | MergeChange;
type MergeChange = { kind: 'merge'; key: string; from: string[]; to: string; updateSegments: boolean };

/** What a job has done so far, saved with each chunk (GET /v1/jobs/:id shows it as `result`). */
interface HygieneResult {
  changed: number;
  /** Rename only: contacts that had both keys; the new key's value stayed, the old one was dropped. */
  keptTargetValue: number;
  keptTargetSamples: { contactId: string; droppedValue: string }[];
  /** updateSegments only: the segments widened when the job was queued, with the condition they hold until it ends and the one they get then. */
  segmentsWidened: WidenedSegment[] | null;
  segmentsRewritten: { id: string; name: string }[] | null;
  /** When the last contact was done and the end began waiting for the index (ISO 8601), or null. */
  indexWaitSince: string | null;
  /** Set when the segments were narrowed before the index showed every change (waited too long, or it could not be asked). */
  indexNote: string | null;
}

interface WidenedSegment {
  id: string;
  name: string;
  widened: Condition;
  final: Condition;
}

const EMPTY_RESULT: HygieneResult = {
  changed: 0,
  keptTargetValue: 0,
  keptTargetSamples: [],
  segmentsWidened: null,
  segmentsRewritten: null,
  indexWaitSince: null,
  indexNote: null,
};

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

/** The tree as it stands while the job runs (label-segment-widening.ts). */
function widenOf(change: LabelHygieneChange): (tree: Condition) => Condition {
  return change.kind === 'rename'
    ? (tree) => widenLabelRenameIn(tree, change.key, change.to)
    : (tree) => widenLabelMergeIn(tree, change.key, change.from, change.to);
}

const sameTree = (a: Condition, b: Condition) => JSON.stringify(a) === JSON.stringify(b);

/** `id` and every segment it refers to, through any chain (walked iteratively: no recursion over stored data). */
function reachedFrom(byId: ReadonlyMap<string, SegmentRow>, id: string): string[] {
  const reached = new Set([id]);
  const stack = [id];
  while (stack.length > 0) {
    for (const next of byId.get(stack.pop()!)?.referencesSegments ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      stack.push(next);
    }
  }
  return [...reached];
}

/** Whether `segment` is still within the segment limits, itself and expanded (a broken reference is no new problem). */
function fitsLimits(byId: ReadonlyMap<string, SegmentRow>, segment: SegmentRow): boolean {
  if ('problems' in checkCondition(segment.condition)) return false;
  try {
    expandFrom(byId, segment.condition, 'condition', segment.id);
    return true;
  } catch (err) {
    if (err instanceof ValidationError) return false;
    if (err instanceof ConflictError) return true;
    throw err;
  }
}

/**
 * Widens the segments that name the old key or values, in the transaction that queues the job
 * (the segments lock held). A widened rename holds more conditions and may nest one level deeper:
 * a segment whose widened form, or a segment using it, would pass the segment limits is not
 * widened, and is rewritten only at the end (its members leave and come back meanwhile).
 */
async function widenSegments(client: PoolClient, workspaceId: string, change: LabelHygieneChange): Promise<WidenedSegment[]> {
  await lockSegments(client, workspaceId);
  const all = await listSegments(client, workspaceId);
  const widen = widenOf(change);
  const rewrite = rewriteOf(change);
  const planned = new Map<string, WidenedSegment>();
  for (const s of dependentsOf(all, usesOf(change)).direct) {
    const widened = widen(s.condition);
    if (!sameTree(widened, s.condition)) planned.set(s.id, { id: s.id, name: s.name, widened, final: rewrite(s.condition) });
  }
  // Dropping a widening only shrinks trees, so this ends (at worst with none widened).
  for (let dropped = true; dropped;) {
    dropped = false;
    const byId = new Map(all.map((s) => [s.id, planned.has(s.id) ? { ...s, condition: planned.get(s.id)!.widened } : s]));
    for (const s of byId.values()) {
      const widenedThere = reachedFrom(byId, s.id).filter((id) => planned.has(id));
      if (widenedThere.length === 0 || fitsLimits(byId, s)) continue;
      for (const id of widenedThere) planned.delete(id);
      dropped = true;
    }
  }
  await replaceConditions(client, workspaceId, new Map([...planned.values()].map((w) => [w.id, w.widened])));
  return [...planned.values()];
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

export function createLabelHygieneService(deps: {
  pool: Pool;
  es: EsClient;
  alias: string;
  jobs?: Pick<JobRunner, 'nudge'>;
  preview: PreviewChange;
  /** How long the end waits for the index before narrowing the widened segments anyway (default 10 minutes). */
  indexWaitMs?: number;
}) {
  const { pool, es, alias, jobs } = deps;
  const indexWaitMs = deps.indexWaitMs ?? 10 * 60_000;

  /**
   * Whether the index still shows a live contact with the old key or values that Postgres no
   * longer gives it: then the indexer has not yet evaluated (nor published the membership events
   * of) every change of the job, since it publishes a batch's transitions before writing it.
   * Deleted contacts are left out: they are in no segment, so their changes move no one.
   */
  async function indexBehind(workspaceId: string, change: LabelHygieneChange): Promise<boolean> {
    const old: Condition =
      change.kind === 'rename'
        ? { kind: 'label', key: change.key, op: 'exists', values: [] }
        : { kind: 'label', key: change.key, op: 'in', values: change.from };
    const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(old)]);
    const time = searchTime(es);
    const response = completeOrThrow(
      await withinSearchTime(es, () => es.search({ ...time.body, ...search, size: INDEX_CHECKED, _source: false, track_total_hits: false }, time.options)),
    );
    const ids = response.hits.hits.map((h) => h._id!);
    if (ids.length === 0) return false;
    // Contacts given the old label again after their chunk (label writes are not blocked) show it rightly.
    const carrying = await contactsCarryingLabel(pool, workspaceId, ids, change.key, valuesOf(change));
    return ids.length === INDEX_CHECKED || ids.some((id) => !carrying.has(id));
  }

  /** Null when the segments may be narrowed now; else the chunk that waits for the index. */
  async function waitForIndex(client: PoolClient, job: Job, change: LabelHygieneChange, result: HygieneResult): Promise<ChunkResult | null> {
    const since = result.indexWaitSince ?? new Date().toISOString();
    let problem: string | null = null;
    try {
      if (!(await indexBehind(job.workspaceId!, change))) return null;
    } catch (err) {
      problem = `the search index could not be asked (${(err as Error).message})`;
    }
    if (Date.now() - Date.parse(since) < indexWaitMs) {
      await saveJobState(client, job.id, job.params, { ...result, indexWaitSince: since });
      return { processed: 0, finished: false, waitMs: INDEX_POLL_MS };
    }
    result.indexNote = `the segments were narrowed ${Math.round(indexWaitMs / 1000)} s after the last contact was done, before the search index showed every change${problem ? `: ${problem}` : ''}; contacts whose change was indexed after that may have left and re-entered them`;
    return null;
  }

  /**
   * The checks of a start, in the caller's transaction; its lock is held to the end of it. A dry
   * run rehearses only these (it looks for the 409) and counts once, outside, holding no lock.
   */
  async function checkStartIn(client: PoolClient, workspaceId: string, change: LabelHygieneChange) {
    if (change.kind === 'rename' && change.to === change.key) throw new ValidationError([{ field: 'body.to', rule: 'must differ from the key renamed' }]);
    // One start at a time per workspace: two starts on one key cannot both pass the check below.
    await lockForTransaction(client, `label-hygiene:${workspaceId}`);
    const keys = change.kind === 'rename' ? [change.key, change.to] : [change.key];
    const running = await pendingJobTouching(client, workspaceId, keys);
    if (running)
      throw new ConflictError(`Label key ${JSON.stringify(change.key)} is being changed by job ${running}; wait for it to end`, [
        { field: 'params.key', rule: `is changed by a label job still running (${running}); wait for it to end` },
      ]);
  }

  /** Checks, lists the segments using the old key or values, and queues the job, in the caller's transaction. */
  async function startIn(client: PoolClient, workspaceId: string, change: LabelHygieneChange) {
    await checkStartIn(client, workspaceId, change);
    const segments = await affectedSegments(client, workspaceId, usesOf(change), effectOf(change));
    const contactsAffected = await countContactsWithLabel(client, workspaceId, change.key, valuesOf(change), true);
    const { kind, ...params } = change;
    const job = await insertJob(client, workspaceId, kind === 'rename' ? LABEL_KEY_RENAME_JOB : LABEL_VALUES_MERGE_JOB, params, contactsAffected);
    if (!change.updateSegments) return { job, segments, contactsAffected };
    // Before any contact changes, in this transaction: the indexer evaluates each contact's change
    // against the segments as they are, so they must already hold both the old and the new.
    const result: HygieneResult = { ...EMPTY_RESULT, segmentsWidened: await widenSegments(client, workspaceId, change) };
    await saveJobState(client, job.id, job.params, result);
    return { job: { ...job, result }, segments, contactsAffected };
  }

  /**
   * The last chunk, with updateSegments: the widened segments narrowed to their final form (no
   * contact carries the old key or values any more, so this moves no one), then any segment saved
   * or edited during the job that still names them rewritten as it stands (its members move now).
   */
  async function finish(client: PoolClient, job: Job, change: LabelHygieneChange, result: HygieneResult): Promise<ChunkResult> {
    if (change.updateSegments) {
      const workspaceId = job.workspaceId!;
      // The indexer evaluates each change against the segments as it finds them when it gets to it.
      if ((result.segmentsWidened?.length ?? 0) > 0) {
        const waiting = await waitForIndex(client, job, change, result);
        if (waiting) return waiting;
      }
      // The lock every segment write takes: none is saved or changed between the read and the rewrite.
      await lockSegments(client, workspaceId);
      const narrowed: { id: string; name: string }[] = [];
      for (const w of result.segmentsWidened ?? []) {
        if (await replaceConditionIfUnchanged(client, workspaceId, w.id, w.widened, w.final)) narrowed.push({ id: w.id, name: w.name });
      }
      const users = dependentsOf(await listSegments(client, workspaceId), usesOf(change)).direct;
      const rewrite = rewriteOf(change);
      const rewritten = users.filter((s) => !sameTree(rewrite(s.condition), s.condition));
      await replaceConditions(client, workspaceId, new Map(rewritten.map((s) => [s.id, rewrite(s.condition)])));
      const done = new Map([...narrowed, ...rewritten].map((s) => [s.id, { id: s.id, name: s.name }]));
      result = { ...result, segmentsRewritten: [...done.values()] };
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
      const refusal = await refusalOf(pool, (client) => checkStartIn(client, workspaceId, change));
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
