// The api and indexer as background processes of `./dev up`, with pid files and logs beside the
// stack's, so `./dev down` stops them first (they finish in-flight work on SIGTERM).
import path from 'node:path';
import { ManagedProcess, managedProcess, runningPid, startDetached, waitUntilReady } from './processes';
import type { StackSettings } from './stack-settings';

export interface ServiceEnvironment {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  ELASTICSEARCH_URL: string;
  OPERATOR_KEY: string;
  API_PORT: string;
  INDEXER_HTTP_PORT: string;
}

export const SERVICE_NAMES = ['api', 'indexer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function serviceProcess(s: StackSettings, name: ServiceName): ManagedProcess {
  return managedProcess(s.runDir, s.logDir, name, `services/${name}/src/main.ts`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export async function startService(s: StackSettings, name: ServiceName, env: ServiceEnvironment, readyUrl: string): Promise<'started' | 'running'> {
  const proc = serviceProcess(s, name);
  if (runningPid(proc) !== undefined) {
    await waitUntilReady(proc, () => answers(readyUrl), 60_000);
    return 'running';
  }
  startDetached(proc, {
    // `--import tsx` runs the TypeScript sources in this one process, so SIGTERM reaches our
    // shutdown handler directly rather than a wrapper.
    command: process.execPath,
    args: ['--import', 'tsx', `services/${name}/src/main.ts`],
    cwd: s.repoRoot,
    env: { ...process.env, ...env, NODE_ENV: process.env.NODE_ENV ?? 'development' },
  });
  await waitUntilReady(proc, () => answers(readyUrl), 60_000);
  return 'started';
}

export const serviceLogFile = (s: StackSettings, name: ServiceName) => path.join(s.logDir, `${name}.log`);
