// CSV imports: create one with its options, receive its file, follow its progress, cancel it and
// read what it refused. The writing itself is the import job's (import-job.ts).
import { inTransaction, Logger, Pool } from '@segmenter/shared';
import { importTemplateCsv, mapColumns, readContactCsv } from '../contact-files/contact-csv-reader';
import { listDefinitions, loadDefinitions } from '../custom-fields/custom-fields-store';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error';
import type { ListQuery } from '../http/list-page';
import { FINAL_IMPORT_STATUSES, ImportOptions } from './import-schemas';
import { receiveImportFile } from './import-upload';
import { findImport, ImportRecord, insertImport, listImports, rejectionsPage, setImportStatus } from './imports-store';

/** The import as the API shows it: counts, a rate and an estimate of the time left. */
function importView(record: ImportRecord, now = Date.now()) {
  const rejectedAtUpload = record.rowsRead - record.rowsStaged;
  const rowsDone = record.processed + rejectedAtUpload;
  const started = record.startedAt?.getTime();
  const until = record.finishedAt?.getTime() ?? now;
  const seconds = started ? Math.max(0.001, (until - started) / 1000) : null;
  const rowsPerSecond = seconds && rowsDone > 0 ? Math.round(rowsDone / seconds) : null;
  // Until the whole file is read, its row count is estimated from the bytes read so far.
  const estimatedRows = record.uploadDone
    ? record.rowsRead
    : record.bytesTotal && record.bytesRead > 0
      ? Math.round((record.rowsRead * record.bytesTotal) / record.bytesRead)
      : null;
  const final = FINAL_IMPORT_STATUSES.has(record.status);
  const etaSeconds = final ? 0 : rowsPerSecond && estimatedRows !== null ? Math.max(0, Math.round((estimatedRows - rowsDone) / rowsPerSecond)) : null;
  return {
    id: record.id,
    status: record.status,
    fileName: record.fileName,
    options: record.options,
    mapping: record.mapping ?? [],
    progress: {
      rowsRead: record.rowsRead,
      rowsStaged: record.rowsStaged,
      estimatedRows,
      processed: rowsDone,
      created: record.created,
      updated: record.updated,
      unchanged: record.unchanged,
      skipped: record.skipped,
      rejected: record.rejected,
      /** Contacts this import created or changed, and how many of them are searchable. */
      written: record.written,
      indexed: record.indexed,
    },
    rowsPerSecond,
    etaSeconds,
    error: record.error,
    jobId: record.jobId,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
    rejectedRowsUrl: `/v1/imports/${record.id}/rejected-rows`,
  };
}
export type ImportView = ReturnType<typeof importView>;

export function createImportsService(deps: { pool: Pool; log: Logger; maxBytes: number; partitions: number; nudgeJobs: () => void }) {
  const { pool } = deps;
  async function requireImport(workspaceId: string, id: string): Promise<ImportRecord> {
    const record = await findImport(pool, workspaceId, id);
    if (!record) throw new NotFoundError(`Import ${id}`);
    return record;
  }

  return {
    create: async (workspaceId: string, options: ImportOptions) => importView(await insertImport(pool, workspaceId, options, deps.partitions)),
    async list(workspaceId: string, page: ListQuery) {
      const { items, nextCursor } = await listImports(pool, workspaceId, page);
      return { items: items.map((r) => importView(r)), nextCursor };
    },
    get: async (workspaceId: string, id: string) => importView(await requireImport(workspaceId, id)),
    requireImport,

    async upload(workspaceId: string, id: string, body: NodeJS.ReadableStream, contentLength: number | null) {
      // Claimed in a transaction, so two uploads of one import cannot both start.
      const record = await inTransaction(pool, async (client) => {
        const found = await findImport(client, workspaceId, id, true);
        if (!found) throw new NotFoundError(`Import ${id}`);
        if (found.status !== 'awaiting_file') throw new ConflictError(`Import ${id} is ${found.status}: its file was already sent; create a new import`);
        await setImportStatus(client, id, 'uploading');
        return found;
      });
      try {
        await receiveImportFile({ pool, log: deps.log, maxBytes: deps.maxBytes, nudgeJobs: deps.nudgeJobs }, record, body, contentLength);
      } catch (err) {
        // Refused before any row was staged (a bad header): the import waits for a better file.
        await pool.query(`update imports set status = 'awaiting_file', updated_at = now() where id = $1 and status = 'uploading' and job_id is null`, [id]);
        throw err;
      }
      return importView(await requireImport(workspaceId, id));
    },

    /** The mapping the file's header would get, before anything is imported. */
    async preview(workspaceId: string, options: ImportOptions, body: NodeJS.ReadableStream) {
      const definitions = await loadDefinitions(pool, workspaceId);
      for await (const event of readContactCsv(body)) {
        if (event.kind !== 'header') break;
        const mapped = mapColumns(event.headers, { overrides: options.columns, customFieldKeys: new Set(definitions.keys()), matchBy: options.matchBy });
        return { headers: event.headers, mapping: mapped.columns, problems: mapped.problems };
      }
      throw new ValidationError([{ field: 'body', rule: 'the file is empty' }]);
    },

    async cancel(workspaceId: string, id: string) {
      await inTransaction(pool, async (client) => {
        const record = await findImport(client, workspaceId, id, true);
        if (!record) throw new NotFoundError(`Import ${id}`);
        if (FINAL_IMPORT_STATUSES.has(record.status)) throw new ConflictError(`Import ${id} is already ${record.status}`);
        await setImportStatus(client, id, 'cancelled');
      });
      deps.nudgeJobs();
      return importView(await requireImport(workspaceId, id));
    },

    rejections: async (workspaceId: string, id: string, after: number, limit: number) => {
      await requireImport(workspaceId, id);
      return rejectionsPage(pool, id, after, limit);
    },

    async template(workspaceId: string) {
      return importTemplateCsv((await listDefinitions(pool, workspaceId)).map((d) => d.key));
    },
  };
}
export type ImportsService = ReturnType<typeof createImportsService>;
