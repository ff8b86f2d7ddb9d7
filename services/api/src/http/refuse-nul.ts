// Postgres cannot store the NUL character in text or jsonb, so a string holding one would fail
// deep in a query as a 500. Refused here, once, for every body and query string, naming the field.
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../errors/app-error';

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNul(item, `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(key, `${path}.${key}`) ?? findNul(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const field = findNul(req.body, 'body') ?? findNul(req.query, 'query') ?? findNul(req.params, 'params');
  if (field) throw new ValidationError([{ field, rule: 'must not contain the NUL character' }]);
  next();
}
