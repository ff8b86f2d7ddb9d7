// Elasticsearch and Postgres both refuse to run as root. When the launcher is root, they run as
// an unprivileged system user created on first use, in a directory that user can reach.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** The user to run servers as: undefined (ourselves) unless we are root. */
export function serviceUser(name: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number.parseInt(
      execFileSync('id', [flag, name], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
      10,
    );
  try {
    return { uid: id('-u'), gid: id('-g'), name };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    return { uid: id('-u'), gid: id('-g'), name };
  }
}

function reachableBy(user: RunAs, dir: string): boolean {
  try {
    execFileSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'test', '-x', dir], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a server's files live: the cache folder, unless the service user cannot traverse it
 * (a clone under a 0700 temp directory), in which case a per-user folder under the system temp dir.
 */
export function serverRoot(cacheDir: string, runAs: RunAs | undefined): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  if (!runAs || reachableBy(runAs, cacheDir)) return cacheDir;
  return path.join(os.tmpdir(), `segmenter-${runAs.name}`);
}

/**
 * `dir` itself when the service user can reach it, else a copy of it under `root` (made once):
 * binaries inside a clone under /root are out of that user's reach.
 */
export function reachableDir(dir: string, root: string, runAs: RunAs | undefined): string {
  if (!runAs || reachableBy(runAs, dir)) return dir;
  const copy = path.join(root, path.basename(dir));
  if (!fs.existsSync(copy)) {
    fs.mkdirSync(root, { recursive: true });
    fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    chownTree(copy, runAs);
  }
  return copy;
}

export function chownTree(dirs: string | string[], runAs: RunAs | undefined): void {
  const paths = typeof dirs === 'string' ? [dirs] : dirs;
  if (runAs && paths.length > 0) execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, ...paths]);
}
