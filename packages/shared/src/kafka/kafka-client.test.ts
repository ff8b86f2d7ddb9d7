import { chunkByBytes } from './kafka-client';

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
