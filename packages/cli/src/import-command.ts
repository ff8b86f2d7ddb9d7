// `segmenter import FILE`: creates an import, streams the CSV file to it, watches it to the end with
// a progress bar, prints the summary and saves the rejected rows; Ctrl-C cancels the import.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectPositionals, parseChoice, parseColumnMappings, parseCommandArgs, UsageError } from './args';
import { ApiError, NetworkError, renderError, type ApiClient } from './api-client';
import { apiClientFor, defineCommand, writeLine, type CliContext } from './command';
import { ExitCode } from './exit-codes';
import { exitCodeForImport, FINAL_IMPORT_STATUSES, readImportJob, type ImportJob } from './import-job';
import { createProgressReporter, formatCount, formatDuration, formatRate } from './progress-bar';
import { streamResponse } from './stream-response';

const MATCH_BY = ['email', 'phone'] as const;
const ON_MATCH = ['update', 'skip'] as const;
const LABELS_MODE = ['merge', 'replace'] as const;
const DEFAULT_POLL_INTERVAL_MS = 500;
/** A restarting API (a deploy) must not end the watch of an import that takes an hour; a dead one must. */
const POLL_OUTAGE_TOLERANCE_MS = 30_000;

const OPTIONS = {
  'match-by': { type: 'string' },
  'on-match': { type: 'string' },
  'create-missing-tags': { type: 'boolean' },
  'labels-mode': { type: 'string' },
  'list-separator': { type: 'string' },
  column: { type: 'string', multiple: true },
  'rejected-out': { type: 'string' },
  // Declared rather than using parseArgs' allowNegative, which Node 20 does not have.
  'no-wait': { type: 'boolean' },
} as const;

const usage = `Usage: segmenter import FILE [options]

Imports contacts from a CSV file: creates the import, uploads FILE (streamed, never loaded whole)
while following the import to the end, then prints a summary. Ctrl-C cancels the import.

Options (the server's default applies to any option not given):
  --match-by email|phone       which field finds an existing contact
  --on-match update|skip       what to do with a row that matches an existing contact
  --create-missing-tags        create tags named in the file that do not exist yet
  --labels-mode merge|replace  merge the file's labels into a contact's, or replace them
  --list-separator SEP         separator inside list cells (tags), e.g. '|'
  --column 'Header=target'     map a CSV column (repeatable) to a standard column (email,
                               first_name, tags, ...), 'label:<key>' or 'custom:<key>';
                               'Header=' ignores the column
  --rejected-out PATH          where to save rejected rows (default: FILE.rejected.csv,
                               FILE's .csv extension dropped)
  --no-wait                    upload and print the import id, without following it`;

export const importCommand = defineCommand({
  name: 'import',
  summary: 'import contacts from a CSV file and follow the import to the end',
  usage,
  async execute(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [file] = expectPositionals(positionals, ['FILE']) as [string];
    const request = {
      matchBy: parseChoice('match-by', values['match-by'], MATCH_BY),
      onMatch: parseChoice('on-match', values['on-match'], ON_MATCH),
      createMissingTags: values['create-missing-tags'],
      labelsMode: parseChoice('labels-mode', values['labels-mode'], LABELS_MODE),
      listSeparator: values['list-separator'],
      columns: parseColumnMappings(values.column),
      fileName: basename(file),
    };
    const size = await fileSize(file);
    const api = apiClientFor(values, context);

    let job = readImportJob(await api.json('POST', '/v1/imports', { json: request }));
    const startedAt = Date.now();
    try {
      writeLine(context.stderr, `import ${job.id}: uploading ${file} (${formatBytes(size)})`);
      const upload = api.json('PUT', `/v1/imports/${job.id}/file`, {
        stream: Readable.toWeb(createReadStream(file)) as WebReadableStream<Uint8Array>,
        contentType: 'text/csv',
        contentLength: size,
      });
      if (values['no-wait']) {
        job = readImportJob(await upload);
        writeLine(context.stderr, `import ${job.id}: ${job.status}; not following it (--no-wait)`);
        writeLine(context.stdout, job.id);
        return ExitCode.success;
      }
      job = await watchImport(api, job, upload, context);
    } catch (err) {
      if (context.signal?.aborted) return cancelImport(api, job.id, context);
      throw err;
    }

    printSummary(job, (Date.now() - startedAt) / 1000, context);
    if (job.status !== 'succeeded') {
      writeLine(context.stderr, `error: ${job.error ?? `import ${job.id} ${job.status}`}`);
    } else if (job.progress.rejected > 0) {
      const rejectedOut = values['rejected-out'] ?? `${file.replace(/\.csv$/i, '')}.rejected.csv`;
      await streamResponse(await api.send('GET', `/v1/imports/${job.id}/rejected-rows`), { file: rejectedOut });
      writeLine(context.stdout, `${formatCount(job.progress.rejected)} rejected rows written to ${rejectedOut}`);
    }
    return exitCodeForImport(job);
  },
});

