// What one run of `npm run bench` stands on: a test environment of its own (database cloned from
// the migrated template, topic and index prefixes, dropped at the end), the api and the indexer as
// child processes watched by a ProcessMonitor, and the two workspaces the data goes into.
import fs from 'node:fs';
import path from 'node:path';
import { createTestEnvironment, TestEnvironment } from '../test/support/test-environment';
import { ensureTestTopics } from '../test/support/kafka-helpers';
import type { BenchContext } from './bench-context';
import { call } from './bench-api';
import { CUSTOM_FIELDS, planWorkspace, WorkspacePlan } from './bench-data';
import { ProcessMonitor, ServiceProcess, startApiProcess, startIndexerProcess } from './bench-processes';

export interface BenchOptions {
  contacts: number;
  smoke: boolean;
  seed: number;
  /** Sections not to run, by name. */
  skip: Set<string>;
  /** Where the generated files go (.cache/bench/data). */
  dataDir: string;
  /** Where the services' logs go. */
  logDir: string;
}

export interface Harness extends BenchContext {
  options: BenchOptions;
  env: TestEnvironment;
  operatorKey: string;
  api: ServiceProcess;
  indexer: ServiceProcess;
  monitor: ProcessMonitor;
  plans: { large: WorkspacePlan; small: WorkspacePlan };
}

const log = (line: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Starts the environment and the services and creates the workspaces (with the custom fields the files use). */
export async function startHarness(options: BenchOptions): Promise<Harness> {
  fs.mkdirSync(options.logDir, { recursive: true });
  // The services' own defaults, except budgets far above the run's needs: the bench measures the
  // requests, not the rate limits (the load sections send thousands a second).
  const env = await createTestEnvironment({ LOG_LEVEL: 'error' });
  const started: ServiceProcess[] = [];
  try {
    await ensureTestTopics(env.config, env.log);
    const apiLog = path.join(options.logDir, `api-${env.id}.log`);
    const api = await startApiProcess(env.config, { RATE_LIMIT_REQUESTS: '100000000', SEARCH_COST_BUDGET: '1000000000' }, apiLog);
    started.push(api);
    const indexer = await startIndexerProcess(env.config);
    started.push(indexer);
    const monitor = new ProcessMonitor([api, indexer]);
    monitor.start();
    log(`api pid ${api.pid} at ${api.url} (log: ${path.relative(process.cwd(), apiLog)}), indexer pid ${indexer.pid}`);

    const operatorKey = env.config.api.operatorKey!;
    const newWorkspace = async (name: string) => {
      const created = await call(api.url!, 'POST', '/v1/admin/workspaces', { operatorKey }, { name });
      const workspace = { id: created.workspace.id as string, apiKey: created.apiKey.key as string };
      for (const field of CUSTOM_FIELDS) await call(api.url!, 'POST', '/v1/custom-fields', workspace, field);
      return workspace;
    };
    const now = Date.now() - 5 * 60_000; // a little behind the clock: no generated date is in the future
    const plans = {
      large: planWorkspace('large', options.contacts, options.seed, now, [100, 200]),
      // The small workspace takes the background writes of the load sections.
      small: planWorkspace('small', Math.max(2000, Math.round(options.contacts / 50)), options.seed, now, [50, 80]),
    };
    return {
      options,
      env,
      operatorKey,
      api,
      indexer,
      monitor,
      plans,
      apiUrl: api.url!,
      apiPid: api.pid,
      workspace: await newWorkspace('bench-large'),
      otherWorkspace: await newWorkspace('bench-small'),
      contacts: options.contacts,
      suite: [],
      pool: env.pool,
      es: env.es,
      alias: env.config.elasticsearch.contactsAlias,
      smoke: options.smoke,
      log,
    };
  } catch (err) {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    await env.cleanup().catch(() => undefined);
    throw err;
  }
}

/** Stops the services, then drops the database, the topics and the indices. */
export async function stopHarness(h: Harness): Promise<void> {
  h.monitor.stop();
  await h.indexer.stop().catch((err) => h.log(`indexer stop: ${(err as Error).message}`));
  await h.api.stop().catch((err) => h.log(`api stop: ${(err as Error).message}`));
  await h.env.cleanup();
}
