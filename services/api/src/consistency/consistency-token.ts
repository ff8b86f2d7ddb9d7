// Consistency tokens: what a write hands back so a later count or search can wait until the search index
// shows it. A token names the versions the write produced, per contact: the check is then exact
// ("each of these contacts is searchable at this version or newer") whatever partitions and
// commit order did. Small writes carry the versions in the token itself; larger ones store them as
// a write receipt in Postgres and the token names the receipt. Tokens are not secrets: checking one
// only ever looks inside the caller's own workspace.
import { z } from 'zod';

export const INLINE_TOKEN_LIMIT = 100;
const PREFIX = 'ct1_';

export interface WrittenVersion {
  contactId: string;
  version: number;
}

const hex = (id: string) => id.replace(/-/g, '');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

const TokenBody = z.union([
  z.strictObject({
    w: z.string().regex(/^[0-9a-f]{32}$/),
    c: z.array(z.tuple([z.string().regex(/^[0-9a-f]{32}$/), z.number().int().positive()])).max(INLINE_TOKEN_LIMIT),
  }),
  z.strictObject({ w: z.string().regex(/^[0-9a-f]{32}$/), r: z.uuid() }),
]);

export type ConsistencyToken = { workspaceId: string; versions: WrittenVersion[] } | { workspaceId: string; receiptId: string };

/** Keeps the highest version per contact (a request may write one contact twice). */
export function newestVersions(entries: WrittenVersion[]): WrittenVersion[] {
  const newest = new Map<string, number>();
  for (const { contactId, version } of entries) newest.set(contactId, Math.max(version, newest.get(contactId) ?? 0));
  return [...newest].map(([contactId, version]) => ({ contactId, version })).sort((a, b) => a.contactId.localeCompare(b.contactId));
}

export function encodeToken(token: ConsistencyToken): string {
  const body =
    'receiptId' in token
      ? { w: hex(token.workspaceId), r: token.receiptId }
      : { w: hex(token.workspaceId), c: token.versions.map((v) => [hex(v.contactId), v.version]) };
  return PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Decodes a token, or returns undefined for anything this service did not issue. */
export function decodeToken(text: string): ConsistencyToken | undefined {
  if (!text.startsWith(PREFIX) || text.length > 16_384) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString());
  } catch {
    return undefined;
  }
  const parsed = TokenBody.safeParse(json);
  if (!parsed.success) return undefined;
  const workspaceId = uuidOf(parsed.data.w);
  return 'r' in parsed.data
    ? { workspaceId, receiptId: parsed.data.r }
    : { workspaceId, versions: parsed.data.c.map(([id, version]) => ({ contactId: uuidOf(id), version })) };
}
