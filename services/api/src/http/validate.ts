// Validation at the edge: a zod schema parses body, params or query once; failures become a
// ValidationError whose problems name the field path and the rule.
import { z } from 'zod';
import { ValidationError } from '../errors/app-error';

// The prefix of every field path in errors: 'body', 'query', 'params' or a nested 'body.contacts.3'.
export type RequestPart = string;

export function parseRequestPart<S extends z.ZodType>(schema: S, part: RequestPart, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: [part, ...issue.path.map(String)].join('.'),
      rule: issue.message,
    })),
  );
}
