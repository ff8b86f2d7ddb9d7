// Checks every body and query string once, before any route reads it, for what would otherwise
// fail deep inside as a 500 (path parameters exist only once a route matched: parseRequestPart
// checks them, in http/validate.ts):
//   - the NUL character, which Postgres cannot store in text or jsonb;
//   - nesting deeper than any request of ours needs (a 20 KB body can nest 10,000 levels, and a
//     recursive walk over it, ours or a schema's, would overflow the stack).
// The walk is iterative, so the check itself cannot overflow whatever it is given.
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../errors/app-error';

/**
 * Deepest nesting a request may have. The deepest legitimate body is a condition tree: 8 levels
 * of groups, two JSON levels each (the group and its `conditions` array), plus a leaf and its
 * values, well under this.
 */
export const MAX_REQUEST_NESTING = 64;

type Finding = { field: string; rule: string };

/** The first problem in `root` (depth first, in document order), or undefined. */
export function inputProblem(root: unknown, rootPath: string): Finding | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { field: path, rule: 'must not contain the NUL character' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_REQUEST_NESTING) return { field: rootPath, rule: `nests deeper than ${MAX_REQUEST_NESTING} levels` };
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(value);
    // Pushed in reverse so the first entry is looked at first (the field named is the first bad one).
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const at = `${path}.${key}`;
      if (key.includes('\u0000')) return { field: at, rule: 'must not contain the NUL character' };
      stack.push({ value: item, path: at, depth: depth + 1 });
    }
  }
  return undefined;
}

export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const problem = inputProblem(req.body, 'body') ?? inputProblem(req.query, 'query');
  if (problem) throw new ValidationError([problem]);
  next();
}
