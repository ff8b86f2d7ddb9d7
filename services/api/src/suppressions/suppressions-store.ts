// SQL for the suppression list: per workspace and channel, the addresses that must not be messaged,
// found by their keyed hash (suppression-hash.ts). Every statement is scoped by workspace id.
import { type Queryable, STATUS_STRICTNESS, StatusChannel } from '@segmenter/shared';
import { microsecondIso, timeAndIdCursorKey } from '../http/list-keys';
import { ListPage, listPage } from '../http/list-page';
import { addressHash, normaliseAddress } from './suppression-hash';
import { isSuppressing, strictnessOf } from './status-strictness';

export interface SuppressedAddress {
  channel: StatusChannel;
  address: string;
}

export interface SuppressionInput extends SuppressedAddress {
  status: string;
  reason: string | null;
  contactId: string | null;
}

export interface Suppression {
  id: string;
  channel: StatusChannel;
  /** null once the contact it came from was erased: only the hash is kept. */
  address: string | null;
  status: string;
  reason: string | null;
  contactId: string | null;
  suppressedAt: string;
  erasedAt: string | null;
}

/** A suppression with what became of the contact it was kept from, for the status history of a contact that gets it back. */
export interface FoundSuppression extends Suppression {
  origin: 'live contact' | 'deleted contact' | 'erased contact' | 'list';
}

const addressKey = (a: SuppressedAddress) => `${a.channel}:${normaliseAddress(a.channel, a.address)}`;

/**
 * Keys known to be committed, by workspace: a key never changes once committed, so every write
 * after the first reads it from here instead of two statements. 32 bytes per workspace.
 */
const committedKeys = new Map<string, Buffer>();

/** The workspace's HMAC key, created on first use (in the caller's transaction: a rollback takes it back with the hashes made with it). */
async function suppressionKey(client: Queryable, workspaceId: string): Promise<Buffer> {
  const known = committedKeys.get(workspaceId);
  if (known) return known;
  const inserted = await client.query('insert into suppression_keys (workspace_id) values ($1) on conflict do nothing', [workspaceId]);
  const { rows } = await client.query('select key from suppression_keys where workspace_id = $1', [workspaceId]);
  // Cached only when the row was already there: ON CONFLICT waits for a concurrent insert to end,
  // so a conflict means a committed key; one this transaction inserted may still roll back.
  if (inserted.rowCount === 0) committedKeys.set(workspaceId, rows[0].key);
  return rows[0].key;
}

/** The distinct addresses with their hashes, in a stable order. */
async function hashed<T extends SuppressedAddress>(client: Queryable, workspaceId: string, items: T[]): Promise<(T & { hash: Buffer; normalised: string })[]> {
  if (items.length === 0) return [];
  const key = await suppressionKey(client, workspaceId);
  return items.map((item) => ({ ...item, normalised: normaliseAddress(item.channel, item.address), hash: addressHash(key, item.channel, item.address) }));
}

function toSuppression(r: Record<string, any>): Suppression {
  return {
    id: r.id,
    channel: r.channel,
    address: r.address,
    status: r.status,
    reason: r.reason,
    contactId: r.contact_id,
    suppressedAt: r.suppressed_at.toISOString(),
    erasedAt: r.erased_at?.toISOString() ?? null,
  };
}

