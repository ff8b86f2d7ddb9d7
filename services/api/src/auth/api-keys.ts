// API keys: `sk_<prefix>_<secret>`. The prefix (public, unique) finds the row; the SHA-256 of the
// whole key proves possession. The secret is 32 random bytes, so a fast hash is enough.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const ApiKeyScope = z.enum(['read', 'write', 'admin']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

const KEY_PATTERN = /^sk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  secretSha256: Buffer;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `sk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretSha256: sha256(key) };
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The prefix of a well-formed key, or undefined for anything else. */
export function prefixOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function keyMatches(key: string, storedSha256: Buffer): boolean {
  const candidate = sha256(key);
  return candidate.length === storedSha256.length && timingSafeEqual(candidate, storedSha256);
}
