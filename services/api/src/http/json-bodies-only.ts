// Request bodies are JSON (or, for file uploads, CSV). A body of any other type (a form, plain
// text, XML) would reach the routes as no body at all and be refused as "expected an object",
// which hides the real mistake: it is a 415 that says what to send instead.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super(415, 'Unsupported media type', detail, [{ field: 'headers.content-type', rule: 'must be application/json (text/csv for file uploads)' }]);
  }
}

const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is(['application/json', 'application/*+json', 'text/csv'])) {
    const type = req.headers['content-type'] ?? 'none';
    throw new UnsupportedMediaTypeError(`A request body of type ${JSON.stringify(type)} is not read: send JSON with Content-Type: application/json`);
  }
  next();
}
