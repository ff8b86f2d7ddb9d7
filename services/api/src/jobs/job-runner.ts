// Runs jobs chunk by chunk. A handler processes one chunk inside the runner's transaction (which
// also holds the job's row lock) and says how many items it did and whether the job is finished.
// A chunk that throws rolls back whole; after MAX_ATTEMPTS failures in a row the job fails with
// the error, so a poison job cannot spin forever. The stored error is ours (see
// errors/internal-failure.ts): a dependency's raw text stays in the log, under the error id.
import { createBackgroundLoop, inTransaction, Logger, Pool, PoolClient } from '@segmenter/shared';
import { newErrorId, tenantFacingMessage } from '../errors/internal-failure';
import { claimRunnableJob, countJobAttempt, failJob, Job, recordJobProgress } from './jobs-store';

export interface ChunkResult {
  processed: number;
  finished: boolean;
  /** Nothing to do yet (an import waiting for its upload, or for the index): the job rests this long, while other jobs go on. */
  waitMs?: number;
}

export type JobHandler = (client: PoolClient, job: Job) => Promise<ChunkResult>;

const MAX_ATTEMPTS = 5;

export function createJobRunner(options: { pool: Pool; log: Logger; handlers: Record<string, JobHandler>; pollIntervalMs: number }) {
  const { pool, log, handlers } = options;

  /** Runs one chunk of one job: 'idle' when no job was waiting, 'failed' when the chunk threw. */
  async function runChunk(): Promise<'ran' | 'idle' | 'failed'> {
    let failure: { job: Job; err: unknown } | undefined;
    const ran = await inTransaction(pool, async (client) => {
      const job = await claimRunnableJob(client);
      if (!job) return false;
      const handler = handlers[job.type];
      if (!handler) {
        await failJob(client, job.id, `no handler for job type ${job.type}`);
        return true;
      }
      await client.query('savepoint chunk');
      try {
        const result = await handler(client, job);
        await recordJobProgress(client, job.id, result.processed, result.finished, result.waitMs);
      } catch (err) {
        await client.query('rollback to savepoint chunk');
        failure = { job, err };
      }
      return true;
    });
    if (failure) {
      const { job, err } = failure;
      const attempts = await countJobAttempt(pool, job.id);
      // Each failed attempt gets its own id; the one that fails the job is the one the tenant sees.
      const errorId = newErrorId();
      log.error({ err, errorId, jobId: job.id, type: job.type, attempts }, 'job chunk failed');
      if (attempts >= MAX_ATTEMPTS) {
        const message = tenantFacingMessage(err, errorId, `the job stopped after ${MAX_ATTEMPTS} failed attempts in a row because of an internal error`);
        await failJob(pool, job.id, message.slice(0, 2000));
      }
      return 'failed';
    }
    return ran ? 'ran' : 'idle';
  }
  const runOnce = async () => (await runChunk()) !== 'idle';

  const loop = createBackgroundLoop(async () => {
    try {
      const outcome = await runChunk();
      // Idle: poll again later. Failed: back off, so a chunk that keeps failing (a lock
      // conflict, a database restart) is not retried in a tight loop.
      if (outcome === 'idle') return options.pollIntervalMs;
      return outcome === 'failed' ? 1000 : 0;
    } catch (err) {
      log.error({ err }, 'job runner failed; will retry');
      return 1000;
    }
  });

  return {
    runOnce,
    /** Runs every chunk of every waiting job (tests and the one-shot CLI). */
    async drain(): Promise<void> {
      while (await runOnce());
    },
    start: loop.start,
    /** New work: skip the rest of the idle wait. */
    nudge: loop.wake,
    stop: loop.stop,
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
