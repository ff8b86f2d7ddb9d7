// Applies the schema migrations (services/api/migrations, plain SQL) with node-pg-migrate.
// node-pg-migrate is ESM-only; running its CLI in a child process keeps our CommonJS code and
// jest's module sandbox out of that question.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

export async function runMigrations(databaseUrl: string): Promise<void> {
  const cli = path.join(repoRoot, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');
  try {
    await run(
      process.execPath,
      [
        cli,
        'up',
        '--migrations-dir',
        path.join(repoRoot, 'services', 'api', 'migrations'),
        '--migrations-table',
        'pgmigrations',
        '--check-order',
        '--no-verbose',
      ],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, cwd: repoRoot },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Migrations failed on ${new URL(databaseUrl).pathname}: ${e.stderr || e.stdout || e.message}`, { cause: err });
  }
}
