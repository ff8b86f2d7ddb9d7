import { isLoopbackHost, loopbackUrlProblem, webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  test.each([
    ['https://hooks.example.com/segmenter', undefined],
    ['https://93.184.216.34:8443/in', undefined],
    ['https://10.0.0.5:8443/in', 'must not be an internal address: private (10.0.0.0/8)'],
    ['https://192.168.1.1/in', 'must not be an internal address: private (192.168.0.0/16)'],
    ['https://172.31.255.255/in', 'must not be an internal address: private (172.16.0.0/12)'],
    ['https://169.254.169.254/latest/meta-data', 'must not be an internal address: link-local (169.254.0.0/16)'],
    ['https://0.0.0.0/in', 'must not be an internal address: this network (0.0.0.0/8)'],
    ['https://0/in', 'must not be an internal address: this network (0.0.0.0/8)'], // URL reads it as 0.0.0.0
    ['https://[fd12::1]/in', 'must not be an internal address: unique local (fc00::/7)'],
    ['https://[fe80::1]/in', 'must not be an internal address: link-local (fe80::/10)'],
    ['https://[::ffff:10.0.0.1]/in', 'must not be an internal address: private (10.0.0.0/8)'],
    ['https://239.1.2.3/in', 'must not be an internal address: multicast (224.0.0.0/4)'],
    ['https://0x7f.1/hook', undefined], // 127.0.0.1 in another spelling: loopback, left to WEBHOOK_ALLOW_LOOPBACK
    ['http://api.localhost/hook', 'must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)'],
    ['http://127.0.0.1:4000/hook', undefined],
    ['http://127.9.8.7/hook', undefined],
    ['http://localhost:3000/hook', undefined],
    ['http://[::1]:3000/hook', undefined],
    ['http://hooks.example.com/segmenter', 'must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)'],
    ['http://128.0.0.1/hook', 'must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)'],
    ['http://127.0.0.1.example.com/hook', 'must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)'],
    ['ftp://hooks.example.com/x', 'must use https (http only on a loopback host: 127.0.0.0/8, ::1, localhost)'],
    ['not a url', 'must be an absolute URL (https://host/path)'],
    ['/relative/path', 'must be an absolute URL (https://host/path)'],
    ['https://user:pw@hooks.example.com/', 'must not contain a user name or password (verify the signature instead)'],
    ['https://hooks.example.com/#frag', 'must not contain a fragment (#...)'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, 'must be at most 2048 characters'],
  ])('%s', (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });
});

describe('isLoopbackHost', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', false], // only the name localhost itself
    ['[::ffff:127.0.0.1]', true],
    ['[::1]', true],
    ['[::ffff:7f00:1]', true], // ::ffff:127.0.0.1 as URL prints it
    ['[::ffff:a00:1]', false], // ::ffff:10.0.0.1
    ['[::2]', false],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('loopbackUrlProblem', () => {
  test.each([
    ['http://127.0.0.1:4000/hook', true, undefined],
    ['http://127.0.0.1:4000/hook', false, 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off'],
    ['https://0x7f.1/hook', false, 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off'],
    ['http://localhost/hook', false, 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off'],
    ['http://[::1]/hook', false, 'must not be a loopback host (127.0.0.0/8, ::1, localhost): WEBHOOK_ALLOW_LOOPBACK is off'],
    ['https://hooks.example.com/x', false, undefined],
    // A name that resolves to loopback is refused when connecting (webhook-post.ts), not here.
    ['https://api.localhost/hook', false, undefined],
  ])('%s (loopback allowed: %s)', (url, allowed, problem) => {
    expect(loopbackUrlProblem(url, allowed)).toBe(problem);
  });
});
