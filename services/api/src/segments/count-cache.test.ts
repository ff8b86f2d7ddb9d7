import { createCountCache } from './count-cache';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('count cache', () => {
  test('serves a count only under the index state it was computed in', () => {
    const cache = createCountCache<number>({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.set('ws-a q1', '3/0', 42);
    expect(cache.get('ws-a q1', '3/0')).toBe(42);
    // The workspace changed (its seq moved), or every workspace did (an index swap): not served, and dropped.
    expect(cache.get('ws-a q1', '4/0')).toBeUndefined();
    expect(cache.get('ws-a q1', '3/0')).toBeUndefined();
    cache.set('ws-a q1', '3/0', 42);
    expect(cache.get('ws-a q1', '3/1')).toBeUndefined();
  });

  test('never serves an entry older than maxAgeMs', () => {
    const c = clock();
    const cache = createCountCache<number>({ maxEntries: 10, maxAgeMs: 500, now: c.now });
    cache.set('k', 's', 1);
    c.advance(500);
    expect(cache.get('k', 's')).toBe(1);
    c.advance(1);
    expect(cache.get('k', 's')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('drops the least recently used past maxEntries, a hit counting as use', () => {
    const cache = createCountCache<number>({ maxEntries: 2, maxAgeMs: 60_000 });
    cache.set('a', 's', 1);
    cache.set('b', 's', 2);
    expect(cache.get('a', 's')).toBe(1);
    cache.set('c', 's', 3);
    expect(cache.get('b', 's')).toBeUndefined();
    expect(cache.get('a', 's')).toBe(1);
    expect(cache.get('c', 's')).toBe(3);
    expect(cache.size).toBe(2);
  });

  test('with maxEntries 0 it is off and stores nothing', () => {
    const cache = createCountCache<number>({ maxEntries: 0, maxAgeMs: 60_000 });
    expect(cache.enabled).toBe(false);
    cache.set('a', 's', 1);
    expect(cache.get('a', 's')).toBeUndefined();
  });

  test('a count in flight is found under its key and state until it settles, resolved or rejected', async () => {
    const cache = createCountCache<number>({ maxEntries: 10, maxAgeMs: 60_000 });
    let resolve!: (n: number) => void;
    const first = new Promise<number>((r) => (resolve = r));
    cache.track('k', 's', first);
    expect(cache.pending('k', 's')).toBe(first);
    expect(cache.pending('k', 'other state')).toBeUndefined();
    resolve(7);
    await first;
    await Promise.resolve();
    expect(cache.pending('k', 's')).toBeUndefined();

    const failing = Promise.reject(new Error('search failed'));
    failing.catch(() => undefined);
    cache.track('k', 's', failing);
    await failing.catch(() => undefined);
    await Promise.resolve();
    expect(cache.pending('k', 's')).toBeUndefined();
  });

  test('a newer computation of the same key is not forgotten when an older one settles', async () => {
    const cache = createCountCache<number>({ maxEntries: 10, maxAgeMs: 60_000 });
    let resolveOld!: (n: number) => void;
    const older = new Promise<number>((r) => (resolveOld = r));
    const newer = new Promise<number>(() => undefined);
    cache.track('k', 's', older);
    cache.track('k', 's', newer);
    resolveOld(1);
    await older;
    await Promise.resolve();
    expect(cache.pending('k', 's')).toBe(newer);
  });
});
