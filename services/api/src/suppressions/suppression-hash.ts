// The keyed hash a suppression is found by. An erased contact's entry keeps only this hash, so a
// contact created again with the address still finds it, while the address itself is gone.
import { createHmac } from 'node:crypto';
import type { StatusChannel } from '@segmenter/shared';

/**
 * The form an address is compared in: emails trimmed and lower-cased (as contacts store them),
 * phones without spaces and punctuation but their leading "+" (E.164, as contacts store them).
 */
export function normaliseAddress(channel: StatusChannel, address: string): string {
  const trimmed = address.trim();
  return channel === 'email' ? trimmed.toLowerCase() : trimmed.replace(/[^\d+]/g, '');
}

/**
 * HMAC-SHA256 of the channel and normalised address under the workspace's own secret key. Keyed
 * rather than a plain SHA-256, because addresses are guessable: without the key (kept in another
 * table, never answered by the API), a leaked list cannot be matched against a list of addresses.
 * Stable per workspace, because a re-created contact must find the same entry every time; one key
 * per workspace, so the same person cannot be linked across workspaces by hash.
 */
export function addressHash(key: Buffer, channel: StatusChannel, address: string): Buffer {
  return createHmac('sha256', key)
    .update(`${channel}:${normaliseAddress(channel, address)}`)
    .digest();
}
