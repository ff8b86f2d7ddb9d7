import { BatchHandlerContext } from '@segmenter/shared';
import { whileHeartbeating } from './event-batch-handler';

describe('whileHeartbeating', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function context(heartbeat: () => Promise<void>): BatchHandlerContext {
    return { heartbeat, markProcessed: () => undefined, isRunning: () => true };
  }

  const slowWork = (ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve('done'), ms));

  test('heartbeats every second while the work runs, and stops when it ends', async () => {
    const heartbeat = jest.fn(async () => undefined);
    const result = whileHeartbeating(context(heartbeat), () => slowWork(5500));
    await jest.advanceTimersByTimeAsync(5500);
    await expect(result).resolves.toBe('done');
    expect(heartbeat).toHaveBeenCalledTimes(5);
    await jest.advanceTimersByTimeAsync(5000);
    expect(heartbeat).toHaveBeenCalledTimes(5);
  });

  test('a failed heartbeat (a rebalance began) stops the heartbeats but not the work', async () => {
    const heartbeat = jest.fn(async () => {
      throw new Error('The group is rebalancing');
    });
    const result = whileHeartbeating(context(heartbeat), () => slowWork(4500));
    await jest.advanceTimersByTimeAsync(4500);
    await expect(result).resolves.toBe('done');
    expect(heartbeat).toHaveBeenCalledTimes(1);
  });

  test('the work failing still stops the heartbeats', async () => {
    const heartbeat = jest.fn(async () => undefined);
    const result = whileHeartbeating(context(heartbeat), async () => {
      await slowWork(1500);
      throw new Error('bulk failed');
    });
    const settled = expect(result).rejects.toThrow('bulk failed');
    await jest.advanceTimersByTimeAsync(1500);
    await settled;
    await jest.advanceTimersByTimeAsync(5000);
    expect(heartbeat).toHaveBeenCalledTimes(1);
  });
});
