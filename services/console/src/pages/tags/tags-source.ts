// The Tags screen's calls: a page of tags with their counts (GET /v1/tags, by name), a find by name
// that scans the name-ordered pages (the list has no name filter), create, rename, (un)protect, and
// the delete job with its dry run first.
import { api } from '../../api/client';
import type { paths } from '../../api/api-types';
import { unwrap } from '../../api/problem';
import type { CursorPage } from './use-cursor-pages';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type TagRow = Json<paths['/v1/tags']['get']['responses'][200]>['items'][number];
export type Tag = Json<paths['/v1/tags/{id}']['get']['responses'][200]>;
/** What DELETE /v1/tags/{id}?dryRun=true answers: the segments affected with their counts, and the refusal if it would be refused. */
export type ChangePreview = Json<paths['/v1/tags/{id}']['delete']['responses'][200]>;
export type Job = Json<paths['/v1/jobs/{id}']['get']['responses'][200]>;

/** nextCursor: the API's cursor after the last tag read (found or not), or null at the end. */
export interface TagsPage extends CursorPage<TagRow> {
  /** Tags read to find these (a find reads more than it shows). */
  scanned: number;
}

/** A find reads the list in pages this long, and at most this many pages per screen page, so it never reads a huge workspace whole. */
const FIND_PAGE = 200;
const FIND_PAGES_PER_SCREEN = 10;

export async function fetchTagsPage(limit: number, cursor: string | undefined, signal: AbortSignal): Promise<TagsPage> {
  const page = await unwrap(api.GET('/v1/tags', { params: { query: { limit, cursor } }, signal }));
  return { rows: page.items, nextCursor: page.nextCursor, scanned: page.items.length };
}

/**
 * Tags whose name contains `text` (any case), read from the name-ordered list from `cursor` on:
 * stops once `limit` are found, at the end, or after FIND_PAGES_PER_SCREEN pages (the next page
 * goes on from there). A page may hold a few more than `limit`: the API's cursor can only resume
 * after a page it answered.
 */
export async function findTagsPage(text: string, limit: number, cursor: string | undefined, signal: AbortSignal): Promise<TagsPage> {
  const needle = text.toLocaleLowerCase();
  const rows: TagRow[] = [];
  let next: string | null | undefined = cursor;
  let scanned = 0;
  for (let read = 0; read < FIND_PAGES_PER_SCREEN && rows.length < limit; read++) {
    const page: TagsPage = await fetchTagsPage(FIND_PAGE, next ?? undefined, signal);
    scanned += page.rows.length;
    rows.push(...page.rows.filter((t) => t.name.toLocaleLowerCase().includes(needle)));
    next = page.nextCursor;
    if (!next) break;
  }
  return { rows, nextCursor: next ?? null, scanned };
}

export async function createTag(name: string, isProtected: boolean): Promise<Tag> {
  return unwrap(api.POST('/v1/tags', { body: { name, protected: isProtected } }));
}

export async function updateTag(id: string, change: { name?: string; protected?: boolean }): Promise<Tag> {
  return (await unwrap(api.PATCH('/v1/tags/{id}', { params: { path: { id } }, body: change }))) as Tag;
}

/** What deleting the tag would do; force=true previews marking the segments that use it broken. */
export async function previewTagDelete(id: string, force: boolean): Promise<ChangePreview> {
  const query = { dryRun: 'true', force: force ? 'true' : 'false' } as const;
  return (await unwrap(api.DELETE('/v1/tags/{id}', { params: { path: { id }, query } }))) as ChangePreview;
}

/** Starts the deletion job (202): the job to follow at /v1/jobs/{id}. */
export async function startTagDelete(id: string, force: boolean): Promise<Job> {
  const query = { force: force ? 'true' : 'false' } as const;
  return (await unwrap(api.DELETE('/v1/tags/{id}', { params: { path: { id }, query } }))) as Job;
}

export async function fetchJob(id: string, signal?: AbortSignal): Promise<Job> {
  return unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id } }, signal }));
}
