// GET /v1/counts request shape: only the read-your-writes fields (a Consistency-Token and how long
// to wait for it), bounded by the deployment's CONSISTENCY_MAX_WAIT_MS.
import { z } from 'zod';
import { consistencyQueryFields } from '../consistency/consistency-schemas';

export const CountsQuery = (maxWaitMs: number) => z.strictObject(consistencyQueryFields(maxWaitMs));
