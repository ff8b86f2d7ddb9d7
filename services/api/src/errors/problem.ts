// The shape of every error answer (application/problem+json), as app-error.ts and
// http/error-handler.ts write it: the OpenAPI document and the tests read it from here.
import { z } from 'zod';

export const FieldProblem = z.object({ field: z.string(), rule: z.string() });

/** RFC 9457 problem details, as every 4xx and 5xx answers (errors/app-error.ts, http/error-handler.ts). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  /** What was wrong, field by field; empty when no single field is to blame (an unknown route, a revoked key). */
  errors: z.array(FieldProblem),
  /** On a 500 only: the id of the log line holding the cause (docs/operations.md, "Error ids"). */
  errorId: z.string().optional(),
});
