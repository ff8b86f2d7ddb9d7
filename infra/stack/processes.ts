// Background processes of the local stack: started detached in their own process group, tracked
// by pid file, stopped only when the pid file still points at the process we started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
  /** A fragment of the command line that identifies our process, so a recycled pid is never killed. */
  marker: string;
}

export function managedProcess(runDir: string, logDir: string, name: string, marker: string): ManagedProcess {
  return { name, pidFile: path.join(runDir, `${name}.pid`), logFile: path.join(logDir, `${name}.log`), marker };
}

function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** The pid of our running process, or undefined when it is not running (a stale pid file is removed). */
export function runningPid(proc: ManagedProcess): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(proc.pidFile, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  const cmd = Number.isInteger(pid) && pid > 0 ? commandLine(pid) : undefined;
  if (cmd?.includes(proc.marker)) return pid;
  fs.rmSync(proc.pidFile, { force: true });
  return undefined;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

export function startDetached(proc: ManagedProcess, options: SpawnOptions): number {
  fs.mkdirSync(path.dirname(proc.pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(proc.logFile), { recursive: true });
  const log = fs.openSync(proc.logFile, 'a');
  fs.writeSync(log, `\n===== ${new Date().toISOString()} starting ${proc.name}: ${options.command} ${options.args.join(' ')}\n`);
  if (options.uid !== undefined) fs.fchownSync(log, options.uid, options.gid ?? options.uid);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // own process group: `down` signals the whole tree (launcher scripts and JVMs)
    stdio: ['ignore', log, log],
    uid: options.uid,
    gid: options.gid,
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${proc.name}: failed to spawn ${options.command}`);
  child.unref();
  fs.writeFileSync(proc.pidFile, `${child.pid}\n`);
  return child.pid;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, then SIGKILL after the grace period. Returns false if it was not running. */
export async function stopProcess(proc: ManagedProcess, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(proc);
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Not a group leader after all (a recycled pid): nothing of ours to stop.
    fs.rmSync(proc.pidFile, { force: true });
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // exited between the check and the kill
    }
    while (groupAlive(pid)) await sleep(100);
  }
  fs.rmSync(proc.pidFile, { force: true });
  return true;
}

export function tailOfFile(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log file)';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `isReady` until it answers true. Fails with the service's name and the tail of its log
 * when the deadline passes or the process died, so a broken start explains itself.
 */
export async function waitUntilReady(proc: ManagedProcess, isReady: () => Promise<boolean>, timeoutMs: number, needsProcess = true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isReady().catch(() => false)) return;
    if (needsProcess && runningPid(proc) === undefined) {
      throw new Error(`${proc.name} exited during start. Last lines of ${proc.logFile}:\n${tailOfFile(proc.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} was not ready within ${Math.round(timeoutMs / 1000)} s. Last lines of ${proc.logFile}:\n${tailOfFile(proc.logFile)}`);
    }
    await sleep(500);
  }
}
