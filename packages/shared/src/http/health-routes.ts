// /healthz (the process is alive) and /readyz (its dependencies answer), shared by both services.
import type { Request, Response } from 'express';

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
