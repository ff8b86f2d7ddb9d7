// The import job: writes staged rows set-wise, a chunk at a time, while the upload may still be
// staging more (the two overlap). Each partition's slice of a chunk commits its contacts, its
// rejections, its counts and the deletion of its staged rows in one transaction, so a restart
// resumes with the rows still staged and no row is written twice. Once every row is written, the
// job follows the index until it shows them all.
import { createPlannerStatistics, createQueueTableVacuum, EsClient, inTransaction, Logger, Pool, PoolClient } from '@segmenter/shared';
import { writeBatch } from '../contacts/contacts-service';
import type { ContactWrite } from '../contacts/contact-schemas';
import { notYetSearchable } from '../consistency/await-searchable';
import type { FieldProblem } from '../errors/app-error';
import type { ChunkResult } from '../jobs/job-runner';
import type { Job } from '../jobs/jobs-store';
import { columnOfWriteField } from './import-columns';
import type { ColumnMapping, RowProblem } from '../contact-files/contact-csv-reader';
import {
  confirmIndexed,
  createdByImport,
  dropStaged,
  findImport,
  hasStagedRows,
  ImportRecord,
  insertRejections,
  oldestWritten,
  recordChunk,
  recordWritten,
  rememberCreated,
  setImportStatus,
  takeStagedRows,
} from './imports-store';

export const IMPORT_JOB = 'contacts.import';

export interface ImportJobOptions {
  pool: Pool;
  es: EsClient;
  alias: string;
  log: Logger;
  /** About the staged rows per chunk, over all partitions: each partition's slice (one transaction, one set-wise write) takes its rows among the next chunkRows rows of the file. */
  chunkRows?: number;
  /** An upload silent this long is taken for dead (the client went away, or the api restarted under it). */
  uploadStallMs?: number;
  /** How long an import whose rows are all written waits for the index to show them before it ends anyway. */
  indexWaitMs?: number;
}

const WAIT_MS = 200;
const DROP_SLICE = 50_000;

interface SliceOutcome {
  processed: number;
}

