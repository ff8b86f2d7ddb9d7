// SQL for imports: the import row and its counters, staged rows (COPYed in), rejections and
// what each chunk wrote. Every statement is scoped by import id, and imports by workspace.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { Queryable } from '@segmenter/shared';
import type { RowProblem } from '../contact-files/contact-csv-reader';
import { newestFirstPage, newestFirstSql } from '../http/list-keys';
import type { ListPage, ListQuery } from '../http/list-page';
import { FINAL_IMPORT_STATUSES, ImportOptions, ImportStatus } from './import-schemas';

export interface ImportRecord {
  id: string;
  workspaceId: string;
  status: ImportStatus;
  fileName: string | null;
  options: ImportOptions;
  headers: string[] | null;
  mapping: unknown;
  jobId: string | null;
  uploadDone: boolean;
  uploadHeartbeatAt: Date | null;
  bytesTotal: number | null;
  bytesRead: number;
  rowsRead: number;
  rowsStaged: number;
  partitions: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  indexed: number;
  written: number;
  error: string | null;
  uploadError: string | null;
  indexingSince: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const toImport = (r: any): ImportRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  status: r.job_status === 'failed' && !FINAL_IMPORT_STATUSES.has(r.status) ? 'failed' : r.status,
  fileName: r.file_name,
  options: r.options,
  headers: r.headers,
  mapping: r.mapping,
  jobId: r.job_id,
  uploadDone: r.upload_done,
  uploadHeartbeatAt: r.upload_heartbeat_at,
  bytesTotal: r.bytes_total === null ? null : Number(r.bytes_total),
  bytesRead: Number(r.bytes_read),
  rowsRead: r.rows_read,
  rowsStaged: r.rows_staged,
  partitions: r.partitions,
  processed: r.processed,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  skipped: r.skipped,
  rejected: r.rejected,
  indexed: r.indexed,
  written: r.written,
  // A job that failed chunk after chunk failed the import; its reason is ours, not the tenant's data.
  error: r.error ?? (r.job_status === 'failed' ? 'the import stopped after repeated failures; the rows before it are imported' : null),
  uploadError: r.upload_error,
  indexingSince: r.indexing_since,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const SELECT = 'select i.*, j.status as job_status from imports i left join jobs j on j.id = i.job_id';

export async function insertImport(client: Queryable, workspaceId: string, options: ImportOptions, partitions: number): Promise<ImportRecord> {
  const { rows } = await client.query('insert into imports (workspace_id, options, file_name, partitions) values ($1, $2, $3, $4) returning id', [
    workspaceId,
    options,
    options.fileName ?? null,
    partitions,
  ]);
  return (await findImport(client, workspaceId, rows[0].id))!;
}

export async function findImport(client: Queryable, workspaceId: string, id: string, lock = false): Promise<ImportRecord | undefined> {
  // No key update: rejections (a foreign key to the import) only take a key share, so staging and writing never block each other on it.
  const { rows } = await client.query(`${SELECT} where i.workspace_id = $1 and i.id = $2${lock ? ' for no key update of i' : ''}`, [workspaceId, id]);
  return rows[0] ? toImport(rows[0]) : undefined;
}

/** A page of the workspace's imports, newest first (creation time, then id, so imports created in one instant keep one order). */
export async function listImports(client: Queryable, workspaceId: string, page: ListQuery): Promise<ListPage<ImportRecord>> {
  const sql = newestFirstSql('i.', 2, 3);
  const { items, nextCursor } = await newestFirstPage(page, 'imports', async (after, limit) => {
    const { rows } = await client.query(
      `${SELECT.replace('select i.*,', `select i.*, ${sql.cursorColumn},`)} where i.workspace_id = $1 and ${sql.after} order by ${sql.orderBy} limit $4`,
      [workspaceId, after.time, after.id, limit],
    );
    return rows;
  });
  return { items: items.map(toImport), nextCursor };
}

/** Records the header and the job; false when the import was cancelled since the upload began. */
export async function startUpload(
  client: Queryable,
  id: string,
  headers: string[],
  mapping: unknown,
  jobId: string,
  bytesTotal: number | null,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `update imports set headers = $2, mapping = $3, job_id = $4, bytes_total = $5,
            started_at = coalesce(started_at, now()), upload_heartbeat_at = now(), updated_at = now()
      where id = $1 and status = 'uploading'`,
    [id, headers, JSON.stringify(mapping), jobId, bytesTotal],
  );
  return rowCount === 1;
}

export interface StagedRow {
  partition: number;
  rowNumber: number;
  matchValue: string | null;
  write: unknown;
  cells: string[];
}

export interface Rejection {
  rowNumber: number;
  cells: string[];
  problems: RowProblem[];
}

