// The local stack launcher: `up [--infra-only] [--demo]`, `down`, `status`, `migrate`.
// Run through ./dev, which installs npm dependencies on a fresh clone first.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureConsoleBuilt } from '../../services/console/scripts/ensure-console-built';
import { loadDemoData } from './demo-data';
import { runMigrations } from './migrations';
import { runningPid, stopProcess } from './processes';
import { SERVICE_NAMES, serviceProcess, startService } from './services';
import { redact, stackDown, stackStatus, stackUp } from './stack';
import { loadStackSettings, StackSettings } from './stack-settings';

const USAGE = `usage: ./dev <command>
  up [--infra-only] [--demo]   start Postgres, Kafka, Elasticsearch, migrate, start api and indexer
  down                         stop what 'up' started
  status                       show what runs
  migrate                      apply database migrations`;

/** The operator key for local use: OPERATOR_KEY, else one generated once and kept in the cache. */
function localOperatorKey(s: StackSettings): string {
  if (process.env.OPERATOR_KEY) return process.env.OPERATOR_KEY;
  const file = path.join(s.cacheDir, 'operator-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(s.cacheDir, { recursive: true });
    fs.writeFileSync(file, `op_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

async function up(s: StackSettings, flags: Set<string>): Promise<void> {
  const stack = await stackUp(s);
  await runMigrations(stack.databaseUrl);
  console.log('[stack] migrations    applied');
  if (flags.has('--infra-only')) return;
  // The api serves the console's build: a fresh clone, or changed console sources, builds it first.
  ensureConsoleBuilt((line) => console.log(line));
  const apiPort = process.env.API_PORT ?? '8080';
  const indexerPort = process.env.INDEXER_HTTP_PORT ?? '8081';
  const operatorKey = localOperatorKey(s);
  const env = {
    DATABASE_URL: stack.databaseUrl,
    KAFKA_BROKERS: stack.kafkaBrokers,
    ELASTICSEARCH_URL: stack.elasticsearchUrl,
    OPERATOR_KEY: operatorKey,
    API_PORT: apiPort,
    INDEXER_HTTP_PORT: indexerPort,
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // The indexer creates the index and topics; the api then finds them.
  const indexer = await startService(s, 'indexer', env, `http://127.0.0.1:${indexerPort}/readyz`);
  console.log(`[stack] indexer       ${indexer.padEnd(8)} http://127.0.0.1:${indexerPort}`);
  const api = await startService(s, 'api', env, `${apiUrl}/readyz`);
  console.log(`[stack] api           ${api.padEnd(8)} ${apiUrl}`);
  if (flags.has('--demo')) {
    const demo = await loadDemoData(apiUrl, operatorKey);
    console.log(`[demo]  workspace ${demo.workspaceId} with 300 contacts; API key: ${demo.apiKey}`);
  }
  console.log(`\nConsole: ${apiUrl}/console   (sign in with an API key${flags.has('--demo') ? ', such as the demo key above' : ''})`);
  console.log(`Segmenter API: ${apiUrl}   (operator key in ${path.join(s.cacheDir, 'operator-key')}; logs in ${s.logDir})`);
  console.log(`Database: ${redact(stack.databaseUrl)}   Stop everything with: ./dev down`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const flags = new Set(rest);
  const s = loadStackSettings();
  switch (command ?? '') {
    case 'up':
      return up(s, flags);
    case 'down':
      for (const name of SERVICE_NAMES) {
        const stopped = await stopProcess(serviceProcess(s, name));
        console.log(`[stack] ${name.padEnd(13)} ${stopped ? 'stopped' : 'not running'}`);
      }
      return stackDown(s);
    case 'status': {
      const infra = await stackStatus(s);
      for (const [name, st] of Object.entries(infra)) {
        console.log(
          `${name.padEnd(14)} ${st.healthy ? 'healthy' : 'down   '} ${st.pid ? `pid ${st.pid} (launcher)` : st.healthy ? '(not started by the launcher)' : ''}`,
        );
      }
      for (const name of SERVICE_NAMES) {
        const pid = runningPid(serviceProcess(s, name));
        console.log(`${name.padEnd(14)} ${pid ? `running pid ${pid}` : 'not running'}`);
      }
      return;
    }
    case 'migrate': {
      const stack = await stackUp(s);
      await runMigrations(stack.databaseUrl);
      console.log('[stack] migrations applied');
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main().catch((err) => {
  console.error(`\n${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
