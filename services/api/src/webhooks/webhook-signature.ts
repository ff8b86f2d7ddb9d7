// The signature every delivery carries: the hex HMAC-SHA256, keyed by the webhook's secret, of
// "<timestamp>.<body>". Signing the timestamp with the body lets a receiver refuse replays of an
// old request (docs/events.md shows a receiver's check).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Segmenter-Signature';
export const TIMESTAMP_HEADER = 'X-Segmenter-Timestamp';

/** A new secret: 32 random bytes, base64url, behind a prefix that says what it is when found in a log or a config. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The X-Segmenter-Signature value for a body sent at `timestamp` (Unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function webhookSignatureMatches(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
