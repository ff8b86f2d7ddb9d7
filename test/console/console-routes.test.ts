// How the api serves the console's build at /console: hashed assets cached for a year, index.html
// never cached and answered for every client route, a CSP of 'self' only, a missing asset a 404
// and a missing build a 503 problem saying how to build it. A fake build in a temporary folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import { createLogger } from '@segmenter/shared';
import { consoleRoutes, DEFAULT_CONSOLE_DIR } from '../../services/api/src/console/console-routes';
import { errorHandler, notFoundHandler } from '../../services/api/src/http/error-handler';

let dir: string;
let server: Server;
let base: string;

async function serve(consoleDir: string): Promise<void> {
  const app = express();
  app.use('/console', consoleRoutes(consoleDir));
  app.use(notFoundHandler);
  app.use(errorHandler(createLogger('test', 'silent'), '1mb'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
});
afterEach(async () => {
  await new Promise((done) => server?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('with a build', () => {
  beforeEach(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/index-abc123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("hi")');
    await serve(dir);
  });

  test.each(['/console', '/console/', '/console/contacts', '/console/contacts/0b6f8f44-1d7e-4a0e-9d4f-6a4b5f4d2b11', '/console/sign-in?x=1'])(
    '%s answers index.html, not cached, with a CSP allowing only the console itself',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    },
  );

  test('a hashed asset is served with a year-long immutable cache', async () => {
    const res = await fetch(`${base}/console/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  test('a missing asset is a 404 problem, not index.html', async () => {
    const res = await fetch(`${base}/console/assets/index-old999.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

test('without a build, /console answers a 503 problem saying to build the console', async () => {
  await serve(join(dir, 'missing'));
  const res = await fetch(`${base}/console/contacts`);
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { detail: string };
  expect(problem).toMatchObject({ status: 503, title: 'Console not built', errors: [] });
  expect(problem.detail).toContain('npm run build -w services/console');
});

test('by default the api finds the console build beside its own folder, in the sources and the compiled tree alike', () => {
  expect(DEFAULT_CONSOLE_DIR).toBe(resolve(__dirname, '..', '..', 'services', 'console', 'dist'));
});
