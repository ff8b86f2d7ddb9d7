import { ValidationError } from '../errors/app-error';
import { decodeCursor, encodeCursor } from './page-cursor';

const id = '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10';

test('a cursor round-trips its sort value exactly', () => {
  for (const value of ['2026-11-24T10:00:00.123456Z', 42, -1]) {
    const raw = encodeCursor({ sort: 'created', order: 'desc', value, id });
    expect(decodeCursor(raw, { sort: 'created', order: 'desc' })).toEqual({ sort: 'created', order: 'desc', value, id });
  }
});

test.each([
  ['not base64 JSON', 'garbage', 'must be a cursor returned by this endpoint'],
  ['a JSON object', Buffer.from('{"a":1}').toString('base64url'), 'must be a cursor returned by this endpoint'],
  ['an id that is not a UUID', Buffer.from(JSON.stringify(['created', 'desc', 1, "1' or 1=1"])).toString('base64url'), 'must be a cursor returned by this endpoint'],
  ['another sort', encodeCursor({ sort: 'updated', order: 'desc', value: 'x', id }), 'was made for sort=updated&order=desc; pass the same sort and order'],
  ['another order', encodeCursor({ sort: 'created', order: 'asc', value: 'x', id }), 'was made for sort=created&order=asc; pass the same sort and order'],
])('refuses %s', (_what, raw, rule) => {
  let error: unknown;
  try {
    decodeCursor(raw, { sort: 'created', order: 'desc' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).problems).toEqual([{ field: 'query.cursor', rule }]);
});
