// Builds the console (vite build) when its dist/ is missing or older than its sources, so a fresh
// clone's `./dev up` and `./dev test` serve a console that matches the code. Run directly or imported.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CONSOLE = join(__dirname, '..');
const BUILT = join(CONSOLE, 'dist', 'index.html');
// The shared package's sources are bundled too (the segment parser and printer), and the lock decides every bundled version.
const SOURCES = ['src', 'index.html', 'vite.config.mjs', 'package.json', '../../packages/shared/src', '../../package-lock.json'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Why the build is stale, or undefined when dist/ is newer than every source. */
export function consoleBuildStaleness(): string | undefined {
  if (!existsSync(BUILT)) return 'not built yet';
  const built = statSync(BUILT).mtimeMs;
  const stale = SOURCES.find((source) => newestChange(join(CONSOLE, source)) > built);
  return stale ? `${stale} changed since the last build` : undefined;
}

/** Builds the console when stale; `log` says why and how long it took. */
export function ensureConsoleBuilt(log: (line: string) => void = console.log): void {
  const why = consoleBuildStaleness();
  if (!why) return;
  const started = Date.now();
  log(`[console] building the console (${why})...`);
  const vite = join(CONSOLE, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: CONSOLE, stdio: 'inherit' });
  log(`[console] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) ensureConsoleBuilt();
