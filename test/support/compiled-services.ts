// The api and indexer as they run in production: `node dist/main.js` in a production tree (the
// compiled output and `npm ci --omit=dev`, staged by `./dev build --production DIR`), configured
// like a test's Config, so the end-to-end suite can run against the build as well as the sources.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Config } from '@segmenter/shared';
import { environmentOf } from './indexer-process';
import { eventually } from './test-environment';

/** Where .ci/run staged the production tree; unset in a developer's run, which skips the compiled suite. */
export const PRODUCTION_DIR_VARIABLE = 'SEGMENTER_PRODUCTION_DIR';

export function productionDir(): string | undefined {
  return process.env[PRODUCTION_DIR_VARIABLE] || undefined;
}

export interface CompiledService {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now; the service binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startCompiledService(dir: string, name: 'api' | 'indexer', config: Config): Promise<CompiledService> {
  const entry = path.join(dir, 'services', name, 'dist', 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist: stage the production tree with ./dev build --production ${dir}`);
  const port = String(await freePort());
  const output: string[] = [];
  // Only what the process needs: no NODE_OPTIONS or NODE_PATH from the test run that could lend it
  // a loader (tsx) or a module directory (the repository's dev dependencies) it must not have.
  const { NODE_OPTIONS: _options, NODE_PATH: _path, ...inherited } = process.env;
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, ...environmentOf(config), NODE_ENV: 'production', LOG_LEVEL: 'warn', [name === 'api' ? 'API_PORT' : 'INDEXER_HTTP_PORT']: port },
  });
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = exitOf(child);
  const url = `http://127.0.0.1:${port}`;
  const answersReady = async () => {
    if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
    return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.ok,
      () => false,
    );
  };
  try {
    await eventually(answersReady, Boolean, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`compiled ${name} did not get ready: ${(err as Error).message}\n${output.join('').slice(-4000)}`, { cause: err });
  }
  return {
    url,
    async stop() {
      // SIGTERM, as an orchestrator stops it: the graceful shutdown must work in the build too.
      child.kill('SIGTERM');
      await exited;
      if (child.exitCode !== 0) throw new Error(`compiled ${name} stopped with ${child.exitCode ?? child.signalCode}:\n${output.join('').slice(-4000)}`);
    },
  };
}
