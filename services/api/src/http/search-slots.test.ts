import { createSearchSlots, SearchBusyError } from './search-slots';

/** A search that ends when told. */
function controlled() {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve('done');
    fail = reject;
  });
  return { search: () => done, finish, fail };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('search slots', () => {
  test('run at most maxInFlight searches at once; the rest wait in arrival order', async () => {
    const slots = createSearchSlots(2, 10);
    const searches = Array.from({ length: 5 }, controlled);
    const started: number[] = [];
    const runs = searches.map((s, i) =>
      slots.run(() => {
        started.push(i);
        return s.search();
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.inFlight).toBe(2);
    expect(slots.queued).toBe(3);
    searches[1]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    searches[0]!.finish();
    searches[2]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    searches[3]!.finish();
    searches[4]!.finish();
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(slots.inFlight).toBe(0);
    expect(slots.queued).toBe(0);
  });

  test('a failed search gives its slot back', async () => {
    const slots = createSearchSlots(1, 10);
    const failing = controlled();
    const next = controlled();
    const first = slots.run(failing.search);
    const second = slots.run(next.search);
    failing.fail(new Error('node down'));
    await expect(first).rejects.toThrow('node down');
    await tick();
    expect(slots.inFlight).toBe(1);
    next.finish();
    await expect(second).resolves.toBe('done');
    expect(slots.inFlight).toBe(0);
  });

  test('past maxQueued waiting, a search is refused at once with a 503 naming the field', async () => {
    const slots = createSearchSlots(1, 1);
    const running = controlled();
    const waiting = controlled();
    const first = slots.run(running.search);
    const second = slots.run(waiting.search);
    const refused = slots.run(() => Promise.resolve('never'), 'body.queries');
    await expect(refused).rejects.toBeInstanceOf(SearchBusyError);
    await expect(refused).rejects.toMatchObject({ status: 503, problems: [{ field: 'body.queries' }] });
    running.finish();
    waiting.finish();
    await Promise.all([first, second]);
  });

  test('a search that waited maxWaitMs for a slot is refused with a 503, and leaves the queue', async () => {
    const slots = createSearchSlots(1, 10, 30);
    const running = controlled();
    const first = slots.run(running.search);
    const late = slots.run(() => Promise.resolve('never'), 'body');
    expect(slots.queued).toBe(1);
    await expect(late).rejects.toBeInstanceOf(SearchBusyError);
    expect(slots.queued).toBe(0);
    running.finish();
    await first;
    expect(slots.inFlight).toBe(0);
  });
});
