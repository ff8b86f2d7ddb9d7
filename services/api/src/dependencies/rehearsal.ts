// Dry runs of writes: the write's own code runs in a transaction that is always rolled back, so a
// preview meets exactly the checks and locks the real request would (a 404, a 400, or the 409 it
// reports as its refusal), and leaves nothing behind: no row, no job, no outbox event.
import { inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { ConflictError } from '../errors/app-error';

class Rehearsed {
  constructor(readonly result: unknown) {}
}

/** Runs `work` and rolls it back whatever happens; its failures are thrown as they are. */
export async function inRolledBackTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  try {
    await inTransaction(pool, async (client) => {
      // Thrown to make inTransaction roll back (and drop its on-commit steps: no job nudge, no consistency token).
      throw new Rehearsed(await work(client));
    });
  } catch (err) {
    if (err instanceof Rehearsed) return err.result as T;
    throw err;
  }
  throw new Error('unreachable: a rehearsal always throws');
}

/** The conflict (409) `run` fails with, or null when it goes through; any other failure is thrown as it is. */
export async function conflictOf(run: () => Promise<unknown>): Promise<ConflictError | null> {
  try {
    await run();
    return null;
  } catch (err) {
    if (err instanceof ConflictError) return err;
    throw err;
  }
}

/**
 * Runs a write as a dry run: null when it would go ahead, or the conflict (409) it would answer
 * instead. Any other refusal (not found, invalid) is thrown, as the real request answers it.
 */
export const refusalOf = (pool: Pool, work: (client: PoolClient) => Promise<unknown>) => conflictOf(() => inRolledBackTransaction(pool, work));
