// Validation at the edge: a zod schema parses body, params or query once; failures become a
// ValidationError whose problems name the field path and the rule.
import { z } from 'zod';
import { FieldProblem, ValidationError } from '../errors/app-error';

// The prefix of every field path in errors: 'body', 'query', 'params' or a nested 'body.contacts.3'.
export type RequestPart = string;

/** The parsed value, or the problems (field paths under `part`) when it breaks the schema. */
export function checkRequestPart<S extends z.ZodType>(
  schema: S,
  part: RequestPart,
  value: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; problems: FieldProblem[] } {
  if (part === 'params') {
    const problems = nulInPathParameters(value);
    if (problems.length > 0) return { ok: false, problems };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => ({ field: [part, ...issue.path.map(String)].join('.'), rule: issue.message })) };
}

export function parseRequestPart<S extends z.ZodType>(schema: S, part: RequestPart, value: unknown): z.infer<S> {
  const checked = checkRequestPart(schema, part, value);
  if (checked.ok) return checked.data;
  throw new ValidationError(checked.problems);
}

/**
 * Path parameters exist only once a route matched, after the app-wide NUL check (http/refuse-nul.ts)
 * saw none; Postgres cannot store NUL, so `%00` in a free-text parameter (a duplicate's value)
 * would fail in SQL as a 500. Parameters are flat strings, so no walk is needed.
 */
function nulInPathParameters(params: unknown): FieldProblem[] {
  if (!params || typeof params !== 'object') return [];
  return Object.entries(params)
    .filter(([, v]) => typeof v === 'string' && v.includes('\u0000'))
    .map(([name]) => ({ field: `params.${name}`, rule: 'must not contain the NUL character' }));
}
