import { ValidationError } from '../errors/app-error';
import { listCursorKey, listPage, ListQuery } from './list-page';

describe('list pages', () => {
  const rows = ['a', 'b', 'c'].map((name) => ({ name }));

  it('gives a cursor only when a row past the limit was fetched', () => {
    expect(listPage(rows, 3, 'tags', (r) => [r.name]).nextCursor).toBeNull();
    const page = listPage(rows, 2, 'tags', (r) => [r.name]);
    expect(page.items).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(listCursorKey(page.nextCursor!, 'tags', 1)).toEqual(['b']);
  });

  it('refuses a cursor of another list, of another key length, or not made here', () => {
    const cursor = listPage(rows, 1, 'tags', (r) => [r.name]).nextCursor!;
    expect(() => listCursorKey(cursor, 'segments', 1)).toThrow(ValidationError);
    expect(() => listCursorKey(cursor, 'tags', 2)).toThrow(/cursor returned by this endpoint/);
    for (const bad of ['%%%', 'bnVsbA', Buffer.from('[1,2]').toString('base64url')]) expect(() => listCursorKey(bad, 'tags', 1)).toThrow(ValidationError);
  });

  it('bounds limit and defaults it', () => {
    expect(ListQuery.parse({})).toEqual({ limit: 100 });
    expect(ListQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(ListQuery.safeParse({ limit: '1001' }).success).toBe(false);
    expect(ListQuery.safeParse({ limit: 'x' }).success).toBe(false);
    expect(ListQuery.safeParse({ other: '1' }).success).toBe(false);
  });
});
