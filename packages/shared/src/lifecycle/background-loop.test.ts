import { createBackgroundLoop } from './shutdown';

describe('createBackgroundLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('rests between turns as long as each turn asks, and not at all for 0', async () => {
    const rests = [0, 0, 1000];
    let turns = 0;
    const loop = createBackgroundLoop(async () => rests[turns++] ?? 1000);
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(turns).toBe(3); // two turns asked for no rest, the third for 1 s
    await jest.advanceTimersByTimeAsync(999);
    expect(turns).toBe(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(turns).toBe(4);
    const stopped = loop.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });

  test('wake cuts a rest short', async () => {
    let turns = 0;
    const loop = createBackgroundLoop(async () => (turns++, 60_000));
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    loop.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(turns).toBe(2);
    const stopped = loop.stop();
    await jest.advanceTimersByTimeAsync(0);
    await stopped;
  });

  test('stop waits for the turn in progress and then does not rest', async () => {
    let finishTurn!: () => void;
    let turns = 0;
    const loop = createBackgroundLoop(async () => {
      turns += 1;
      await new Promise<void>((resolve) => (finishTurn = resolve));
      return 60_000;
    });
    loop.start();
    await jest.advanceTimersByTimeAsync(0);
    let done = false;
    const stopped = loop.stop().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    finishTurn();
    await jest.advanceTimersByTimeAsync(0); // no 60 s rest after a stop
    await stopped;
    expect(done).toBe(true);
    expect(turns).toBe(1);
  });
});
