// Answers of the consistency wait (consistency/): how long a read waited for the index to show a
// write, alone (GET /v1/consistency) or inside a count.
import { z } from 'zod';
import { answer } from '../http/answer-schemas';

/** How long a read waited for the write behind its Consistency-Token to become searchable. */
export const Waited = answer({ waitedMs: z.number().int() });
export const Consistent = answer({ consistent: z.literal(true), waitedMs: z.number().int() });
