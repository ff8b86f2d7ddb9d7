import { addressProblem } from './webhook-address';

describe('addressProblem: where a webhook may connect', () => {
  test.each([
    ['93.184.216.34', undefined],
    ['8.8.8.8', undefined],
    ['2606:4700:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['172.32.0.1', undefined], // just past 172.16.0.0/12
    ['127.0.0.1', 'loopback (127.0.0.0/8, ::1)'],
    ['127.200.1.1', 'loopback (127.0.0.0/8, ::1)'],
    ['::1', 'loopback (127.0.0.0/8, ::1)'],
    ['::ffff:127.0.0.1', 'loopback (127.0.0.0/8, ::1)'],
    ['::ffff:7f00:1', 'loopback (127.0.0.0/8, ::1)'],
    ['0.0.0.0', 'this network (0.0.0.0/8)'],
    ['10.1.2.3', 'private (10.0.0.0/8)'],
    ['172.16.0.1', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.168.0.10', 'private (192.168.0.0/16)'],
    ['169.254.169.254', 'link-local (169.254.0.0/16)'],
    ['100.64.0.1', 'shared (100.64.0.0/10)'],
    ['224.0.0.1', 'multicast (224.0.0.0/4)'],
    ['255.255.255.255', 'reserved (240.0.0.0/4)'],
    ['::', 'unspecified (::)'],
    ['fd00::1', 'unique local (fc00::/7)'],
    ['fc00::1', 'unique local (fc00::/7)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['::ffff:10.0.0.1', 'private (10.0.0.0/8)'],
    ['::ffff:a9fe:a9fe', 'link-local (169.254.0.0/16)'], // ::ffff:169.254.169.254
    ['::ffff:192.168.1.1', 'private (192.168.0.0/16)'],
    ['::ffff:0.0.0.0', 'this network (0.0.0.0/8)'],
    ['hooks.example.com', 'not an IP address'],
  ])('%s', (address, problem) => {
    expect(addressProblem(address, false)).toBe(problem);
  });

  test('loopback is allowed only when asked; the other ranges never are', () => {
    expect(addressProblem('127.0.0.1', true)).toBeUndefined();
    expect(addressProblem('::1', true)).toBeUndefined();
    expect(addressProblem('::ffff:127.0.0.1', true)).toBeUndefined();
    expect(addressProblem('10.0.0.1', true)).toBe('private (10.0.0.0/8)');
    expect(addressProblem('fe80::1', true)).toBe('link-local (fe80::/10)');
  });
});