/** The entries of these addresses, keyed by "channel:normalised address". */
export async function findSuppressions(client: Queryable, workspaceId: string, addresses: SuppressedAddress[]): Promise<Map<string, FoundSuppression>> {
  const items = await hashed(client, workspaceId, addresses);
  if (items.length === 0) return new Map();
  const { rows } = await client.query(
    `select s.*, encode(s.address_hash, 'hex') as hash_hex, c.id as live_id, c.deleted_at as contact_deleted_at
       from suppressions s left join contacts c on c.workspace_id = s.workspace_id and c.id = s.contact_id
      where s.workspace_id = $1 and (s.channel, s.address_hash) in (select * from unnest($2::text[], $3::bytea[]))`,
    [workspaceId, items.map((i) => i.channel), items.map((i) => i.hash)],
  );
  const byHash = new Map(rows.map((r) => [`${r.channel}:${r.hash_hex}`, r]));
  const found = new Map<string, FoundSuppression>();
  for (const item of items) {
    const r = byHash.get(`${item.channel}:${item.hash.toString('hex')}`);
    if (!r) continue;
    const origin = r.erased_at ? 'erased contact' : !r.live_id ? 'list' : r.contact_deleted_at ? 'deleted contact' : 'live contact';
    found.set(addressKey(item), { ...toSuppression(r), origin });
  }
  return found;
}

/** The suppression of one address, if any (the key `findSuppressions` answers by). */
export const suppressionOf = (found: Map<string, FoundSuppression>, address: SuppressedAddress) => found.get(addressKey(address));

/**
 * Puts addresses on the list. `stricter`: an existing entry changes only to a stricter status (a
 * delete, an activity, a write that carried the status over). `replace`: the entry takes the new
 * status, as an explicit status change on a live contact does. An erased entry keeps no address.
 */
export async function recordSuppressions(client: Queryable, workspaceId: string, inputs: SuppressionInput[], mode: 'stricter' | 'replace'): Promise<void> {
  // One row per address (the strictest wins within the call): ON CONFLICT cannot touch a row twice.
  const unique = new Map<string, SuppressionInput>();
  for (const input of inputs.filter((i) => isSuppressing(i.channel, i.status))) {
    const key = addressKey(input);
    const seen = unique.get(key);
    if (!seen || strictnessOf(input.channel, input.status) > strictnessOf(seen.channel, seen.status)) unique.set(key, input);
  }
  // In hash order, so two writers upserting overlapping addresses lock the entries in the same order (no deadlock).
  const items = (await hashed(client, workspaceId, [...unique.values()])).sort((a, b) => a.channel.localeCompare(b.channel) || Buffer.compare(a.hash, b.hash));
  if (items.length === 0) return;
  const rank = (column: string) => `array_position(case ${column}.channel when 'email' then $8::text[] else $9::text[] end, ${column}.status)`;
  const guard = mode === 'replace' ? 'suppressions.status is distinct from excluded.status' : `${rank('excluded')} > ${rank('suppressions')}`;
  await client.query(
    `insert into suppressions (workspace_id, channel, address_hash, address, status, reason, contact_id)
     select $1, ch, h, a, s, r, c from unnest($2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::uuid[]) as x(ch, h, a, s, r, c)
     on conflict (workspace_id, channel, address_hash) do update
       set status = excluded.status, reason = excluded.reason, contact_id = excluded.contact_id, suppressed_at = now()
     where ${guard}`,
    [
      workspaceId,
      items.map((i) => i.channel),
      items.map((i) => i.hash),
      items.map((i) => i.normalised),
      items.map((i) => i.status),
      items.map((i) => i.reason),
      items.map((i) => i.contactId),
      ...(mode === 'stricter' ? [STATUS_STRICTNESS.email, STATUS_STRICTNESS.phone] : []),
    ],
  );
}

/** Takes addresses off the list (an explicit re-subscribe); returns how many entries went. */
export async function liftSuppressions(client: Queryable, workspaceId: string, addresses: SuppressedAddress[]): Promise<number> {
  const items = await hashed(client, workspaceId, addresses);
  if (items.length === 0) return 0;
  const { rowCount } = await client.query(
    'delete from suppressions where workspace_id = $1 and (channel, address_hash) in (select * from unnest($2::text[], $3::bytea[]))',
    [workspaceId, items.map((i) => i.channel), items.map((i) => i.hash)],
  );
  return rowCount ?? 0;
}

