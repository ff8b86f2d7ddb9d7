// One error family: every failure a client can cause is an AppError with an HTTP status, and is
// rendered once, as application/problem+json (RFC 9457), by the error handler in http/.
export interface FieldProblem {
  /** JSON path of the offending field, e.g. `body.email` or `query.limit`. */
  field: string;
  /** The rule it broke, in words. */
  rule: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    return {
      type: `about:blank`,
      title: this.title,
      status: this.status,
      detail: this.message,
      // Always present, so every problem has one shape; empty when no single field is to blame.
      errors: this.problems,
    };
  }
}

export class ValidationError extends AppError {
  constructor(problems: FieldProblem[], detail?: string) {
    super(400, 'Validation failed', detail ?? problems.map((p) => `${p.field}: ${p.rule}`).join('; '), problems);
  }
}

const API_KEY_PROBLEM: FieldProblem = { field: 'headers.x-api-key', rule: 'must be a valid API key that is not revoked' };

export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid API key is required in the X-Api-Key header', problem: FieldProblem = API_KEY_PROBLEM) {
    super(401, 'Unauthorized', detail, [problem]);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: string, problems: FieldProblem[] = []) {
    super(403, 'Forbidden', detail, problems);
  }
}

export class NotFoundError extends AppError {
  /** `field`: where the request named what was not found, when it is not the path (e.g. `body.queries.0.segmentId`). */
  constructor(what: string, field?: string) {
    super(404, 'Not found', `${what} was not found`, field ? [{ field, rule: 'must name an existing resource of this workspace' }] : []);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, problems: FieldProblem[] = []) {
    super(409, 'Conflict', detail, problems);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: string) {
    super(413, 'Payload too large', `The request body exceeds the limit of ${limit}`);
  }
}

/** The search index has not shown a write yet within the wait the request allowed. */
export class NotYetConsistentError extends AppError {
  constructor(pending: number, waitedMs: number) {
    super(503, 'Not yet consistent', `${pending} written contact(s) were not yet searchable after ${waitedMs} ms; retry, or pass a longer waitMs`);
  }
}
