// The HTTP side of a read that waits for read-your-writes: when the wait runs out, the 503 answer
// tells the client to retry in a second. Routes wrap their one service call with it.
import type { Response } from 'express';
import { NotYetConsistentError } from '../errors/app-error';

/** The index refreshes about every second: by then the pending writes are likely searchable. */
const RETRY_AFTER_SECONDS = 1;

/** Runs `read`; if it fails because the index has not shown the awaited writes yet, the answer carries Retry-After. */
export async function retryAfterIfNotYetConsistent<T>(res: Response, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof NotYetConsistentError) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    throw err;
  }
}
