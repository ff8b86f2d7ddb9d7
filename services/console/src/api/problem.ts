// Every API error is application/problem+json (services/api/src/errors/problem.ts): title, detail
// and the fields to blame. Anything else (a network failure, a proxy's HTML) becomes one too.
export interface FieldProblem {
  field: string;
  rule: string;
}

export interface Problem {
  title: string;
  status?: number;
  detail: string;
  errors: FieldProblem[];
}

function isProblem(value: unknown): value is Problem {
  const v = value as Partial<Problem> | null;
  return typeof v === 'object' && v !== null && typeof v.title === 'string' && typeof v.detail === 'string' && Array.isArray(v.errors);
}

/** The problem an openapi-fetch call answered (its `error` and `response`), or the error it threw. */
export function toProblem(error: unknown, response?: Response): Problem {
  if (isProblem(error)) return error;
  if (response) return { title: `HTTP ${response.status}`, status: response.status, detail: response.statusText || 'The API answered an error', errors: [] };
  return { title: 'The API could not be reached', detail: error instanceof Error ? error.message : String(error), errors: [] };
}

/** An openapi-fetch result's data, or the problem it answered thrown as a ProblemError. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ProblemError(toProblem(err));
  }
  if (result.error !== undefined || !result.response.ok) throw new ProblemError(toProblem(result.error, result.response));
  return result.data as T;
}

/** What a caught error shows: its problem, or a generic one. */
export function problemOf(err: unknown): Problem {
  return err instanceof ProblemError ? err.problem : toProblem(err);
}
