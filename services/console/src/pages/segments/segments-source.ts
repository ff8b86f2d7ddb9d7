// The Segments screens' calls: counting, explaining and previewing what is typed (ad hoc text), the
// names the editor completes (tags, label keys and values, custom fields), and saved segments
// (list with their counts, read, save, change, delete with its dry run first).
import { api } from '../../api/client';
import type { components, paths } from '../../api/api-types';
import { unwrap } from '../../api/problem';
import { onSessionChange } from '../../session/session';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type SavedSegment = Json<paths['/v1/segments/{id}']['get']['responses'][200]>;
/** A create's or a change's answer: the segment and what deserves a look (label keys no contact has yet). */
export type SavedWithWarnings = Json<paths['/v1/segments']['post']['responses'][201]>;
export type SegmentRow = Json<paths['/v1/segments']['get']['responses'][200]>['items'][number];
export type CountResult = Json<paths['/v1/segments/count']['post']['responses'][200]>['results'][number];
export type SegmentCount = Extract<CountResult, { total: number }>;
export type QueryProblem = Extract<CountResult, { status: number }>;
export type ExplainAnswer = Json<paths['/v1/segments/explain']['post']['responses'][200]>;
export type ExplainNode = components['schemas']['ExplainNode'];
export type PreviewAnswer = Json<paths['/v1/segments/preview']['post']['responses'][200]>;
export type DeletePreview = Json<paths['/v1/segments/{id}']['delete']['responses'][200]>;
export type CustomFieldType = Json<paths['/v1/custom-fields']['get']['responses'][200]>['items'][number]['type'];

export const isCount = (result: CountResult): result is SegmentCount => 'total' in result;

/** The count of one ad hoc text, or that query's own problem (a 400 naming `queries.0.text` and, for syntax, the line and column). */
export async function countText(text: string, signal: AbortSignal): Promise<CountResult> {
  const answer = await unwrap(api.POST('/v1/segments/count', { body: { queries: [{ text }] }, signal }));
  return answer.results[0]!;
}

/** Counts of saved segments, in their order (one request: the API counts up to 50 at once). */
export async function countSaved(ids: string[], signal: AbortSignal): Promise<CountResult[]> {
  if (ids.length === 0) return [];
  const answer = await unwrap(api.POST('/v1/segments/count', { body: { queries: ids.map((segmentId) => ({ segmentId })) }, signal }));
  return answer.results;
}

export async function explainText(text: string, signal: AbortSignal): Promise<ExplainAnswer> {
  return unwrap(api.POST('/v1/segments/explain', { body: { query: { text } }, signal }));
}

/** The first contacts of the text's segment (and its count again). */
export async function previewText(text: string, limit: number, signal: AbortSignal): Promise<PreviewAnswer> {
  return unwrap(api.POST('/v1/segments/preview', { body: { query: { text }, limit }, signal }));
}

export async function fetchSegmentsPage(
  limit: number,
  cursor: string | undefined,
  signal: AbortSignal,
): Promise<{ rows: SegmentRow[]; nextCursor: string | null }> {
  const page = await unwrap(api.GET('/v1/segments', { params: { query: { limit, cursor } }, signal }));
  return { rows: page.items, nextCursor: page.nextCursor };
}

export async function fetchSegment(id: string, signal: AbortSignal): Promise<SavedSegment> {
  return unwrap(api.GET('/v1/segments/{id}', { params: { path: { id } }, signal }));
}

export async function createSegment(name: string, text: string): Promise<SavedWithWarnings> {
  return unwrap(api.POST('/v1/segments', { body: { name, text } }));
}

export async function updateSegment(id: string, name: string, text: string): Promise<SavedWithWarnings> {
  return (await unwrap(api.PATCH('/v1/segments/{id}', { params: { path: { id } }, body: { name, text } }))) as SavedWithWarnings;
}

/** What deleting the segment would do: the segments that use it (which block the delete), with their counts. */
export async function previewSegmentDelete(id: string): Promise<DeletePreview> {
  return (await unwrap(api.DELETE('/v1/segments/{id}', { params: { path: { id }, query: { dryRun: 'true' } } }))) as DeletePreview;
}

export async function deleteSegment(id: string): Promise<void> {
  await unwrap(api.DELETE('/v1/segments/{id}', { params: { path: { id } } }));
}

/** What the editor and the form offer: names read from the API once per screen, a bounded number of each. */
export interface Vocabulary {
  tags: string[];
  labelKeys: string[];
  customFields: Map<string, CustomFieldType>;
}

/** How many names of each are read for completion: enough for any workspace people type in, never a whole huge list. */
const NAMES_READ = 500;

/** Follows a list's cursors until `max` items or the end. */
async function readUpTo<T>(max: number, page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    items.push(...answer.items);
    cursor = answer.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items.slice(0, max);
}

export async function fetchVocabulary(signal: AbortSignal): Promise<Vocabulary> {
  const limit = 200;
  const [tags, labels, fields] = await Promise.all([
    readUpTo(NAMES_READ, (cursor) => unwrap(api.GET('/v1/tags', { params: { query: { limit, cursor } }, signal }))),
    readUpTo(NAMES_READ, (cursor) => unwrap(api.GET('/v1/labels', { params: { query: { limit, cursor } }, signal }))),
    readUpTo(NAMES_READ, (cursor) => unwrap(api.GET('/v1/custom-fields', { params: { query: { limit: 100, cursor } }, signal }))),
  ]);
  return {
    tags: tags.map((t) => t.name),
    labelKeys: labels.map((l) => l.key),
    customFields: new Map(fields.map((f) => [f.key, f.type])),
  };
}

const labelValuesCache = new Map<string, Promise<string[]>>();
// The values are the signed-in workspace's: another key starts from nothing.
onSessionChange(() => labelValuesCache.clear());

/** A label key's values (the first page, most used first as the API orders them), read once per key. */
export function fetchLabelValues(key: string): Promise<string[]> {
  let values = labelValuesCache.get(key);
  if (!values) {
    values = unwrap(api.GET('/v1/labels/{key}/values', { params: { path: { key }, query: { limit: 200 } } })).then(
      (page) => page.items.map((v) => v.value),
      (err: unknown) => {
        labelValuesCache.delete(key);
        throw err;
      },
    );
    labelValuesCache.set(key, values);
  }
  return values;
}
