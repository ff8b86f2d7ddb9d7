import type { EsClient, Logger } from '@segmenter/shared';
import { createIndexRefresher } from './refresh-on-wait';

/** An Elasticsearch client whose refreshes end when told, counting them. */
function fakeEs(fail = false) {
  const ends: (() => void)[] = [];
  const es = {
    indices: {
      refresh: () =>
        new Promise<void>((resolve, reject) => {
          ends.push(() => (fail ? reject(new Error('refresh refused')) : resolve()));
        }),
    },
  } as unknown as EsClient;
  return { es, ends };
}
const log = { warn: jest.fn() } as unknown as Logger;
const tick = () => new Promise((r) => setImmediate(r));

describe('refresh on wait', () => {
  test('many waiting reads cost one refresh, plus one queued behind it for those who came while it ran', async () => {
    const { es, ends } = fakeEs();
    const refresher = createIndexRefresher({ es, alias: 'a', minIntervalMs: 0, log });
    const first = [refresher.refresh(), refresher.refresh(), refresher.refresh()];
    await tick();
    expect(ends).toHaveLength(1);
    // Arriving while the first runs: their writes may have been indexed after it began.
    const second = [refresher.refresh(), refresher.refresh()];
    ends[0]!();
    await Promise.all(first);
    await tick();
    expect(ends).toHaveLength(2);
    ends[1]!();
    await Promise.all(second);
    expect(refresher.refreshes).toBe(2);
  });

  test('refreshes at most once per minIntervalMs', async () => {
    const { es, ends } = fakeEs();
    const refresher = createIndexRefresher({ es, alias: 'a', minIntervalMs: 80, log });
    const started = Date.now();
    const one = refresher.refresh();
    await tick();
    ends[0]!();
    await one;
    const two = refresher.refresh();
    await new Promise((r) => setTimeout(r, 20));
    expect(ends).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(ends).toHaveLength(2);
    ends[1]!();
    await two;
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  test('a failed refresh resolves (the read goes on polling) and is logged', async () => {
    const { es, ends } = fakeEs(true);
    const refresher = createIndexRefresher({ es, alias: 'a', minIntervalMs: 0, log });
    const waiting = refresher.refresh();
    await tick();
    ends[0]!();
    await expect(waiting).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalled();
  });
});
