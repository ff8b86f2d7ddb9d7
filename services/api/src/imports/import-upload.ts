// Receives an import's file as it streams in: reads it as CSV, maps the header, validates each row
// with the API's own rules, and stages the valid rows (COPY) and the refused ones in batches, each
// batch committing with the upload's progress. Nothing holds more than one batch in memory; the
// import job starts writing staged rows while the upload goes on.
import { Transform } from 'node:stream';
import { inTransaction, Logger, Pool } from '@segmenter/shared';
import { mapColumns, readContactCsv, RowProblem, rowToContactWrite, coerceCustomFieldCell, ColumnMapping } from '../contact-files/contact-csv-reader';
import type { ContactWrite } from '../contacts/contact-schemas';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { AppError, ConflictError, ValidationError } from '../errors/app-error';
import { insertJob } from '../jobs/jobs-store';
import { IMPORT_JOB } from './import-job';
import type { ImportOptions } from './import-schemas';
import {
  ImportRecord,
  lockImportStatus,
  recordUploadFailure,
  setImportJobTotal,
  recordUploadProgress,
  Rejection,
  StagedRow,
  stageRows,
  startUpload,
} from './imports-store';

/** Rows per staging transaction: large enough for COPY to pay off, small enough to show progress. */
const STAGE_BATCH = 5000;
/** And bytes: a file of huge cells must not hold thousands of them in memory at once. */
const STAGE_BATCH_BYTES = 8 * 1024 * 1024;
/** And time: a slow upload still shows progress, and its heartbeat keeps it from being taken for dead. */
const STAGE_BATCH_MS = 5000;

class ImportTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, 'Payload too large', `The file exceeds the import size limit of ${limit} bytes (IMPORT_MAX_BYTES)`);
  }
}

/** Counts the bytes that pass, and refuses a file past the limit (checked as it streams, not by Content-Length alone). */
function byteCounter(limit: number) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(new ImportTooLargeError(limit));
      done(null, chunk);
    },
  });
  return { counter, bytesRead: () => bytes };
}

/** The partition of a match value (FNV-1a): every row of one contact lands in the same one. */
function partitionOf(value: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}

/** The custom fields of a valid row, converted to their defined types; problems name the column. */
function typedCustomFields(write: ContactWrite, mapping: readonly ColumnMapping[], definitions: ReadonlyMap<string, string>): RowProblem[] {
  const problems: RowProblem[] = [];
  if (!write.customFields) return problems;
  const typed: [string, unknown][] = [];
  for (const [key, value] of Object.entries(write.customFields)) {
    // The column's header is needed only to name a problem: not looked up for every valid cell.
    const column = () => mapping.find((c) => c.target.kind === 'custom' && c.target.key === key)?.header ?? key;
    const type = definitions.get(key);
    if (!type) {
      problems.push({ column: column(), rule: 'is not a custom field defined in this workspace' });
      continue;
    }
    const coerced = coerceCustomFieldCell(type as never, String(value));
    if ('rule' in coerced) problems.push({ column: column(), rule: coerced.rule });
    else typed.push([key, coerced.value]);
  }
  write.customFields = Object.fromEntries(typed) as ContactWrite['customFields'];
  return problems;
}

export interface UploadDependencies {
  pool: Pool;
  log: Logger;
  maxBytes: number;
  nudgeJobs: () => void;
}

/**
 * Reads the file from `body` into the import's staging tables. Returns when the whole file is
 * staged. A file whose header cannot be mapped is refused before anything is staged; a file
 * that breaks later (bad CSV, not UTF-8, too large, the client gone) fails the import, keeping
 * what was already written, and says so.
 */
