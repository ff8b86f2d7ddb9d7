// The Imports screen's calls to the API (/v1/imports, the template's columns, label keys, saved
// segments): create an import, preview its header, send its file, follow it, read what it refused.
import { api } from '../../api/client';
import type { paths } from '../../api/api-types';
import { unwrap } from '../../api/problem';

export type ImportRecord = paths['/v1/imports/{id}']['get']['responses'][200]['content']['application/json'];
export type ImportStatus = ImportRecord['status'];
export type ImportOptions = NonNullable<paths['/v1/imports']['post']['requestBody']>['content']['application/json'];
export type ImportPreview = paths['/v1/imports/{id}/preview']['post']['responses'][200]['content']['application/json'];
export type ColumnMapping = ImportPreview['mapping'][number];
export type Rejections = paths['/v1/imports/{id}/rejections']['get']['responses'][200]['content']['application/json'];
export type SavedSegment = paths['/v1/segments']['get']['responses'][200]['content']['application/json']['items'][number];

export const FINAL_STATUSES: ReadonlySet<ImportStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** What each status means to the person waiting (docs/imports-and-exports.md, Statuses). */
export const STATUS_TEXT: Record<ImportStatus, string> = {
  awaiting_file: 'Waiting for its file',
  uploading: 'Reading the file',
  processing: 'Writing contacts',
  indexing: 'Making contacts searchable',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * The start of a file, enough for its header row: the preview reads the header and stops. Large
 * enough for a header of hundreds of long column names, small enough to send at once.
 */
const PREVIEW_BYTES = 256 * 1024;

// The file goes as the raw body (text/csv), never as JSON: the File or Blob itself, streamed by the browser.
const rawCsv = { bodySerializer: (body: unknown) => body as BodyInit, headers: { 'Content-Type': 'text/csv' } };

export const createImport = (options: ImportOptions) => unwrap(api.POST('/v1/imports', { body: options }));

export const getImport = (id: string, signal?: AbortSignal) => unwrap(api.GET('/v1/imports/{id}', { params: { path: { id } }, signal }));

export const listImports = (cursor: string | undefined, limit: number, signal?: AbortSignal) =>
  unwrap(api.GET('/v1/imports', { params: { query: { cursor, limit } }, signal }));

export const previewImport = (id: string, file: Blob) =>
  unwrap(api.POST('/v1/imports/{id}/preview', { params: { path: { id } }, body: file.slice(0, PREVIEW_BYTES) as unknown as string, ...rawCsv }));

/** Answers once the whole file is read (every row staged or refused); the rows are written after. */
export const uploadImportFile = (id: string, file: Blob) =>
  unwrap(api.PUT('/v1/imports/{id}/file', { params: { path: { id } }, body: file as unknown as string, ...rawCsv }));

export const cancelImport = (id: string) => unwrap(api.POST('/v1/imports/{id}/cancel', { params: { path: { id } } }));

export const rejectionsPage = (id: string, after: number, limit: number, signal?: AbortSignal) =>
  unwrap(api.GET('/v1/imports/{id}/rejections', { params: { path: { id }, query: { after, limit } }, signal }));

/** The rejected-rows file (every refused row as uploaded, with an error column), as the API sends it. */
export async function rejectedRowsFile(id: string): Promise<{ blob: Blob; response: Response }> {
  const call = api.GET('/v1/imports/{id}/rejected-rows', { params: { path: { id } }, parseAs: 'blob' });
  const response = (await call).response;
  return { blob: (await unwrap(call)) as unknown as Blob, response };
}

/** The columns an import can write, read from the API's template header (standard columns, then custom_<key> for each custom field). */
export async function importTargets(): Promise<{ standard: string[]; customFields: string[] }> {
  const text = (await unwrap(api.GET('/v1/imports/template', { parseAs: 'text' }))) as unknown as string;
  const headers = (text.split(/\r?\n/, 1)[0] ?? '').split(',').map((h) => h.replace(/^"|"$/g, ''));
  return {
    standard: headers.filter((h) => !h.startsWith('label_') && !h.startsWith('custom_')),
    customFields: headers.filter((h) => h.startsWith('custom_')).map((h) => h.slice('custom_'.length)),
  };
}

/** The workspace's label keys, one page: suggestions for a column mapped to a label. */
export async function labelKeys(): Promise<string[]> {
  const page = await unwrap(api.GET('/v1/labels', { params: { query: { limit: 100 } } }));
  return page.items.map((l) => l.key);
}

export const savedSegmentsPage = (cursor: string | undefined, signal?: AbortSignal) =>
  unwrap(api.GET('/v1/segments', { params: { query: { cursor, limit: 50 } }, signal }));
