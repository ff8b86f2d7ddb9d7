import { ValidationError } from '../errors/app-error';
import { decodeCursor, encodeCursor } from './page-cursor';

const id = '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10';
const byCreated = { sort: 'created', order: 'desc', valueKind: 'timestamp' } as const;

test('a cursor round-trips its sort value exactly', () => {
  const ts = encodeCursor({ sort: 'created', order: 'desc', value: '2026-11-24T10:00:00.123456Z', id });
  expect(decodeCursor(ts, byCreated)).toEqual({ sort: 'created', order: 'desc', value: '2026-11-24T10:00:00.123456Z', id });
  for (const value of [42, -1]) {
    const raw = encodeCursor({ sort: 'email_rating', order: 'asc', value, id });
    expect(decodeCursor(raw, { sort: 'email_rating', order: 'asc', valueKind: 'integer' }).value).toBe(value);
  }
});

const raw = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

test.each([
  ['not base64 JSON', 'garbage', 'must be a cursor returned by this endpoint'],
  ['a JSON object', Buffer.from('{"a":1}').toString('base64url'), 'must be a cursor returned by this endpoint'],
  ['an id that is not a UUID', raw(['created', 'desc', '2026-11-24T10:00:00.123456Z', "1' or 1=1"]), 'must be a cursor returned by this endpoint'],
  ['an id of dashes', raw(['created', 'desc', '2026-11-24T10:00:00.123456Z', '-'.repeat(36)]), 'must be a cursor returned by this endpoint'],
  ['a number where a timestamp belongs', raw(['created', 'desc', 5, id]), 'must be a cursor returned by this endpoint'],
  ['a malformed timestamp', raw(['created', 'desc', 'yesterday', id]), 'must be a cursor returned by this endpoint'],
  [
    '30 February (Date.parse rolls it over; Postgres refuses it)',
    raw(['created', 'desc', '2026-02-30T00:00:00.000000Z', id]),
    'must be a cursor returned by this endpoint',
  ],
  ['year 0', raw(['created', 'desc', '0000-01-01T00:00:00.000000Z', id]), 'must be a cursor returned by this endpoint'],
  ['hour 24', raw(['created', 'desc', '2026-01-01T24:00:00.000000Z', id]), 'must be a cursor returned by this endpoint'],
  ['another sort', encodeCursor({ sort: 'updated', order: 'desc', value: 'x', id }), 'was made for sort=updated&order=desc; pass the same sort and order'],
  ['another order', encodeCursor({ sort: 'created', order: 'asc', value: 'x', id }), 'was made for sort=created&order=asc; pass the same sort and order'],
])('refuses %s', (_what, cursor, rule) => {
  let error: unknown;
  try {
    decodeCursor(cursor, byCreated);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).problems).toEqual([{ field: 'query.cursor', rule }]);
});

test('an integer sort refuses a string or an out-of-range number', () => {
  for (const value of ['5', 2 ** 40, 1.5]) {
    expect(() => decodeCursor(raw(['email_rating', 'asc', value, id]), { sort: 'email_rating', order: 'asc', valueKind: 'integer' })).toThrow(ValidationError);
  }
});
