// The per-stream tag name lookup: each id read once, deleted tags null, and a bounded cache that
// starts over rather than grow, never leaving a page without its names.
import type { Pool } from '@segmenter/shared';
import { createTagNameLookup } from './tag-name-lookup';

function fakePool(names: Record<string, string>) {
  const asked: string[][] = [];
  const pool = {
    query: async (_text: string, [, ids]: [string, string[]]) => {
      asked.push([...ids]);
      return { rows: ids.filter((id) => id in names).map((id) => ({ id, workspace_id: 'w', name: names[id], protected: false, created_at: new Date() })) };
    },
  } as unknown as Pool;
  return { pool, asked };
}

test('each id is read once per stream; a deleted tag is null and not asked again', async () => {
  const { pool, asked } = fakePool({ a: 'VIP', b: 'Hot' });
  const lookup = createTagNameLookup(pool, 'w');
  expect(Object.fromEntries(await lookup(['a', 'gone']))).toEqual({ a: 'VIP', gone: null });
  expect((await lookup(['a', 'b', 'gone'])).get('b')).toBe('Hot');
  expect(asked).toEqual([['a', 'gone'], ['b']]);
});

test('past its size the cache starts over with the whole page, so the page has every name', async () => {
  const { pool, asked } = fakePool({ a: 'A', b: 'B', c: 'C', d: 'D' });
  const lookup = createTagNameLookup(pool, 'w', 3);
  await lookup(['a', 'b']);
  const names = await lookup(['b', 'c', 'd']);
  expect(asked).toEqual([
    ['a', 'b'],
    ['b', 'c', 'd'],
  ]);
  expect([...names.keys()].sort()).toEqual(['b', 'c', 'd']);
  expect(names.get('b')).toBe('B');
});
