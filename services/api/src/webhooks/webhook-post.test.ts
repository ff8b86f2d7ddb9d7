// The poster against real sockets on 127.0.0.1: what each kind of receiver and address comes to,
// and that the address checked is the one connected to (names get addresses from an injected resolver).
import type { lookup as dnsLookup } from 'node:dns';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTEMPT_ERRORS, attemptErrorOf, createWebhookPoster, WebhookPoster, WebhookRequest } from './webhook-post';

let server: Server;
let port: number;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/silent') return; // never answers
    if (req.url === '/moved') return void res.writeHead(302, { location: 'http://127.0.0.1/elsewhere' }).end();
    if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(1024 * 1024));
    res.statusCode = req.url === '/fail' ? 503 : 204;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A resolver that answers `names` and fails every other name as DNS does. */
function resolverOf(names: Record<string, string[]>): typeof dnsLookup {
  return ((hostname: string, _options: unknown, callback: (err: Error | null, addresses: { address: string; family: number }[]) => void) => {
    const addresses = names[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dnsLookup;
}

const request = (url: string): WebhookRequest => ({
  url,
  secret: 'whsec_test',
  body: '{}',
  eventType: 'segment.entered',
  eventKey: 'k',
  deliveryId: 'd',
  webhookId: 'w',
  attempt: 1,
});

const posters: WebhookPoster[] = [];
function poster(allowLoopback: boolean, names: Record<string, string[]> = {}, timeoutMs = 2000) {
  const created = createWebhookPoster({ timeoutMs, allowLoopback, resolve: resolverOf(names) });
  posters.push(created);
  return created;
}
afterAll(() => posters.forEach((p) => p.close()));

describe('an attempt', () => {
  test('a 2xx is delivered; another status is a failure naming it; a redirect is not followed', async () => {
    const p = poster(true);
    expect(await p.post(request(`http://127.0.0.1:${port}/ok`))).toEqual({ ok: true, status: 204 });
    expect(await p.post(request(`http://127.0.0.1:${port}/fail`))).toEqual({ ok: false, status: 503, error: 'HTTP 503' });
    expect(await p.post(request(`http://127.0.0.1:${port}/moved`))).toEqual({ ok: false, status: 302, error: 'HTTP 302: redirects are not followed' });
    expect(hits).not.toContain('/elsewhere');
    expect(await p.post(request(`http://127.0.0.1:${port}/big`))).toEqual({ ok: true, status: 200 });
  });

  test('network failures come to coarse reasons, never the error text', async () => {
    const p = poster(true, { 'receiver.test': ['127.0.0.1'] }, 300);
    expect(await p.post(request(`http://127.0.0.1:${port}/silent`))).toEqual({ ok: false, status: null, error: 'timeout' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await p.post(request(`http://127.0.0.1:${closedPort}/`))).toEqual({ ok: false, status: null, error: 'connection refused' });
    expect(await p.post(request('https://unknown.test/'))).toEqual({ ok: false, status: null, error: 'DNS failure' });
    // TLS spoken to a plain HTTP server.
    expect(await p.post(request(`https://receiver.test:${port}/ok`))).toEqual({ ok: false, status: null, error: 'TLS error' });
  });

  test.each([
    ['a name resolving to a private address', 'https://inside.test/hook', { 'inside.test': ['10.0.0.7'] }],
    ['a name resolving to link-local (cloud metadata)', 'https://meta.test/', { 'meta.test': ['169.254.169.254'] }],
    ['a name with one public and one private address', 'https://mixed.test/', { 'mixed.test': ['93.184.216.34', '192.168.1.1'] }],
    ['a name resolving to an IPv4-mapped private address', 'https://mapped.test/', { 'mapped.test': ['::ffff:10.0.0.1'] }],
    ['a name resolving to a unique local IPv6 address', 'https://ula.test/', { 'ula.test': ['fd00::1'] }],
    ['an internal literal (registered before the rule, say)', 'https://10.1.2.3/', {}],
  ])('%s is refused before connecting', async (_name, url, names) => {
    expect(await poster(true, names).post(request(url))).toEqual({ ok: false, status: null, error: 'address not allowed' });
  });

  test('loopback, by address or by a name resolving to it, is reached only where allowed', async () => {
    const names = { 'receiver.test': ['127.0.0.1'], localhost: ['127.0.0.1'] };
    const before = hits.length;
    for (const url of [
      `http://127.0.0.1:${port}/ok`,
      `http://receiver.test:${port}/ok`,
      `http://localhost:${port}/ok`,
      `http://[::ffff:127.0.0.1]:${port}/ok`,
    ]) {
      expect([url, await poster(false, names).post(request(url))]).toEqual([url, { ok: false, status: null, error: 'address not allowed' }]);
    }
    expect(hits.length).toBe(before); // nothing reached the receiver
    expect(await poster(true, names).post(request(`http://receiver.test:${port}/ok`))).toEqual({ ok: true, status: 204 });
    expect(await poster(true, names).post(request(`http://localhost:${port}/ok`))).toEqual({ ok: true, status: 204 });
  });
});

describe('attemptErrorOf', () => {
  test.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443' }, 'connection refused'],
    [{ code: 'ENOTFOUND' }, 'DNS failure'],
    [{ code: 'EAI_AGAIN' }, 'DNS failure'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'TLS error'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'TLS error'],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'TLS error'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'TLS error'],
    [{ code: 'EPROTO' }, 'TLS error'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'connection failed'],
    [new Error('something internal at 10.0.0.1'), 'connection failed'],
  ])('%j → %s', (err, reason) => {
    expect(attemptErrorOf(err)).toBe(reason);
    expect(Object.values(ATTEMPT_ERRORS)).toContain(reason);
  });
});
