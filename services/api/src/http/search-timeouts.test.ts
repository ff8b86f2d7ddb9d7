import { completeOrThrow, isPartial, SearchTimeoutError } from './search-timeouts';

test('an answer is partial when it timed out or a shard failed, and then is never a number', () => {
  const whole = { timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { total: { value: 7 } } };
  expect(isPartial(whole)).toBe(false);
  expect(completeOrThrow(whole)).toBe(whole);
  for (const partial of [
    { ...whole, timed_out: true },
    { ...whole, _shards: { total: 2, successful: 1, skipped: 0, failed: 1 } },
  ]) {
    expect(isPartial(partial)).toBe(true);
    expect(() => completeOrThrow(partial, 'body.queries.0')).toThrow(SearchTimeoutError);
  }
});
