import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhookBody, webhookSignatureMatches } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"k","type":"segment.entered"}';

  test('are sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the secret', () => {
    const expected = createHmac('sha256', secret).update(`1764000000.${body}`).digest('hex');
    expect(signWebhookBody(secret, 1764000000, body)).toBe(`sha256=${expected}`);
  });

  test('match only the same secret, timestamp and body', () => {
    const signature = signWebhookBody(secret, 1764000000, body);
    expect(webhookSignatureMatches(secret, 1764000000, body, signature)).toBe(true);
    expect(webhookSignatureMatches('whsec_other', 1764000000, body, signature)).toBe(false);
    expect(webhookSignatureMatches(secret, 1764000001, body, signature)).toBe(false);
    expect(webhookSignatureMatches(secret, 1764000000, `${body} `, signature)).toBe(false);
    expect(webhookSignatureMatches(secret, 1764000000, body, 'sha256=short')).toBe(false);
  });

  test('secrets hold 32 random bytes and differ every time', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64url')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
