// The import job: writes staged rows set-wise, a chunk at a time, while the upload may still be
// staging more (the two overlap). A chunk commits its contacts, its rejections, its cursor and its
// counts in one transaction, so a restart resumes after the last committed chunk and no row is
// written twice. Once every row is written, the job follows the index until it shows them all.
import { EsClient, Logger, PoolClient } from '@segmenter/shared';
import { writeBatch } from '../contacts/contacts-service';
import type { ContactWrite } from '../contacts/contact-schemas';
import { notYetSearchable } from '../consistency/mirror-consistency';
import type { FieldProblem } from '../errors/app-error';
import type { ChunkResult } from '../jobs/job-runner';
import type { Job } from '../jobs/jobs-store';
import { columnOfWriteField, ImportColumn } from './import-columns';
import type { RowProblem } from '../contact-files/contact-csv-reader';
import {
  confirmIndexed,
  createdByImport,
  dropStaged,
  findImport,
  ImportRecord,
  nextStagedRows,
  oldestWritten,
  recordChunk,
  recordWritten,
  rememberCreated,
  setImportStatus,
  stagedCells,
} from './imports-store';
import { insertRejections } from './imports-store';

export const IMPORT_JOB = 'contacts.import';

export interface ImportJobOptions {
  es: EsClient;
  alias: string;
  log: Logger;
  /** Staged rows per chunk (one transaction, one set-wise write). */
  chunkRows?: number;
  /** An upload silent this long is taken for dead (the client went away, or the api restarted under it). */
  uploadStallMs?: number;
}

const WAIT_MS = 200;
const DROP_SLICE = 50_000;

export function createImportChunk(options: ImportJobOptions) {
  const chunkRows = options.chunkRows ?? 5000;
  const uploadStallMs = options.uploadStallMs ?? 5 * 60_000;

  /** Confirms, oldest first, the chunks whose writes the index now shows; returns whether any is left. */
  async function followIndex(client: PoolClient, record: ImportRecord): Promise<boolean> {
    const pending = await oldestWritten(client, record.id, 5);
    for (const chunk of pending) {
      const behind = await notYetSearchable(options.es, options.alias, record.workspaceId, chunk.versions);
      if (behind.length > 0) return true;
      await confirmIndexed(client, record.id, chunk.seq, chunk.versions.length);
    }
    return pending.length === 5;
  }

  async function finish(client: PoolClient, record: ImportRecord, status: 'succeeded' | 'failed' | 'cancelled', error?: string): Promise<ChunkResult> {
    // Staged rows go in slices, so ending a million-row import holds no long transaction.
    if (!(await dropStaged(client, record.id, DROP_SLICE))) return { processed: 0, finished: false };
    await setImportStatus(client, record.id, status, error ?? null);
    return { processed: 0, finished: true };
  }

  return async function importChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const { importId } = job.params as { importId: string };
    // Read without a lock: the runner's lock on the job row already keeps chunks of one import in
    // turn, and a lock on the import row would hold the upload's progress updates for a whole chunk.
    const record = await findImport(client, job.workspaceId!, importId);
    if (!record) return { processed: 0, finished: true };
    if (record.status === 'cancelled') return finish(client, record, 'cancelled');
    if (record.status === 'failed') return finish(client, record, 'failed');

    const rows = await nextStagedRows(client, record.id, record.processedThrough, chunkRows);
    if (rows.length === 0) {
      if (!record.uploadDone) {
        const silentMs = Date.now() - (record.uploadHeartbeatAt?.getTime() ?? Date.now());
        if (silentMs > uploadStallMs) {
          return finish(client, record, 'failed', `the upload stopped after row ${record.rowsRead} and did not resume; rows up to ${record.processedThrough} are imported`);
        }
        return { processed: 0, finished: false, waitMs: WAIT_MS };
      }
      if (record.processed < record.rowsStaged) {
        // Staged rows that are gone: the unlogged staging table was emptied by a database crash.
        return finish(client, record, 'failed', `${record.rowsStaged - record.processed} staged rows were lost (database restart); upload the file again`);
      }
      if (record.status !== 'indexing') await setImportStatus(client, record.id, 'indexing');
      if (await followIndex(client, record)) return { processed: 0, finished: false, waitMs: WAIT_MS };
      return finish(client, record, 'succeeded');
    }

    const opts = record.options;
    const outcomes = await writeBatch(
      client,
      record.workspaceId,
      rows.map((r) => r.write as ContactWrite),
      {
        matchBy: opts.matchBy,
        onMatch: opts.onMatch,
        createMissingTags: opts.createMissingTags,
        writtenBy: `import ${record.id}`,
        ownContacts: opts.onMatch === 'skip' ? (ids) => createdByImport(client, record.id, ids) : undefined,
      },
    );
    const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0 };
    const refused: { rowNumber: number; problems: FieldProblem[] }[] = [];
    const written = new Map<string, number>();
    const created: string[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'error') {
        counts.rejected += 1;
        refused.push({ rowNumber: rows[i]!.rowNumber, problems: outcome.problems });
        return;
      }
      counts[outcome.status] += 1;
      if (outcome.status === 'created' || outcome.status === 'updated') written.set(outcome.contactId, outcome.version);
      if (outcome.status === 'created') created.push(outcome.contactId);
    });
    if (refused.length > 0) {
      const cells = await stagedCells(client, record.id, refused.map((r) => r.rowNumber));
      const mapping = (record.mapping ?? []) as ImportColumn[];
      await insertRejections(
        client,
        record.id,
        refused.map((r) => ({
          rowNumber: r.rowNumber,
          cells: cells.get(r.rowNumber) ?? [],
          problems: r.problems.map((p): RowProblem => ({ column: columnOfWriteField(p.field, mapping, opts.matchBy), rule: p.rule })),
        })),
      );
    }
    if (opts.onMatch === 'skip') await rememberCreated(client, record.id, created);
    await recordWritten(client, record.id, rows[0]!.rowNumber, [...written].map(([contactId, version]) => ({ contactId, version })));
    await followIndex(client, record);
    // Last, so the import's row is locked only for the commit that follows.
    await recordChunk(client, record.id, {
      processedThrough: rows[rows.length - 1]!.rowNumber,
      processed: rows.length,
      ...counts,
      written: written.size,
    });
    return { processed: rows.length, finished: false };
  };
}
