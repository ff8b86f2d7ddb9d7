// Every AppError renders the one problem shape, `errors` included (empty when no field is to blame).
import { Problem } from './problem';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotYetConsistentError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from './app-error';

test.each([
  ['400', new ValidationError([{ field: 'body.email', rule: 'must be an email address' }]), [{ field: 'body.email', rule: 'must be an email address' }]],
  ['401', new UnauthorizedError(), [{ field: 'headers.x-api-key', rule: 'must be a valid API key that is not revoked' }]],
  [
    '403',
    new ForbiddenError('This API key lacks the "write" scope', [{ field: 'headers.x-api-key', rule: 'must have the "write" scope' }]),
    [{ field: 'headers.x-api-key', rule: 'must have the "write" scope' }],
  ],
  ['404', new NotFoundError('Contact x'), []],
  [
    '404 naming the field',
    new NotFoundError('Segment x', 'body.queries.0.segmentId'),
    [{ field: 'body.queries.0.segmentId', rule: 'must name an existing resource of this workspace' }],
  ],
  ['409', new ConflictError('A tag named "VIP" already exists'), []],
  ['413', new PayloadTooLargeError('2mb'), []],
  ['422', new AppError(422, 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request'), []],
  ['503', new NotYetConsistentError(2, 1000), []],
])('%s: one shape, with errors', (_status, error, errors) => {
  const body = { ...error.toJSON(), instance: '/v1/x' };
  expect(Problem.safeParse(body).success).toBe(true);
  expect(body.errors).toEqual(errors);
});
