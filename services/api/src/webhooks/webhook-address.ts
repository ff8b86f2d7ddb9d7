// Which IP addresses a webhook may connect to: public ones, and loopback only where allowed
// (WEBHOOK_ALLOW_LOOPBACK). Checked on the address actually connected to, so a name that resolves
// to an internal address (or starts to, between registration and delivery) reaches nothing inside.
import { BlockList, isIP } from 'node:net';

/** Address ranges a webhook never reaches, by why; IPv4-mapped IPv6 forms (::ffff:10.0.0.1) match their IPv4 range. */
const NEVER: { range: string; prefix: number; family: 'ipv4' | 'ipv6'; kind: string }[] = [
  { range: '0.0.0.0', prefix: 8, family: 'ipv4', kind: 'this network (0.0.0.0/8)' },
  { range: '10.0.0.0', prefix: 8, family: 'ipv4', kind: 'private (10.0.0.0/8)' },
  { range: '100.64.0.0', prefix: 10, family: 'ipv4', kind: 'shared (100.64.0.0/10)' },
  { range: '169.254.0.0', prefix: 16, family: 'ipv4', kind: 'link-local (169.254.0.0/16)' },
  { range: '172.16.0.0', prefix: 12, family: 'ipv4', kind: 'private (172.16.0.0/12)' },
  { range: '192.168.0.0', prefix: 16, family: 'ipv4', kind: 'private (192.168.0.0/16)' },
  { range: '224.0.0.0', prefix: 4, family: 'ipv4', kind: 'multicast (224.0.0.0/4)' },
  { range: '240.0.0.0', prefix: 4, family: 'ipv4', kind: 'reserved (240.0.0.0/4)' },
  { range: '::', prefix: 128, family: 'ipv6', kind: 'unspecified (::)' },
  { range: 'fc00::', prefix: 7, family: 'ipv6', kind: 'unique local (fc00::/7)' },
  { range: 'fe80::', prefix: 10, family: 'ipv6', kind: 'link-local (fe80::/10)' },
  { range: 'ff00::', prefix: 8, family: 'ipv6', kind: 'multicast (ff00::/8)' },
];
const LOOPBACK = [
  { range: '127.0.0.0', prefix: 8, family: 'ipv4' as const },
  { range: '::1', prefix: 128, family: 'ipv6' as const },
];

function blockListOf(ranges: { range: string; prefix: number; family: 'ipv4' | 'ipv6' }[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.range, r.prefix, r.family);
  return list;
}
const never = NEVER.map((r) => ({ kind: r.kind, list: blockListOf([r]) }));
const loopback = blockListOf(LOOPBACK);

const familyOf = (address: string): 'ipv4' | 'ipv6' | undefined => ({ 4: 'ipv4' as const, 6: 'ipv6' as const })[isIP(address) as 4 | 6];

export function isLoopbackAddress(address: string): boolean {
  const family = familyOf(address);
  return family !== undefined && loopback.check(address, family);
}

/** Why a webhook may not connect to `address` (an IP literal, no brackets); undefined when it may. */
export function addressProblem(address: string, allowLoopback: boolean): string | undefined {
  const family = familyOf(address);
  if (!family) return 'not an IP address';
  if (loopback.check(address, family)) return allowLoopback ? undefined : 'loopback (127.0.0.0/8, ::1)';
  return never.find((r) => r.list.check(address, family))?.kind;
}
