// Bulk tag and label actions from the Contacts list, through the public API: on the selected rows
// (POST /v1/tags/bulk-add|bulk-remove, /v1/labels/bulk-set|bulk-remove: up to 10,000 ids, answered
// at once), or on the members of a saved segment or of a segment text (POST /v1/segments/actions,
// a job followed at GET /v1/jobs/{id} until it ends). Both report the same progress shape.
import { api } from '../../api/client';
import { type Problem, ProblemError, unwrap } from '../../api/problem';
import type { ContactsView } from './contacts-source';
import { findTagId } from './suggestions-source';

export type BulkTarget = { kind: 'selected'; ids: string[] } | { kind: 'segment'; segmentId: string } | { kind: 'text'; text: string };

export type BulkAction =
  | { kind: 'add_tag'; tag: string }
  | { kind: 'remove_tag'; tag: string }
  | { kind: 'set_label'; key: string; value: string }
  | { kind: 'remove_label'; key: string };

export interface BulkProgress {
  state: 'running' | 'succeeded' | 'failed';
  /** Contacts processed so far, of total (null while a job is still freezing its members). */
  done: number;
  total: number | null;
  changed: number;
  /** Contacts the action could not change: ids of no live contact, label values refused, members deleted meanwhile. */
  failed: number;
  /** A failed job's reason. */
  error?: string;
  jobId?: string;
}

/** How often a job is read while it runs. */
export const POLL_MS = 500;

/** The segment-language text of a list view's status filters (`email_status = blacklisted AND ...`), or '' without any. */
export function segmentTextOf(view: Pick<ContactsView, 'emailStatus' | 'phoneStatus'>): string {
  const parts = [];
  if (view.emailStatus) parts.push(`email_status = ${view.emailStatus}`);
  if (view.phoneStatus) parts.push(`phone_status = ${view.phoneStatus}`);
  return parts.join(' AND ');
}

const noSuchTag = (name: string): Problem => ({
  title: 'No such tag',
  detail: `The workspace has no tag named ${name}: nothing to remove.`,
  errors: [{ field: 'tag', rule: 'must name an existing tag' }],
});

export async function runBulkAction(target: BulkTarget, action: BulkAction, onProgress: (p: BulkProgress) => void, signal: AbortSignal): Promise<BulkProgress> {
  if (target.kind === 'selected') {
    const answer = await runOnIds(target.ids, action);
    const progress: BulkProgress = {
      state: 'succeeded',
      done: answer.requested,
      total: answer.requested,
      changed: answer.changed,
      failed: answer.notFound + (answer.rejected?.length ?? 0),
    };
    onProgress(progress);
    return progress;
  }
  const query = target.kind === 'segment' ? { segmentId: target.segmentId } : { text: target.text };
  const job = await unwrap(api.POST('/v1/segments/actions', { body: { ...(await segmentActionOf(action)), query } }));
  return followJob(job.id, onProgress, signal);
}

function runOnIds(contactIds: string[], action: BulkAction): Promise<{ requested: number; changed: number; notFound: number; rejected?: unknown[] }> {
  switch (action.kind) {
    case 'add_tag':
      return unwrap(api.POST('/v1/tags/bulk-add', { body: { contactIds, tags: [action.tag], createMissing: true } }));
    case 'remove_tag':
      return unwrap(api.POST('/v1/tags/bulk-remove', { body: { contactIds, tags: [action.tag] } }));
    case 'set_label':
      return unwrap(api.POST('/v1/labels/bulk-set', { body: { contactIds, labels: { [action.key]: action.value } } }));
    case 'remove_label':
      return unwrap(api.POST('/v1/labels/bulk-remove', { body: { contactIds, keys: [action.key] } }));
    default:
      return assertNever(action);
  }
}

type SegmentAction =
  | { action: 'add_tags' | 'remove_tags'; tagIds: string[] }
  | { action: 'set_labels'; labels: Record<string, string> }
  | { action: 'remove_labels'; keys: string[] };

/** The segment actions take tag ids: a tag added is created first when the workspace has none of that name. */
async function segmentActionOf(action: BulkAction): Promise<SegmentAction> {
  switch (action.kind) {
    case 'add_tag':
      return { action: 'add_tags', tagIds: [(await findTagId(action.tag)) ?? (await createTag(action.tag))] };
    case 'remove_tag': {
      const id = await findTagId(action.tag);
      if (!id) throw new ProblemError(noSuchTag(action.tag));
      return { action: 'remove_tags', tagIds: [id] };
    }
    case 'set_label':
      return { action: 'set_labels', labels: { [action.key]: action.value } };
    case 'remove_label':
      return { action: 'remove_labels', keys: [action.key] };
    default:
      return assertNever(action);
  }
}

async function createTag(name: string): Promise<string> {
  try {
    return (await unwrap(api.POST('/v1/tags', { body: { name } }))).id;
  } catch (err) {
    // Created meanwhile by someone else: use theirs.
    const id = err instanceof ProblemError && err.problem.status === 409 ? await findTagId(name) : undefined;
    if (id) return id;
    throw err;
  }
}

/** Reads the job every POLL_MS until it ends, reporting each read; the caller's signal stops the reading (not the job). */
async function followJob(jobId: string, onProgress: (p: BulkProgress) => void, signal: AbortSignal): Promise<BulkProgress> {
  for (let failures = 0; ;) {
    let job;
    try {
      job = await unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id: jobId } }, signal }));
      failures = 0;
    } catch (err) {
      // The job runs on whatever one read met (a 429, a network blip): read again, later each time; a few in a row end the watch.
      if (signal.aborted || ++failures > 5) throw err;
      await sleepUnlessAborted(Math.min(10_000, POLL_MS * 2 ** failures), signal);
      continue;
    }
    const result = (job.result ?? {}) as { changed?: number; skipped?: number };
    const progress: BulkProgress = {
      state: job.status === 'succeeded' || job.status === 'failed' ? job.status : 'running',
      done: job.done,
      total: job.total,
      changed: result.changed ?? 0,
      failed: result.skipped ?? 0,
      error: job.error ?? undefined,
      jobId,
    };
    onProgress(progress);
    if (progress.state !== 'running') return progress;
    await sleepUnlessAborted(POLL_MS, signal);
  }
}

/** Waits `ms`; rejects at once when the signal aborts (the listener removed either way). */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new DOMException('stopped', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal.addEventListener('abort', stop, { once: true });
  });
}

function assertNever(x: never): never {
  throw new Error(`unhandled bulk action ${JSON.stringify(x)}`);
}
