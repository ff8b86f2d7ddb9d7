// A stand-in for an Elasticsearch node with security on: the integ-test-zip distribution the
// stack runs has no security plugin, so this puts TLS (a CA made at test time with openssl) and
// Basic/ApiKey authentication in front of the real node. It checks what x-pack would check at the
// door (the certificate chain and the credentials), not roles or privileges.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface SecuredElasticsearchProxy {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The PEM of the CA that signed the proxy's certificate. */
  caFile: string;
  username: string;
  password: string;
  /** What Elasticsearch's create-API-key answer calls `encoded`: base64 of "id:key". */
  apiKey: string;
  /** Requests that reached the node (authenticated), by the scheme they used. */
  forwarded: { basic: number; apiKey: number };
  stop(): Promise<void>;
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it, in `dir`. */
function makeCertificates(dir: string): { caFile: string; keyFile: string; certFile: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=segmenter test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('node.key'), '-out', file('node.csr'));
  writeFileSync(
    file('node.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('node.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('node.ext'),
    '-out',
    file('node.pem'),
  );
  return { caFile: file('ca.pem'), keyFile: file('node.key'), certFile: file('node.pem') };
}

/** Starts the proxy in front of `upstreamUrl` (the stack's plain-HTTP node). */
export async function startSecuredElasticsearchProxy(upstreamUrl: string): Promise<SecuredElasticsearchProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'secured-es-'));
  const { caFile, keyFile, certFile } = makeCertificates(dir);
  const username = 'segmenter_service';
  const password = randomBytes(12).toString('hex');
  const apiKey = Buffer.from(`key-${randomBytes(4).toString('hex')}:${randomBytes(16).toString('hex')}`).toString('base64');
  const forwarded = { basic: 0, apiKey: 0 };
  const upstream = new URL(upstreamUrl);

  const schemeOf = (authorization: string | undefined): keyof typeof forwarded | undefined => {
    if (authorization === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`) return 'basic';
    if (authorization === `ApiKey ${apiKey}`) return 'apiKey';
    return undefined;
  };

  const server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    const scheme = schemeOf(req.headers.authorization);
    if (!scheme) {
      // What a secured node answers to missing or wrong credentials.
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' });
      res.end(
        JSON.stringify({ error: { type: 'security_exception', reason: 'unable to authenticate user [segmenter_service] for REST request' }, status: 401 }),
      );
      return;
    }
    forwarded[scheme]++;
    const { authorization: _dropped, ...headers } = req.headers;
    const out = http.request(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    username,
    password,
    apiKey,
    forwarded,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
