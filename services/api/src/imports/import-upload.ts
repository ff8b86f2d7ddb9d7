// Receives an import's file as it streams in: reads it as CSV, maps the header, validates each row
// with the API's own rules, and stages the valid rows (COPY) and the refused ones in batches, each
// batch committing with the upload's progress. Nothing holds more than one batch in memory; the
// import job starts writing staged rows while the upload goes on.
import { Transform } from 'node:stream';
import { inTransaction, Pool } from '@segmenter/shared';
import { mapColumns, readContactCsv, RowProblem, rowToContactWrite, coerceCustomFieldCell, ColumnMapping } from '../contact-files/contact-csv-reader';
import type { ContactWrite } from '../contacts/contact-schemas';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { AppError, ConflictError, ValidationError } from '../errors/app-error';
import { insertJob } from '../jobs/jobs-store';
import { IMPORT_JOB } from './import-job';
import type { ImportOptions } from './import-schemas';
import { failImportUpload, ImportRecord, recordUploadProgress, Rejection, StagedRow, stageRows, startUpload } from './imports-store';

/** Rows per staging transaction: large enough for COPY to pay off, small enough to show progress. */
const STAGE_BATCH = 5000;

export class ImportTooLargeError extends AppError {
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
export function partitionOf(value: string, partitions: number): number {
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
    const column = mapping.find((c) => c.target.kind === 'custom' && c.target.key === key)?.header ?? key;
    const type = definitions.get(key);
    if (!type) {
      problems.push({ column, rule: 'is not a custom field defined in this workspace' });
      continue;
    }
    const coerced = coerceCustomFieldCell(type as never, String(value));
    if ('rule' in coerced) problems.push({ column, rule: coerced.rule });
    else typed.push([key, coerced.value]);
  }
  write.customFields = Object.fromEntries(typed) as ContactWrite['customFields'];
  return problems;
}

export interface UploadDependencies {
  pool: Pool;
  maxBytes: number;
  nudgeJobs: () => void;
}

/**
 * Reads the file from `body` into the import's staging tables. Returns when the whole file is
 * staged. A file whose header cannot be mapped is refused before anything is staged; a file
 * that breaks later (bad CSV, not UTF-8, too large, the client gone) fails the import, keeping
 * what was already written, and says so.
 */
export async function receiveImportFile(deps: UploadDependencies, record: ImportRecord, body: NodeJS.ReadableStream, contentLength: number | null): Promise<void> {
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
  let started = false;

  const flush = async (done: boolean): Promise<boolean> => {
    const batch = { rows: staged, rejections };
    staged = [];
    rejections = [];
    const status = await inTransaction(pool, async (client) => {
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
        if (mapped.problems.length > 0) throw new ValidationError(mapped.problems, `The file's columns cannot be imported: ${mapped.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
        mapping = mapped.columns;
        headerLength = event.headers.length;
        await inTransaction(pool, async (client) => {
          const job = await insertJob(client, record.workspaceId, IMPORT_JOB, { importId: record.id }, null);
          await startUpload(client, record.id, event.headers, mapping, job.id, contentLength);
        });
        started = true;
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
        staged.push({ partition: partitionOf(matchValue ?? String(event.rowNumber), record.partitions), rowNumber: event.rowNumber, matchValue, write: write!, cells });
      }
      if (staged.length + rejections.length >= STAGE_BATCH && !(await flush(false))) return;
    }
    if (!started) throw new ValidationError([{ field: 'body', rule: 'the file is empty' }]);
    await flush(true);
  } catch (err) {
    if (!started) throw err;
    // Whatever broke the upload, the import is over: what was staged before is written (or not)
    // by the job, and the failure says how far the file got.
    const reason = err instanceof AppError ? err.message : 'the upload was interrupted before the end of the file';
    await failImportUpload(pool, record.id, `row ${rowsRead + 1}: ${reason}; rows already written stay imported, the rest of the file was not imported`);
    deps.nudgeJobs();
    if (err instanceof AppError) throw err;
    throw new ConflictError(`The upload was interrupted after row ${rowsRead}`);
  }
}