/** Erasure: the entries of these addresses keep their hash and status, never the address. */
export async function forgetSuppressedAddresses(client: Queryable, workspaceId: string, addresses: SuppressedAddress[]): Promise<void> {
  const items = await hashed(client, workspaceId, addresses);
  if (items.length === 0) return;
  await client.query(
    `update suppressions set address = null, erased_at = coalesce(erased_at, now())
      where workspace_id = $1 and (channel, address_hash) in (select * from unnest($2::text[], $3::bytea[]))`,
    [workspaceId, items.map((i) => i.channel), items.map((i) => i.hash)],
  );
}

/** The addresses and channel statuses of contacts, as entries for those whose status suppresses. */
export async function suppressionsOfContacts(
  client: Queryable,
  workspaceId: string,
  contactIds: string[],
  reason: (status: string) => string | null,
): Promise<SuppressionInput[]> {
  if (contactIds.length === 0) return [];
  const { rows } = await client.query('select id, email, email_status, phone, phone_status from contacts where workspace_id = $1 and id = any($2::uuid[])', [
    workspaceId,
    contactIds,
  ]);
  return rows.flatMap((r) =>
    (
      [
        { channel: 'email', address: r.email, status: r.email_status },
        { channel: 'phone', address: r.phone, status: r.phone_status },
      ] as const
    )
      .filter((e) => e.address && isSuppressing(e.channel, e.status))
      .map((e) => ({ channel: e.channel, address: e.address as string, status: e.status as string, reason: reason(e.status), contactId: r.id as string })),
  );
}

/** The addresses contacts hold on one channel (or both). */
export async function addressesOfContacts(client: Queryable, workspaceId: string, contactIds: string[], channel?: StatusChannel): Promise<SuppressedAddress[]> {
  if (contactIds.length === 0) return [];
  const { rows } = await client.query('select email, phone from contacts where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, contactIds]);
  return rows.flatMap((r) =>
    (['email', 'phone'] as const).filter((c) => (channel === undefined || c === channel) && r[c]).map((c) => ({ channel: c, address: r[c] as string })),
  );
}

export interface SuppressionListOptions {
  limit: number;
  cursor?: string;
  channel?: StatusChannel;
  address?: string;
}

/** The list, newest first, keyset-paged on (suppressed_at, id); `address` looks one up (by hash, so erased entries are found too). */
export async function listSuppressions(client: Queryable, workspaceId: string, o: SuppressionListOptions): Promise<ListPage<Suppression>> {
  const values: unknown[] = [workspaceId];
  const where = ['workspace_id = $1'];
  if (o.channel) {
    values.push(o.channel);
    where.push(`channel = $${values.length}`);
  }
  if (o.address !== undefined) {
    const channels: StatusChannel[] = o.channel ? [o.channel] : ['email', 'phone'];
    const items = await hashed(
      client,
      workspaceId,
      channels.map((channel) => ({ channel, address: o.address! })),
    );
    values.push(
      items.map((i) => i.channel),
      items.map((i) => i.hash),
    );
    where.push(`(channel, address_hash) in (select * from unnest($${values.length - 1}::text[], $${values.length}::bytea[]))`);
  }
  const after = timeAndIdCursorKey(o.cursor, 'suppressions');
  if (after) {
    values.push(after.time, after.id);
    where.push(`(suppressed_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(o.limit + 1);
  const { rows } = await client.query(
    `select *, ${microsecondIso('suppressed_at')} as cursor_at from suppressions
      where ${where.join(' and ')} order by suppressed_at desc, id desc limit $${values.length}`,
    values,
  );
  const page = listPage(rows, o.limit, 'suppressions', (r) => [r.cursor_at, r.id]);
  return { items: page.items.map(toSuppression), nextCursor: page.nextCursor };
}

/** Lifts one entry by id; undefined when the workspace has no such entry. */
export async function deleteSuppression(client: Queryable, workspaceId: string, id: string): Promise<Suppression | undefined> {
  const { rows } = await client.query('delete from suppressions where workspace_id = $1 and id = $2 returning *', [workspaceId, id]);
  return rows[0] ? toSuppression(rows[0]) : undefined;
}