/** COPY's text format escapes these: JSON text holds only backslashes, so most fields pass unchanged. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const COPY_SPECIAL = /[\\\t\n\r]/;

/** A field of COPY's text format: \N for null, the special characters escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : text;
}

/** Stages rows with COPY (the fast path into Postgres) and records rejections, in the caller's transaction. */
export async function stageRows(client: PoolClient, importId: string, rows: StagedRow[], rejections: Rejection[]): Promise<void> {
  if (rows.length > 0) {
    // The text format rather than CSV: CSV quoting doubles every quote of the JSON, a pass over each
    // field in Node and another in Postgres.
    const lines = rows.map(
      (r) =>
        `${importId}\t${r.partition}\t${r.rowNumber}\t${copyField(r.matchValue)}\t${copyField(JSON.stringify(r.write))}\t${copyField(JSON.stringify(r.cells))}\n`,
    );
    const copy = client.query(copyFrom('copy import_rows (import_id, partition, row_number, match_value, write, cells) from stdin'));
    await pipeline(Readable.from([lines.join('')]), copy);
  }
  await insertRejections(client, importId, rejections);
}

export async function insertRejections(client: Queryable, importId: string, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await client.query(
    `insert into import_rejections (import_id, row_number, cells, problems)
     select $1, r, array(select jsonb_array_elements_text(c)), p from unnest($2::int[], $3::jsonb[], $4::jsonb[]) as x(r, c, p)
     on conflict do nothing`,
    // Postgres text cannot hold NUL: a refused row keeps its cells with each NUL shown as U+FFFD.
    [
      importId,
      rejections.map((r) => r.rowNumber),
      rejections.map((r) => JSON.stringify(r.cells.map((c) => c.replace(/\u0000/g, '\uFFFD')))),
      rejections.map((r) => JSON.stringify(r.problems)),
    ],
  );
}

/**
 * The job's total (the staged rows it writes), once the whole file is read. Before the import's
 * row is locked: the job runner holds the job's row while a chunk runs, and that chunk then takes
 * the import's row, so taking them the other way round would deadlock.
 */
export async function setImportJobTotal(client: Queryable, id: string, stagingNow: number): Promise<void> {
  await client.query('update jobs set total = (select rows_staged from imports where id = $1) + $2 where id = (select job_id from imports where id = $1)', [
    id,
    stagingNow,
  ]);
}

/** The import's status, its row held (no key update) until the transaction ends, so a cancel waits for a staging batch or comes before it. */
export async function lockImportStatus(client: Queryable, id: string): Promise<ImportStatus | undefined> {
  const { rows } = await client.query('select status from imports where id = $1 for no key update', [id]);
  return rows[0]?.status;
}

/** Upload progress, committed with the rows it counts; returns the import's status (a cancel stops the upload). */
export async function recordUploadProgress(
  client: Queryable,
  id: string,
  progress: { rowsRead: number; staged: number; rejected: number; bytesRead: number; done: boolean },
): Promise<ImportStatus> {
  const { rows } = await client.query(
    `update imports set rows_read = $2, rows_staged = rows_staged + $3, rejected = rejected + $4, bytes_read = $5,
            upload_done = $6, upload_heartbeat_at = now(), updated_at = now(),
            status = case when $6 and status = 'uploading' then 'processing' else status end
      where id = $1 returning status`,
    [id, progress.rowsRead, progress.staged, progress.rejected, progress.bytesRead, progress.done],
  );
  return rows[0].status;
}

export interface TakenRow {
  rowNumber: number;
  write: unknown;
  /** The row's cells as JSON text: parsed only for a row the write refuses. */
  cells: string;
}

/**
 * Takes the next staged rows of one partition in the caller's transaction, which writes them: it
 * deletes them, so a commit leaves each row either staged (to do) or written (done), and a
 * rollback puts them back. The rows are those whose row number lies within `window` of the
 * partition's first staged row, in file order.
 *
 * A range of the primary key rather than ORDER BY ... LIMIT: that plan depends on statistics
 * this never-analysed queue table lacks, and without them Postgres read and sorted the
 * partition's whole backlog for every slice (a million-row import slowed as its backlog grew).
 * min() always walks the index from its start, and a range touches only its rows.
 */
export async function takeStagedRows(client: Queryable, importId: string, partition: number, window: number): Promise<TakenRow[]> {
  const { rows } = await client.query(
    `with first as (select min(row_number) as n from import_rows where import_id = $1 and partition = $2)
     delete from import_rows
      where import_id = $1 and partition = $2 and row_number >= (select n from first) and row_number < (select n from first) + $3
     returning row_number, write, cells::text as cells`,
    [importId, partition, window],
  );
  return rows.map((r): TakenRow => ({ rowNumber: r.row_number, write: r.write, cells: r.cells })).sort((a, b) => a.rowNumber - b.rowNumber);
}

