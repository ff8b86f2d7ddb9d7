// Import progress on stderr: a one-line bar redrawn in place on a terminal, plain periodic lines
// in a log (CI, a pipe), and the number and duration formats that the summary shares.
import type { Writable } from 'node:stream';
import { importedRows, type ImportJob } from './import-job';

export const formatCount = (n: number) => Math.round(n).toLocaleString('en-US');

/** 42s, 1m05s, 2h03m: seconds stop mattering once an import runs for hours. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The server measures rate and ETA; before it has enough rows to say, they read as `--`. */
export const formatRate = (rowsPerSecond: number | null) => (rowsPerSecond === null ? '-- rows/s' : `${formatCount(rowsPerSecond)} rows/s`);
export const formatEta = (etaSeconds: number | null) => (etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(etaSeconds)}`);

/** The file's rows: the server's estimate while the file is still arriving, then the rows read. */
const expectedRows = (job: ImportJob) => job.estimatedRows ?? job.progress.rowsRead;

/** Share of the file's rows that the import has processed, 0 to 100. */
export function processedPercent(job: ImportJob): number {
  const total = expectedRows(job);
  if (total === 0) return 0;
  // Floor, so 100% is only shown when every row is processed.
  return Math.min(100, Math.floor((job.progress.processed / total) * 100));
}

const MIN_BAR = 10;
const MAX_BAR = 30;

/**
 * One line: status, bar, percent, rows, rate, ETA, then the counts. Without `width` there is no
 * bar: the plain form for logs. On a terminal too narrow for everything the counts go first (the
 * summary prints them anyway), then the bar. Counts are padded to the width of the row total, so
 * the line keeps its length as they grow and the bar does not jump around.
 */
export function formatProgressLine(job: ImportJob, width?: number): string {
  const p = job.progress;
  const total = expectedRows(job);
  const digits = formatCount(total).length;
  const count = (n: number) => formatCount(n).padStart(digits);
  const percent = processedPercent(job);
  const essentials = [
    `${String(percent).padStart(3)}%`,
    `${count(p.processed)}/${formatCount(total)} rows`,
    formatRate(job.rowsPerSecond).padStart(12),
    formatEta(job.etaSeconds).padEnd(9),
  ].join('  ');
  const full = `${essentials}  imported ${count(importedRows(p))}  rejected ${count(p.rejected)}  indexed ${count(p.indexed)}`;
  const head = job.status.padEnd(10);
  if (width === undefined) return `${head} ${full}`;
  // What is left for the bar: the line stays one column short of the terminal, since a line
  // that wraps cannot be redrawn in place; 4 is the brackets and the spaces around them.
  const room = (details: string) => width - 1 - head.length - 4 - details.length;
  const details = room(full) >= MIN_BAR ? full : essentials;
  const barWidth = Math.min(MAX_BAR, room(details));
  if (barWidth < MIN_BAR) return `${head} ${details}`.slice(0, width - 1);
  const filled = Math.round((percent / 100) * barWidth);
  return `${head} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${details}`;
}

export interface ProgressReporter {
  update(job: ImportJob): void;
  /** Ends the line being redrawn, so what follows starts on a fresh one. */
  finish(): void;
}

export interface ProgressReporterOptions {
  now?: () => number;
  /** How often a plain line is written when nothing else changed; a log needs a pulse, not a flood. */
  plainEveryMs?: number;
}

export function createProgressReporter(stream: Writable, { now = Date.now, plainEveryMs = 10_000 }: ProgressReporterOptions = {}): ProgressReporter {
  const tty = stream as Writable & { isTTY?: boolean; columns?: number };
  let drawn = false;
  let lastStatus: string | undefined;
  let lastPlainAt = -Infinity;
  return {
    update(job) {
      if (tty.isTTY) {
        // \r returns to the line start, ESC[K clears what a longer previous line left behind.
        stream.write(`\r${formatProgressLine(job, tty.columns ?? 80)}\x1b[K`);
        drawn = true;
        return;
      }
      if (job.status !== lastStatus || now() - lastPlainAt >= plainEveryMs) {
        stream.write(`${formatProgressLine(job)}\n`);
        lastStatus = job.status;
        lastPlainAt = now();
      }
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
