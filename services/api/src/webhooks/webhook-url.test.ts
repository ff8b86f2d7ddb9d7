import { isLoopbackHost, webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  test.each([
    ['https://hooks.example.com/segmenter', undefined],
    ['https://10.0.0.5:8443/in', undefined],
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
    ['api.localhost', true],
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
