import { clientGroup } from './rate-limits';

test.each([
  ['an IPv4 address is its own group', '10.0.0.1', '10.0.0.1'],
  ['an IPv4-mapped IPv6 address is the IPv4 address', '::ffff:10.0.0.1', '10.0.0.1'],
  ['an IPv6 address groups by its /64', '2001:db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8:85a3:0::/64'],
  ['compressed forms of one /64 are one group', '2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:0::/64'],
  ['another host in that /64 is the same group', '2001:db8:85a3:0:ffff::1', '2001:db8:85a3:0::/64'],
  ['a short compressed address', '2001:db8::1', '2001:db8:0:0::/64'],
  ['loopback', '::1', '0:0:0:0::/64'],
  ['a zone index is dropped', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
])('%s', (_what, address, group) => {
  expect(clientGroup(address)).toBe(group);
});
