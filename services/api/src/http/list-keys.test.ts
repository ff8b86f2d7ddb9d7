import { ValidationError } from '../errors/app-error';
import { listPage } from './list-page';
import { textCursorKey, timeAndIdCursorKey } from './list-keys';

const cursorOf = (list: string, ...key: string[]) => listPage([{ key }, { key }], 1, list, (r) => r.key).nextCursor!;
const ID = '0b9c3c5e-8f4a-4c1e-9d2b-3f6a7e8d9c0b';

describe('list cursor keys', () => {
  it('gives back the key a page was made with, and nothing without a cursor', () => {
    expect(textCursorKey(cursorOf('tags', 'Hot Lead'), 'tags')).toBe('Hot Lead');
    expect(timeAndIdCursorKey(cursorOf('jobs', '2026-01-31T23:59:59.123456Z', ID), 'jobs')).toEqual({ time: '2026-01-31T23:59:59.123456Z', id: ID });
    expect(textCursorKey(undefined, 'tags')).toBeUndefined();
    expect(timeAndIdCursorKey(undefined, 'jobs')).toBeUndefined();
  });

  it.each([
    ['a NUL in a text key', () => textCursorKey(cursorOf('tags', 'a\u0000b'), 'tags')],
    ['milliseconds only', () => timeAndIdCursorKey(cursorOf('jobs', '2026-01-31T23:59:59.123Z', ID), 'jobs')],
    ['30 February', () => timeAndIdCursorKey(cursorOf('jobs', '2026-02-30T00:00:00.000000Z', ID), 'jobs')],
    ['hour 24', () => timeAndIdCursorKey(cursorOf('jobs', '2026-01-01T24:00:00.000000Z', ID), 'jobs')],
    ['year 0', () => timeAndIdCursorKey(cursorOf('jobs', '0000-01-01T00:00:00.000000Z', ID), 'jobs')],
    ['an id that is no UUID', () => timeAndIdCursorKey(cursorOf('jobs', '2026-01-31T23:59:59.123456Z', 'x'), 'jobs')],
    ['a key of the wrong length', () => timeAndIdCursorKey(cursorOf('jobs', '2026-01-31T23:59:59.123456Z'), 'jobs')],
    ["another list's cursor", () => textCursorKey(cursorOf('labels', 'tier'), 'tags')],
  ])('refuses %s as query.cursor', (_, decode) => {
    expect(decode).toThrow(ValidationError);
    expect(() => decode()).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ field: 'query.cursor' })] }));
  });
});
