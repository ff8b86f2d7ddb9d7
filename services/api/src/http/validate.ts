// Validation at the edge: a zod schema parses body, params or query once; failures become a
// ValidationError whose problems name the field path and the rule.
import { z } from 'zod';
import { FieldProblem, ValidationError } from '../errors/app-error';

// The prefix of every field path in errors: 'body', 'query', 'params' or a nested 'body.contacts.3'.
export type RequestPart = string;

/** The parsed value, or the problems (field paths under `part`) when it breaks the schema. */
export function checkRequestPart<S extends z.ZodType>(schema: S, part: RequestPart, value: unknown): { ok: true; data: z.infer<S> } | { ok: false; problems: FieldProblem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => ({ field: [part, ...issue.path.map(String)].join('.'), rule: issue.message })) };
}

export function parseRequestPart<S extends z.ZodType>(schema: S, part: RequestPart, value: unknown): z.infer<S> {
  const checked = checkRequestPart(schema, part, value);
  if (checked.ok) return checked.data;
  throw new ValidationError(checked.problems);
}
