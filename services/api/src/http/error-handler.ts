// The one place errors become HTTP answers: AppErrors keep their status, body-parser failures
// (malformed JSON, oversized body) become 400/413, anything else is a logged 500 with no details but an error id.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, PayloadTooLargeError, ValidationError } from '../errors/app-error';
import { errorIdNote, newErrorId } from '../errors/internal-failure';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function toAppError(err: unknown, bodyLimit: string): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as BodyParserError;
  if (e?.type === 'entity.parse.failed') {
    return new ValidationError([{ field: 'body', rule: 'must be valid JSON' }]);
  }
  if (e?.type === 'entity.too.large') return new PayloadTooLargeError(bodyLimit);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new ValidationError([{ field: 'body', rule: 'must be UTF-8 encoded JSON' }]);
  }
  // The router could not decode a path parameter (`%ZZ`): the client's URL, not our bug.
  if (err instanceof URIError) return new ValidationError([{ field: 'params', rule: 'must be a valid percent-encoded URL path' }]);
  // A body that is not the compression its Content-Encoding claims: the decoder's error reaches
  // us with the client status body-parser gave it (400) and no type of its own.
  if (e?.status === 400 && typeof (err as { code?: unknown }).code === 'string') {
    return new ValidationError([{ field: 'body', rule: 'must be encoded as its Content-Encoding header says' }]);
  }
  // Any other body-parser failure (an aborted upload, a bad length) carries a client status too.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.type === 'string') {
    return new ValidationError([{ field: 'body', rule: `could not be read (${e.type})` }]);
  }
  return undefined;
}

export function errorHandler(log: Logger, bodyLimit: string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(err, bodyLimit);
    if (appError) {
      // res.json (not send) so the Idempotency-Key capture sees error answers too.
      res
        .status(appError.status)
        .type('application/problem+json')
        .json({ ...appError.toJSON(), instance: req.originalUrl });
      return;
    }
    // The raw error (maybe Elasticsearch's or Postgres's text) stays in the log; the client gets
    // our words and the id that finds that log line.
    const errorId = newErrorId();
    log.error({ err, errorId, method: req.method, path: req.path }, 'unhandled error');
    res
      .status(500)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: `An unexpected error occurred; it has been logged (${errorIdNote(errorId)})`,
        instance: req.originalUrl,
        errors: [],
        errorId,
      });
  };
}

export function notFoundHandler(req: Request, res: Response): void {
  res
    .status(404)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: `No route for ${req.method} ${req.path}`,
        instance: req.originalUrl,
        errors: [],
      }),
    );
}
