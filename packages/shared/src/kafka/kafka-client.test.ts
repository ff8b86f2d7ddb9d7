import pino from 'pino';
import { chunkByBytes, OutgoingMessage, ProducerConnection, selfHealingPublisher } from './kafka-client';

describe('chunkByBytes', () => {
  const message = (bytes: number) => ({ key: 'k', value: 'x'.repeat(bytes) });

  test('keeps every message, in order, in chunks under the limit', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: 'x'.repeat(300) }));
    const chunks = chunkByBytes(messages, 1000);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
  });

  test('a message larger than the limit travels alone', () => {
    expect(chunkByBytes([message(10), message(5000), message(10)], 1000).map((c) => c.length)).toEqual([1, 1, 1]);
  });

  test('no messages, no chunks', () => {
    expect(chunkByBytes([], 1000)).toEqual([]);
  });
});

describe('selfHealingPublisher', () => {
  const log = pino({ level: 'silent' });
  const messages = [{ key: 'a', value: '1' }];

  /** Producers whose sends fail while `failing` is set; records what each one did. */
  function producers() {
    const made: { sent: OutgoingMessage[][]; connects: number; disconnects: number }[] = [];
    const state = { failing: false, connectFails: false, sendGate: undefined as Promise<void> | undefined, slowDisconnect: false };
    const newProducer = (): ProducerConnection => {
      const record = { sent: [] as OutgoingMessage[][], connects: 0, disconnects: 0 };
      made.push(record);
      return {
        connect: async () => {
          record.connects += 1;
          if (state.connectFails) throw new Error('connection refused');
        },
        send: async (_topic, chunk) => {
          if (state.sendGate) await state.sendGate;
          if (state.failing) throw new Error('OUT_OF_ORDER_SEQUENCE_NUMBER');
          record.sent.push(chunk);
        },
        disconnect: async () => {
          if (state.slowDisconnect) await new Promise((resolve) => setTimeout(resolve, 20));
          record.disconnects += 1;
        },
      };
    };
    return { made, state, newProducer };
  }

  test('keeps one producer while publishes succeed', async () => {
    const { made, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    for (let i = 0; i < 5; i++) await publisher.publish('t', messages);
    expect(made).toHaveLength(1);
    expect(made[0]?.connects).toBe(1);
    expect(made[0]?.sent).toHaveLength(5);
    expect(publisher.rebuilds).toBe(0);
  });

  test('replaces the producer after the given number of failures in a row, and the new one publishes', async () => {
    const { made, state, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    await publisher.publish('t', messages);
    state.failing = true;
    for (let i = 0; i < 2; i++) await expect(publisher.publish('t', messages)).rejects.toThrow('OUT_OF_ORDER');
    expect(publisher.rebuilds).toBe(0);
    await expect(publisher.publish('t', messages)).rejects.toThrow('OUT_OF_ORDER');
    expect(publisher.rebuilds).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(made[0]?.disconnects).toBe(1);
    state.failing = false;
    await publisher.publish('t', messages);
    expect(made).toHaveLength(2);
    expect(made[1]?.sent).toEqual([messages]);
  });

  test('a success resets the count of failures', async () => {
    const { made, state, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    for (const fail of [true, true, false, true, true, false]) {
      state.failing = fail;
      await publisher.publish('t', messages).catch(() => undefined);
    }
    expect(publisher.rebuilds).toBe(0);
    expect(made).toHaveLength(1);
  });

  test('overlapping publishes while connecting share one producer', async () => {
    const { made, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    await Promise.all([publisher.publish('t', messages), publisher.publish('t', messages), publisher.publish('t', messages)]);
    expect(made).toHaveLength(1);
    expect(made[0]?.sent).toHaveLength(3);
  });

  test('a failed connect is retried with a new producer on the next publish, and does not count toward a rebuild', async () => {
    const { made, state, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    state.connectFails = true;
    for (let i = 0; i < 4; i++) await expect(publisher.publish('t', messages)).rejects.toThrow('connection refused');
    expect(publisher.rebuilds).toBe(0);
    expect(made.every((p) => p.disconnects === 1)).toBe(true); // each half-made producer is closed
    state.connectFails = false;
    await publisher.publish('t', messages);
    expect(made).toHaveLength(5);
    expect(made[4]?.sent).toEqual([messages]);
  });

  test('late failures from a producer already replaced do not retire its successor', async () => {
    const { made, state, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    await publisher.connect();
    // Six publishes in flight on the first producer, all failing once released.
    let release!: () => void;
    state.sendGate = new Promise<void>((resolve) => (release = resolve));
    state.failing = true;
    const inFlight = Array.from({ length: 6 }, () => publisher.publish('t', messages).catch(() => undefined));
    release();
    await Promise.all(inFlight);
    expect(publisher.rebuilds).toBe(1);
    state.sendGate = undefined;
    state.failing = false;
    await publisher.publish('t', messages);
    expect(made).toHaveLength(2);
    expect(made[1]?.disconnects).toBe(0);
    expect(made[1]?.sent).toEqual([messages]);
  });

  test('sends a large batch in chunks, in order, through the same producer', async () => {
    const { made, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    const big = Array.from({ length: 6 }, (_, i) => ({ key: String(i), value: 'x'.repeat(200 * 1024) }));
    await publisher.publish('t', big);
    expect(made[0]?.sent.length).toBeGreaterThan(1);
    expect(made[0]?.sent.flat()).toEqual(big);
  });

  test('close waits for a replaced producer to disconnect', async () => {
    const { made, state, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 1);
    state.failing = true;
    state.slowDisconnect = true;
    await expect(publisher.publish('t', messages)).rejects.toThrow('OUT_OF_ORDER');
    expect(made[0]?.disconnects).toBe(0); // still disconnecting
    await publisher.close();
    expect(made[0]?.disconnects).toBe(1);
    expect(made).toHaveLength(1);
  });

  test('close disconnects, and a publish after close is refused', async () => {
    const { made, newProducer } = producers();
    const publisher = selfHealingPublisher(newProducer, log, 3);
    await publisher.connect();
    await publisher.close();
    expect(made[0]?.disconnects).toBe(1);
    await expect(publisher.publish('t', messages)).rejects.toThrow('closed');
    expect(made).toHaveLength(1);
  });
});
