// The Consistency-Token a successful write answers with, as other middleware sees it: write
// tracking (consistency/write-tracking.ts) registers on the response how the token is made, and the
// idempotency store reads it to replay it. http/ names no feature module, so nothing here imports one.
import type { Response } from 'express';

export const CONSISTENCY_TOKEN_HEADER = 'Consistency-Token';

const TOKEN_OF = Symbol('answer token');
type TokenedResponse = Response & { [TOKEN_OF]?: () => Promise<string | undefined> };

/** Called by write tracking for each request it follows. */
export function provideAnswerToken(res: Response, tokenOf: () => Promise<string | undefined>): void {
  (res as TokenedResponse)[TOKEN_OF] = tokenOf;
}

/** The token this answer carries, or undefined when it carries none (a failure, or a request no tracking follows). */
export function answerTokenOf(res: Response): Promise<string | undefined> {
  return (res as TokenedResponse)[TOKEN_OF]?.() ?? Promise.resolve(undefined);
}
