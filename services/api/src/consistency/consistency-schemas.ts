// Read-your-writes request fields: the Consistency-Token a write answered and how long a read may
// wait for it. Their bound is the deployment's CONSISTENCY_MAX_WAIT_MS, so they are built from it.
import { z } from 'zod';

export const consistencyQueryFields = (maxWaitMs: number) => ({
  consistencyToken: z.string().max(16_384, 'must be a token returned in a Consistency-Token header').optional(),
  waitMs: z.coerce.number().int('must be a whole number').min(0, 'must be at least 0').max(maxWaitMs, `must be at most ${maxWaitMs}`).optional(),
});

/** GET /v1/consistency: the token is required there. */
export function ConsistencyQuery(maxWaitMs: number) {
  const fields = consistencyQueryFields(maxWaitMs);
  return z.strictObject({ ...fields, consistencyToken: fields.consistencyToken.unwrap().min(1, 'is required') });
}