/** Checked before anything is created on the server, so a typo in the path costs nothing. */
async function fileSize(file: string): Promise<number> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  if (!info.isFile()) throw new UsageError(`${file} is not a file`);
  return info.size;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatCount(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Polls until a final status, drawing progress. Polling starts while the file is still being
 * sent, since the server reads and processes it as it arrives; a refused upload (a bad header)
 * ends the watch with the upload's own error. Throws AbortError when Ctrl-C interrupts.
 */
async function watchImport(api: ApiClient, first: ImportJob, upload: Promise<unknown>, context: CliContext): Promise<ImportJob> {
  // Settles only when the upload fails: raced against each pause, it ends the watch at once.
  const uploadFailed = upload.then(() => new Promise<never>(() => {}));
  uploadFailed.catch(() => {}); // a failure outside a race is rethrown by the final `await upload`
  const progress = createProgressReporter(context.stderr);
  const interval = context.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let job = first;
  let lastAnswerAt = Date.now();
  try {
    for (;;) {
      await Promise.race([sleep(interval, undefined, { signal: context.signal }), uploadFailed]);
      try {
        job = readImportJob(await api.json('GET', `/v1/imports/${job.id}`));
        lastAnswerAt = Date.now();
      } catch (err) {
        const transient = err instanceof NetworkError || (err instanceof ApiError && err.problem.status >= 500);
        if (!transient || Date.now() - lastAnswerAt > POLL_OUTAGE_TOLERANCE_MS) throw err;
        continue;
      }
      progress.update(job);
      if (FINAL_IMPORT_STATUSES.has(job.status)) break;
    }
  } finally {
    progress.finish();
  }
  // An import that failed over its file also refused the upload: that problem is the one to show.
  await upload;
  return job;
}

async function cancelImport(api: ApiClient, id: string, context: CliContext): Promise<ExitCode> {
  writeLine(context.stderr, `interrupted: cancelling import ${id}`);
  try {
    await api.json('POST', `/v1/imports/${id}/cancel`, { interruptible: false });
    writeLine(context.stderr, `import ${id} cancelled`);
  } catch (err) {
    for (const line of renderError(err)) writeLine(context.stderr, line);
  }
  return ExitCode.failure;
}

function printSummary(job: ImportJob, localSeconds: number, context: CliContext) {
  const p = job.progress;
  // The server's clock covers the import itself; ours (upload included) only stands in without it.
  const serverSeconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : NaN;
  const seconds = Number.isFinite(serverSeconds) ? serverSeconds : localSeconds;
  const rate = seconds > 0 ? p.processed / seconds : null;
  writeLine(context.stdout, `import ${job.id} ${job.status} in ${formatDuration(seconds)} (${formatRate(rate)})`);
  const counts = [
    ['created', p.created],
    ['updated', p.updated],
    ['unchanged', p.unchanged],
    ['skipped', p.skipped],
    ['rejected', p.rejected],
    ['indexed', p.indexed],
  ] as const;
  const width = Math.max(...counts.map(([, n]) => formatCount(n).length));
  for (const [name, n] of counts) writeLine(context.stdout, `  ${name.padEnd(10)}${formatCount(n).padStart(width)}`);
}