export async function hasStagedRows(client: Queryable, importId: string): Promise<boolean> {
  const { rowCount } = await client.query('select 1 from import_rows where import_id = $1 limit 1', [importId]);
  return (rowCount ?? 0) > 0;
}

export type ChunkCounts = Pick<ImportRecord, 'processed' | 'created' | 'updated' | 'unchanged' | 'skipped' | 'rejected' | 'written'>;

export async function recordChunk(client: Queryable, id: string, c: ChunkCounts): Promise<void> {
  await client.query(
    `update imports set processed = processed + $2, created = created + $3, updated = updated + $4,
            unchanged = unchanged + $5, skipped = skipped + $6, rejected = rejected + $7, written = written + $8, updated_at = now()
      where id = $1`,
    [id, c.processed, c.created, c.updated, c.unchanged, c.skipped, c.rejected, c.written],
  );
}

export async function recordWritten(client: Queryable, importId: string, seq: number, written: { contactId: string; version: number }[]): Promise<void> {
  if (written.length === 0) return;
  await client.query('insert into import_written (import_id, seq, contact_ids, versions) values ($1, $2, $3::uuid[], $4::bigint[])', [
    importId,
    seq,
    written.map((w) => w.contactId),
    written.map((w) => w.version),
  ]);
}

export async function oldestWritten(
  client: Queryable,
  importId: string,
  limit: number,
): Promise<{ seq: number; versions: { contactId: string; version: number }[] }[]> {
  const { rows } = await client.query('select seq, contact_ids, versions from import_written where import_id = $1 order by seq limit $2', [importId, limit]);
  return rows.map((r) => ({ seq: r.seq, versions: r.contact_ids.map((id: string, i: number) => ({ contactId: id, version: Number(r.versions[i]) })) }));
}

/** The chunk's writes are searchable: forget them and count them indexed. */
export async function confirmIndexed(client: Queryable, importId: string, seq: number, count: number): Promise<void> {
  await client.query('delete from import_written where import_id = $1 and seq = $2', [importId, seq]);
  await client.query('update imports set indexed = indexed + $2, updated_at = now() where id = $1', [importId, count]);
}

export async function rememberCreated(client: Queryable, importId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await client.query('insert into import_created_contacts (import_id, contact_id) select $1, unnest($2::uuid[]) on conflict do nothing', [
    importId,
    contactIds,
  ]);
}

export async function createdByImport(client: Queryable, importId: string, contactIds: string[]): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  const { rows } = await client.query('select contact_id from import_created_contacts where import_id = $1 and contact_id = any($2::uuid[])', [
    importId,
    contactIds,
  ]);
  return new Set(rows.map((r) => r.contact_id));
}

/** Moves an import on; an ended import (succeeded, failed, cancelled) keeps its end whatever comes late. */
export async function setImportStatus(client: Queryable, id: string, status: ImportStatus, error: string | null = null): Promise<void> {
  const final = FINAL_IMPORT_STATUSES.has(status);
  await client.query(
    `update imports set status = $2, error = coalesce($3, error), updated_at = now(), finished_at = case when $4 then coalesce(finished_at, now()) else finished_at end,
            indexing_since = case when $2 = 'indexing' then coalesce(indexing_since, now()) else indexing_since end
      where id = $1 and status <> all($5::text[])`,
    [id, status, error, final, [...FINAL_IMPORT_STATUSES]],
  );
}

/** Drops what an ended import staged, a bounded slice at a time; true when nothing is left. */
export async function dropStaged(client: Queryable, importId: string, limit: number): Promise<boolean> {
  const { rowCount } = await client.query(
    'delete from import_rows where import_id = $1 and row_number in (select row_number from import_rows where import_id = $1 order by row_number limit $2)',
    [importId, limit],
  );
  await client.query('delete from import_written where import_id = $1', [importId]);
  await client.query('delete from import_created_contacts where import_id = $1', [importId]);
  return (rowCount ?? 0) < limit;
}

export async function rejectionsPage(client: Queryable, importId: string, after: number, limit: number): Promise<Rejection[]> {
  const { rows } = await client.query(
    'select row_number, cells, problems from import_rejections where import_id = $1 and row_number > $2 order by row_number limit $3',
    [importId, after, limit],
  );
  return rows.map((r) => ({ rowNumber: r.row_number, cells: r.cells, problems: r.problems }));
}

/** The upload broke: nothing more comes; the job writes what was staged, then fails the import with `reason`. */
export async function recordUploadFailure(client: Queryable, id: string, reason: string): Promise<void> {
  await client.query(
    `update imports set upload_done = true, upload_error = $2, status = case when status = 'uploading' then 'processing' else status end, updated_at = now()
      where id = $1 and status <> all($3::text[])`,
    [id, reason, [...FINAL_IMPORT_STATUSES]],
  );
}