export function createImportChunk(options: ImportJobOptions) {
  const chunkRows = options.chunkRows ?? 5000;
  const uploadStallMs = options.uploadStallMs ?? 5 * 60_000;
  const indexWaitMs = options.indexWaitMs ?? 10 * 60_000;
  // Each slice reads its partition from the start of the index: written (deleted) rows must be vacuumed away.
  const vacuum = createQueueTableVacuum({
    pool: options.pool,
    table: 'import_rows',
    everyDeletedRows: 50_000,
    onError: (err) => options.log.warn({ err }, 'vacuum of import_rows failed'),
  });
  // The writer's lookups are planned from statistics that a large import outgrows: refreshed as the tables grow.
  const statistics = createPlannerStatistics({
    pool: options.pool,
    tables: ['contacts', 'contact_tags', 'contact_labels'],
    onError: (err) => options.log.warn({ err }, 'analyze of the contact tables failed'),
  });

  /** Confirms, oldest first, the chunks whose writes the index now shows; returns whether any is left. */
  async function followIndex(client: PoolClient, record: ImportRecord): Promise<boolean> {
    const pending = await oldestWritten(client, record.id, 5);
    for (const chunk of pending) {
      let behind: unknown[];
      try {
        behind = await notYetSearchable(options.es, options.alias, record.workspaceId, chunk.versions);
      } catch (err) {
        // Elasticsearch away: the rows are written all the same; "indexed" waits for it to return.
        options.log.warn({ err, importId: record.id }, 'cannot follow the index for now');
        return true;
      }
      if (behind.length > 0) return true;
      await confirmIndexed(client, record.id, chunk.seq, chunk.versions.length);
    }
    return pending.length === 5;
  }

  async function finish(client: PoolClient, record: ImportRecord, status: 'succeeded' | 'failed' | 'cancelled', error?: string): Promise<ChunkResult> {
    // What is left staged goes in slices, so ending a million-row import holds no long transaction.
    if (!(await dropStaged(client, record.id, DROP_SLICE))) return { processed: 0, finished: false };
    await setImportStatus(client, record.id, status, error ?? null);
    return { processed: 0, finished: true };
  }

  /**
   * Writes the next rows of one partition in their own transaction: the contacts, the refused
   * rows, the counts, and the deletion of the staged rows commit together, so a crash at any
   * point leaves each row either staged (to do) or written (done), never both.
   */
  async function writeSlice(record: ImportRecord, partition: number, window: number): Promise<SliceOutcome> {
    return inTransaction(options.pool, async (client) => {
      // One writer per partition at a time, whichever process runs it: rows of one contact stay in file order.
      const { rows: locked } = await client.query('select pg_try_advisory_xact_lock(hashtext($1)) as ok', [`import:${record.id}:${partition}`]);
      if (!locked[0].ok) return { processed: 0 };
      // No JIT for this transaction: its statements do little work per row over thousands of rows,
      // and where Postgres lacks statistics its estimates pass the JIT thresholds, so it compiled
      // the events' snapshot expression anew for every slice (a quarter to half a second each,
      // more than the statement's own work).
      await client.query('set local jit = off');
      const rows = await takeStagedRows(client, record.id, partition, window);
      if (rows.length === 0) return { processed: 0 };
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
          newContactSource: 'import',
          ownContacts: opts.onMatch === 'skip' ? (ids) => createdByImport(client, record.id, ids) : undefined,
        },
      );
      const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0 };
      const refused: { rowNumber: number; cells: string; problems: FieldProblem[] }[] = [];
      const written = new Map<string, number>();
      const created: string[] = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'error') {
          counts.rejected += 1;
          refused.push({ rowNumber: rows[i]!.rowNumber, cells: rows[i]!.cells, problems: outcome.problems });
          return;
        }
        counts[outcome.status] += 1;
        if (outcome.status === 'created' || outcome.status === 'updated') written.set(outcome.contactId, outcome.version);
        if (outcome.status === 'created') created.push(outcome.contactId);
      });
      if (refused.length > 0) {
        const mapping = (record.mapping ?? []) as ColumnMapping[];
        await insertRejections(
          client,
          record.id,
          refused.map((r) => ({
            rowNumber: r.rowNumber,
            cells: JSON.parse(r.cells) as string[],
            problems: r.problems.map((p): RowProblem => ({ column: columnOfWriteField(p.field, mapping, opts.matchBy), rule: p.rule })),
          })),
        );
      }
      if (opts.onMatch === 'skip') await rememberCreated(client, record.id, created);
      await recordWritten(
        client,
        record.id,
        rows[0]!.rowNumber,
        [...written].map(([contactId, version]) => ({ contactId, version })),
      );
      // Last, so the import's row is locked only for the commit that follows.
      await recordChunk(client, record.id, { processed: rows.length, ...counts, written: written.size });
      return { processed: rows.length };
    });
  }

  return async function importChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const { importId } = job.params as { importId: string };
    // Read without a lock: the runner's lock on the job row already keeps chunks of one import in
    // turn, and a lock on the import row would hold the upload's progress updates for a whole chunk.
    const record = await findImport(client, job.workspaceId!, importId);
    if (!record) return { processed: 0, finished: true };
    if (record.status === 'cancelled') return finish(client, record, 'cancelled');
    if (record.status === 'failed') return finish(client, record, 'failed');

    // The partitions are written side by side, each in its own transaction (two cores' worth of
    // Postgres instead of one); a contact's rows all sit in one partition, in file order.
    // Each slice takes its partition's rows within a window of `chunkRows` row numbers: about
    // chunkRows / partitions rows each, and never more than chunkRows (all rows of one contact).
    const slices = await Promise.all(Array.from({ length: record.partitions }, (_, p) => writeSlice(record, p, chunkRows)));
    const processed = slices.reduce((n, s) => n + s.processed, 0);
    vacuum.deleted(processed);
    if (processed > 0) {
      statistics.written();
      await followIndex(client, record);
      return { processed, finished: false };
    }
    if (!record.uploadDone) {
      const silentMs = Date.now() - (record.uploadHeartbeatAt?.getTime() ?? Date.now());
      if (silentMs > uploadStallMs) {
        return finish(
          client,
          record,
          'failed',
          `the upload went silent after row ${record.rowsRead} for ${Math.round(uploadStallMs / 1000)} s; the rows written before stay imported, the rest was not imported`,
        );
      }
      return { processed: 0, finished: false, waitMs: WAIT_MS };
    }
    const current = (await findImport(client, job.workspaceId!, importId))!;
    if (await hasStagedRows(client, record.id)) return { processed: 0, finished: false, waitMs: WAIT_MS }; // another process holds a partition
    if (current.processed < current.rowsStaged) {
      // Staged rows that are gone: the unlogged staging table was emptied by a database crash.
      return finish(
        client,
        current,
        'failed',
        `${current.rowsStaged - current.processed} staged rows were lost (the database restarted and emptied its staging table); the rows written before stay imported: upload the file again to import the rest`,
      );
    }
    if (current.status !== 'indexing') await setImportStatus(client, record.id, 'indexing');
    if (await followIndex(client, current)) {
      // Bounded: a contact whose event was dead-lettered never shows; the import ends all the same,
      // saying how many are not searchable (reconcile with repair brings them in).
      const waitedMs = Date.now() - (current.indexingSince?.getTime() ?? Date.now());
      if (waitedMs < indexWaitMs) return { processed: 0, finished: false, waitMs: WAIT_MS };
      const missing = current.written - current.indexed;
      const note = `${missing} written contacts were not searchable ${Math.round(indexWaitMs / 1000)} s after the last row was written; run a reconcile with repair`;
      return finish(client, current, current.uploadError ? 'failed' : 'succeeded', current.uploadError ? `${current.uploadError}; ${note}` : note);
    }
    // A file that broke part way ends failed, once what was read before the break is written and searchable.
    if (current.uploadError)
      return finish(client, current, 'failed', `${current.uploadError}; the rows before it are imported (see progress and the rejected rows)`);
    return finish(client, current, 'succeeded');
  };
}
