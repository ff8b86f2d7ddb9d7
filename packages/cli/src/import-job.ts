// The API's Import resource as the CLI reads it: statuses, progress counters, and a tolerant
// reader (missing counters are 0, unknown fields ignored) so a newer server does not break an older CLI.
import { ExitCode } from './exit-codes';

export const IMPORT_STATUSES = ['awaiting_file', 'uploading', 'processing', 'indexing', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** Polling stops at these; any other status, including one a newer server adds, means "still going". */
export const FINAL_IMPORT_STATUSES: ReadonlySet<string> = new Set<ImportStatus>(['succeeded', 'failed', 'cancelled']);

const PROGRESS_COUNTERS = ['rowsRead', 'rowsStaged', 'processed', 'created', 'updated', 'unchanged', 'skipped', 'rejected', 'indexed'] as const;
export type ImportProgress = Record<(typeof PROGRESS_COUNTERS)[number], number>;

export interface ImportJob {
  id: string;
  /** The server's estimate of the file's rows while it is still being read; null when it cannot tell. */
  estimatedRows: number | null;
  /** An ImportStatus, or a status this CLI does not know yet. */
  status: ImportStatus | (string & {});
  progress: ImportProgress;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const stringOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

export function readImportJob(raw: unknown): ImportJob {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.status !== 'string') {
    throw new Error(`the API answered something that is not an import: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const p = (r.progress ?? {}) as Record<string, unknown>;
  return {
    id: r.id,
    status: r.status,
    estimatedRows: numberOrNull(p.estimatedRows),
    progress: Object.fromEntries(PROGRESS_COUNTERS.map((c) => [c, numberOrNull(p[c]) ?? 0])) as ImportProgress,
    rowsPerSecond: numberOrNull(r.rowsPerSecond),
    etaSeconds: numberOrNull(r.etaSeconds),
    error: stringOrNull(r.error),
    startedAt: stringOrNull(r.startedAt),
    finishedAt: stringOrNull(r.finishedAt),
  };
}

/** Rows that made it in, whether they changed anything or not. */
export const importedRows = (p: ImportProgress) => p.created + p.updated + p.unchanged;

/** The exit code for an import that stopped being watched in this state. */
export function exitCodeForImport(job: ImportJob): ExitCode {
  if (job.status === 'succeeded') return job.progress.rejected > 0 ? ExitCode.rowsRejected : ExitCode.success;
  // failed, cancelled, or a watch that ended before a final status: the import did not complete.
  return ExitCode.failure;
}
