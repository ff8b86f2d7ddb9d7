// The pure rules of suppressions: the strictness order per channel and the keyed address hash.
import { addressHash, normaliseAddress } from './suppression-hash';
import { isSuppressing, lessStrictThan, strictnessOf, stricterStatus } from './status-strictness';

describe('strictness', () => {
  test.each([
    { channel: 'email', a: 'active', b: 'unsubscribed', stricter: 'unsubscribed' },
    { channel: 'email', a: 'unconfirmed', b: 'active', stricter: 'unconfirmed' },
    { channel: 'email', a: 'spam_report', b: 'unsubscribed', stricter: 'spam_report' },
    { channel: 'email', a: 'unsubscribed', b: 'blacklisted', stricter: 'blacklisted' },
    { channel: 'phone', a: 'active', b: 'opted_out', stricter: 'opted_out' },
    { channel: 'phone', a: 'blacklisted', b: 'opted_out', stricter: 'blacklisted' },
  ] as const)('$channel: $a vs $b -> $stricter', ({ channel, a, b, stricter }) => {
    expect(stricterStatus(channel, a, b)).toBe(stricter);
    expect(stricterStatus(channel, b, a)).toBe(stricter);
  });

  test('only unsubscribed, spam_report and blacklisted suppress email; opted_out and blacklisted phone', () => {
    expect(['active', 'unconfirmed', 'unsubscribed', 'spam_report', 'blacklisted'].filter((s) => isSuppressing('email', s))).toEqual([
      'unsubscribed',
      'spam_report',
      'blacklisted',
    ]);
    expect(['active', 'opted_out', 'blacklisted'].filter((s) => isSuppressing('phone', s))).toEqual(['opted_out', 'blacklisted']);
  });

  test('an unknown status is never overridden', () => {
    expect(strictnessOf('email', 'nonsense')).toBeGreaterThan(strictnessOf('email', 'blacklisted'));
  });

  test('an activity may only replace statuses less strict than its own', () => {
    expect(lessStrictThan('email', 'unsubscribed')).toEqual(['active', 'unconfirmed']);
    expect(lessStrictThan('phone', 'opted_out')).toEqual(['active']);
  });
});

describe('address hash', () => {
  const key = Buffer.alloc(32, 7);

  test('is the same for every spelling of one address, and differs per channel, address and key', () => {
    expect(normaliseAddress('email', ' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseAddress('phone', '+1 (415) 555-0100')).toBe('+14155550100');
    const hash = addressHash(key, 'email', 'ada@example.com');
    expect(addressHash(key, 'email', 'ADA@example.com ')).toEqual(hash);
    expect(addressHash(key, 'email', 'bob@example.com')).not.toEqual(hash);
    expect(addressHash(key, 'phone', 'ada@example.com')).not.toEqual(hash);
    expect(addressHash(Buffer.alloc(32, 8), 'email', 'ada@example.com')).not.toEqual(hash);
  });

  test('is an HMAC-SHA256: 32 bytes that do not hold the address', () => {
    const hash = addressHash(key, 'email', 'ada@example.com');
    expect(hash).toHaveLength(32);
    expect(hash.toString('latin1')).not.toContain('ada');
  });
});
