import { generateApiKey, keyMatches, prefixOf, sha256 } from './api-keys';

describe('API keys', () => {
  test('a generated key carries its prefix and matches its own hash only', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^sk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(prefixOf(a.key)).toBe(a.prefix);
    expect(a.prefix).not.toBe(b.prefix);
    expect(keyMatches(a.key, a.secretSha256)).toBe(true);
    expect(keyMatches(b.key, a.secretSha256)).toBe(false);
    expect(keyMatches(`${a.key}x`, a.secretSha256)).toBe(false);
  });

  test.each(['', 'sk_', 'sk_0123456789ab', `sk_0123456789AB_${'a'.repeat(43)}`, `sk_0123456789ab_${'a'.repeat(42)}`, `xx_0123456789ab_${'a'.repeat(43)}`])(
    'malformed key %j has no prefix',
    (key) => {
      expect(prefixOf(key)).toBeUndefined();
    },
  );

  test('hash comparison tolerates a stored hash of another length', () => {
    expect(keyMatches('sk_x', Buffer.alloc(3))).toBe(false);
    expect(sha256('a').length).toBe(32);
  });
});
