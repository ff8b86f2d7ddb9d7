// /healthz (the process is alive) and /readyz (its dependencies answer), shared by both services,
// and the one way both start listening.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Request, Response } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

export function healthzHandler(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

export function readyzHandler(checks: Record<string, ReadinessCheck>) {
  return async (_req: Request, res: Response): Promise<void> => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((n) => checks[n]!().catch(() => false)));
    const status = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'up' : 'down']));
    const ready = results.every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: status });
  };
}

/** Starts listening and resolves with the server and its URL (port 0 resolves to the real port). */
export function listenHttp(app: Express, port: number, host: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      resolve({ server, url: `http://${host}:${(server.address() as AddressInfo).port}` });
    });
    // Node ends any request still running after 5 minutes; a CSV import of a few GB streams for
    // longer. An hour bounds it still (headers keep their own, shorter, timeout).
    server.requestTimeout = 60 * 60_000;
    server.once('error', reject);
  });
}
