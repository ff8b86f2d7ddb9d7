// The Labels screen's calls: label keys with their counts (GET /v1/labels), a key's values with
// theirs (GET /v1/labels/{key}/values), both paged by the API's cursor, and the label hygiene jobs
// (rename a key, merge values) with their dry runs.
import { api } from '../../api/client';
import type { paths } from '../../api/api-types';
import { unwrap } from '../../api/problem';
import type { ChangePreview, Job } from '../tags/tags-source';
import type { CursorPage } from '../tags/use-cursor-pages';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type LabelKeyRow = Json<paths['/v1/labels']['get']['responses'][200]>['items'][number];
export type LabelValueRow = Json<paths['/v1/labels/{key}/values']['get']['responses'][200]>['items'][number];

/** A label hygiene job: a key renamed, or values of a key merged into one. */
export type LabelChange =
  { kind: 'rename'; key: string; to: string; updateSegments: boolean } | { kind: 'merge'; key: string; from: string[]; to: string; updateSegments: boolean };

export async function fetchLabelKeys(limit: number, cursor: string | undefined, signal: AbortSignal): Promise<CursorPage<LabelKeyRow>> {
  const page = await unwrap(api.GET('/v1/labels', { params: { query: { limit, cursor } }, signal }));
  return { rows: page.items, nextCursor: page.nextCursor };
}

export async function fetchLabelValues(key: string, limit: number, cursor: string | undefined, signal: AbortSignal): Promise<CursorPage<LabelValueRow>> {
  const page = await unwrap(api.GET('/v1/labels/{key}/values', { params: { path: { key }, query: { limit, cursor } }, signal }));
  return { rows: page.items, nextCursor: page.nextCursor };
}

async function post(change: LabelChange, dryRun: boolean): Promise<unknown> {
  const query = { dryRun: dryRun ? 'true' : 'false' } as const;
  const path = { key: change.key };
  if (change.kind === 'rename') {
    return unwrap(api.POST('/v1/labels/{key}/rename', { params: { path, query }, body: { to: change.to, updateSegments: change.updateSegments } }));
  }
  return unwrap(
    api.POST('/v1/labels/{key}/merge-values', { params: { path, query }, body: { from: change.from, to: change.to, updateSegments: change.updateSegments } }),
  );
}

/** What the job would do (200, nothing started). */
export async function previewLabelChange(change: LabelChange): Promise<ChangePreview> {
  return (await post(change, true)) as ChangePreview;
}

/** Starts the job (202): the job to follow and the segments it touches. */
export async function startLabelChange(change: LabelChange): Promise<{ job: Job; contactsAffected: number }> {
  return (await post(change, false)) as { job: Job; contactsAffected: number };
}