export async function receiveImportFile(
  deps: UploadDependencies,
  record: ImportRecord,
  body: NodeJS.ReadableStream,
  contentLength: number | null,
): Promise<void> {
  const { pool } = deps;
  const options: ImportOptions = record.options;
  const definitions = await loadDefinitions(pool, record.workspaceId);
  const { counter, bytesRead } = byteCounter(deps.maxBytes);
  if (contentLength !== null && contentLength > deps.maxBytes) throw new ImportTooLargeError(deps.maxBytes);
  body.pipe(counter);
  body.on('error', (err) => counter.destroy(err));

  let mapping: ColumnMapping[] | undefined;
  let headerLength = 0;
  let rowsRead = 0;
  let staged: StagedRow[] = [];
  let rejections: Rejection[] = [];
  let pendingBytes = 0;
  let lastFlush = Date.now();
  let started = false;

  const flush = async (done: boolean): Promise<boolean> => {
    const batch = { rows: staged, rejections };
    staged = [];
    rejections = [];
    pendingBytes = 0;
    lastFlush = Date.now();
    const status = await inTransaction(pool, async (client) => {
      if (done) await setImportJobTotal(client, record.id, batch.rows.length);
      // Ended meanwhile (cancelled, or failed by its job): stage nothing more, the job has dropped what was staged.
      const now = await lockImportStatus(client, record.id);
      if (now !== 'uploading' && now !== 'processing') return now;
      await stageRows(client, record.id, batch.rows, batch.rejections);
      return recordUploadProgress(client, record.id, { rowsRead, staged: batch.rows.length, rejected: batch.rejections.length, bytesRead: bytesRead(), done });
    });
    deps.nudgeJobs();
    // Cancelled, or failed by the job meanwhile: stop reading; nothing more is staged.
    return status === 'uploading' || status === 'processing';
  };

  try {
    for await (const event of readContactCsv(counter)) {
      if (event.kind === 'header') {
        const mapped = mapColumns(event.headers, { overrides: options.columns, customFieldKeys: new Set(definitions.keys()), matchBy: options.matchBy });
        if (mapped.problems.length > 0)
          throw new ValidationError(
            mapped.problems,
            `The file's columns cannot be imported: ${mapped.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`,
          );
        mapping = mapped.columns;
        headerLength = event.headers.length;
        const going = await inTransaction(pool, async (client) => {
          const job = await insertJob(client, record.workspaceId, IMPORT_JOB, { importId: record.id }, null);
          // Cancelled since the upload began: nothing is staged, and the job is not queued.
          if (!(await startUpload(client, record.id, event.headers, mapping, job.id, contentLength)))
            throw new ConflictError(`Import ${record.id} was cancelled`);
          return true;
        });
        started = going;
        deps.nudgeJobs();
        continue;
      }
      rowsRead = event.rowNumber;
      const cells = event.cells;
      let problems: RowProblem[] = [];
      let write: ContactWrite | undefined;
      // rowToContactWrite refuses NUL characters in any cell (Postgres text cannot hold them).
      if (event.problem) problems = [{ column: '', rule: event.problem }];
      else {
        const result = rowToContactWrite(cells, mapping!, { matchBy: options.matchBy, listSeparator: options.listSeparator, labelsMode: options.labelsMode });
        if (result.ok) {
          write = result.write;
          problems = typedCustomFields(write, mapping!, definitions);
        } else problems = result.problems;
      }
      if (problems.length > 0) rejections.push({ rowNumber: event.rowNumber, cells: cells.slice(0, Math.max(headerLength, cells.length)), problems });
      else {
        const matchValue = (write![options.matchBy] as string | undefined) ?? null;
        staged.push({
          partition: partitionOf(matchValue ?? String(event.rowNumber), record.partitions),
          rowNumber: event.rowNumber,
          matchValue,
          write: write!,
          cells,
        });
      }
      pendingBytes += cells.reduce((n, c) => n + c.length, 0);
      const due = staged.length + rejections.length >= STAGE_BATCH || pendingBytes >= STAGE_BATCH_BYTES || Date.now() - lastFlush >= STAGE_BATCH_MS;
      if (due && !(await flush(false))) return;
    }
    if (!started) throw new ValidationError([{ field: 'body', rule: 'the file is empty' }]);
    await flush(true);
  } catch (err) {
    if (!started) throw err;
    // The file broke (bad CSV, too large, not UTF-8) or the client went away. The rows read
    // before it are still staged and written; the job then fails the import with the reason, so
    // what was imported is exactly rows 1 to `rowsRead` less the refused ones.
    if (!(err instanceof AppError)) deps.log.warn({ err, importId: record.id, rowsRead }, 'import upload broke off');
    const reason = err instanceof AppError ? err.message : 'the upload was interrupted before the end of the file';
    try {
      await flush(false);
    } catch (flushErr) {
      deps.log.warn({ err: flushErr, importId: record.id }, 'could not stage the rows read before the upload broke');
    }
    await recordUploadFailure(pool, record.id, `the file could not be read past row ${rowsRead}: ${reason}`);
    deps.nudgeJobs();
    if (err instanceof AppError) throw err;
    throw new ConflictError(`The upload was interrupted after row ${rowsRead}`);
  }
}
