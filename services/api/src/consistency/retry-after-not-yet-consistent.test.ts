// A read that runs out of time waiting for its writes answers Retry-After; any other outcome leaves the answer alone.
import type { Response } from 'express';
import { NotYetConsistentError, ValidationError } from '../errors/app-error';
import { retryAfterIfNotYetConsistent } from './retry-after-not-yet-consistent';

function fakeResponse() {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  return { res, headers };
}

test.each([
  { description: 'not yet consistent', error: new NotYetConsistentError(2, 300), expected: { 'Retry-After': '1' } },
  { description: 'any other error', error: new ValidationError([{ field: 'query.waitMs', rule: 'must be at least 0' }]), expected: {} },
])('$description: rethrown, with headers $expected', async ({ error, expected }) => {
  const { res, headers } = fakeResponse();
  await expect(retryAfterIfNotYetConsistent(res, () => Promise.reject(error))).rejects.toBe(error);
  expect(headers).toEqual(expected);
});

test('an answer passes through without a header', async () => {
  const { res, headers } = fakeResponse();
  await expect(retryAfterIfNotYetConsistent(res, async () => ({ consistent: true, waitedMs: 3 }))).resolves.toEqual({ consistent: true, waitedMs: 3 });
  expect(headers).toEqual({});
});
