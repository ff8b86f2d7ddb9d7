// The services under test as child processes (the api and the indexer, as deployed: each its own
// process), and what the benchmark reads about them from /proc while they work: peak memory
// (VmHWM), resident memory over time and CPU seconds, per process and per phase of the run.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@segmenter/shared';
import { freePort } from '../test/support/compiled-services';
import { environmentOf, IndexerProcess, spawnIndexer } from '../test/support/indexer-process';
import { eventually } from '../test/support/test-environment';
import { round } from './bench-stats';

const repoRoot = path.resolve(__dirname, '..');

export interface ServiceProcess {
  name: string;
  pid: number;
  /** The api's base URL; undefined for the indexer, which serves only health. */
  url?: string;
  stop(): Promise<void>;
}

/**
 * The api as `node --import tsx services/api/src/main.ts`, configured like `config` plus `extraEnv`.
 * Its output goes to `logFile`; variables of the shell reach it (IMPORT_WRITERS=4 npm run bench
 * changes the api's writers), except those that point it at the test environment's data.
 */
export async function startApiProcess(config: Config, extraEnv: Record<string, string>, logFile: string): Promise<ServiceProcess> {
  const port = String(await freePort());
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...environmentOf(config), API_PORT: port, API_HOST: '127.0.0.1', ...extraEnv },
  });
  fs.closeSync(log);
  killOnExit(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await untilReady(child, url, `the api (see ${logFile})`);
  return { name: 'api', pid: child.pid!, url, stop: () => stopChild(child, exited) };
}

/** The indexer (test/support/indexer-process.ts), on a health port of its own so the run starts once it consumes. */
export async function startIndexerProcess(config: Config, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = String(await freePort());
  const indexer: IndexerProcess = spawnIndexer(config, { INDEXER_HTTP_PORT: port, INDEXER_HOST: '127.0.0.1', ...extraEnv });
  killOnExit(indexer.child);
  await untilReady(indexer.child, `http://127.0.0.1:${port}`, 'the indexer');
  return { name: 'indexer', pid: indexer.child.pid!, stop: () => stopChild(indexer.child, indexer.exited) };
}

/** Until GET /readyz answers 200; a process that exits, or is not ready within 90 s, is killed and fails the start. */
async function untilReady(child: ChildProcess, url: string, what: string): Promise<void> {
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
        return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          (res) => res.ok,
          () => false,
        );
      },
      Boolean,
      90_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** A bench that dies without stopping its children must not leave them running: they outlive their parent otherwise. */
function killOnExit(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

/** SIGTERM, as an orchestrator stops it; SIGKILL if the graceful stop takes more than 30 s. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcSample {
  rssMiB: number;
  hwmMiB: number;
  cpuSeconds: number;
}

/** One process's memory and CPU from /proc; undefined when it is gone or /proc is not there (not Linux). */
function readProc(pid: number): ProcSample | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      rssMiB: kib('VmRSS') / 1024,
      hwmMiB: kib('VmHWM') / 1024,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

export interface PhaseFigures {
  seconds: number;
  /** Per process: CPU seconds used in the phase, the highest RSS sampled in it, and VmHWM (the process's peak since it started) at its end. */
  processes: Record<string, { cpuSeconds: number; peakRssMiB: number; vmHwmMiB: number }>;
}

/**
 * Samples the processes every `intervalMs`: RSS over time for the JSON file, and per phase (the
 * runner names each section a phase) the CPU used and the highest RSS seen.
 */
export class ProcessMonitor {
  private readonly started = performance.now();
  private readonly series: Record<string, [number, number][]> = {};
  private readonly phases: Record<string, PhaseFigures> = {};
  private current?: { name: string; at: number; cpu: Record<string, number>; peak: Record<string, number> };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly processes: ServiceProcess[],
    private readonly intervalMs = 1000,
  ) {
    for (const p of processes) this.series[p.name] = [];
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    this.sample();
  }

  private sample(): void {
    const at = round((performance.now() - this.started) / 1000, 1);
    for (const p of this.processes) {
      const s = readProc(p.pid);
      if (!s) continue;
      this.series[p.name]!.push([at, Math.round(s.rssMiB)]);
      if (this.current) this.current.peak[p.name] = Math.max(this.current.peak[p.name] ?? 0, s.rssMiB);
    }
  }

  /** Ends the phase in progress (if any) and starts `name`. */
  phase(name: string): void {
    this.endPhase();
    const cpu: Record<string, number> = {};
    for (const p of this.processes) cpu[p.name] = readProc(p.pid)?.cpuSeconds ?? 0;
    this.current = { name, at: performance.now(), cpu, peak: {} };
    this.sample();
  }

  endPhase(): PhaseFigures | undefined {
    const phase = this.current;
    if (!phase) return undefined;
    this.sample();
    this.current = undefined;
    const figures: PhaseFigures = { seconds: round((performance.now() - phase.at) / 1000), processes: {} };
    for (const p of this.processes) {
      const s = readProc(p.pid);
      figures.processes[p.name] = {
        cpuSeconds: round((s?.cpuSeconds ?? 0) - (phase.cpu[p.name] ?? 0)),
        peakRssMiB: Math.round(phase.peak[p.name] ?? s?.rssMiB ?? NaN),
        vmHwmMiB: Math.round(s?.hwmMiB ?? NaN),
      };
    }
    this.phases[phase.name] = figures;
    return figures;
  }

  stop(): void {
    this.endPhase();
    if (this.timer) clearInterval(this.timer);
  }

  /** The process's peak memory since it started (VmHWM), now. */
  peakMiB(name: string): number {
    const p = this.processes.find((q) => q.name === name);
    return Math.round((p && readProc(p.pid)?.hwmMiB) ?? NaN);
  }

  figures() {
    return { phases: this.phases, rssMiBOverTime: this.series, sampleSeconds: this.intervalMs / 1000 };
  }
}

/**
 * CPU seconds used so far by the infrastructure and the services, from /proc: where the time of an
 * import goes on cores that every stage shares. Counts every postgres, Kafka and Elasticsearch
 * process of the machine (run it on a quiet machine). Linux only; empty elsewhere.
 */
export function cpuSecondsByService(services: ServiceProcess[]): Record<string, number> {
  const totals: Record<string, number> = {};
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: a postmaster's reaped backends keep counting there.
      const seconds = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
      const service =
        services.find((s) => s.pid === Number(pid))?.name ??
        (Number(pid) === process.pid
          ? 'bench (this process)'
          : /elasticsearch/.test(cmdline) && /java/.test(cmdline)
            ? 'elasticsearch'
            : /kafka/.test(cmdline) && /java/.test(cmdline)
              ? 'kafka'
              : /(^|\/)postgres( |:|$)/.test(cmdline) // the postmaster (its path) and its backends
                ? 'postgres'
                : undefined);
      if (service) totals[service] = (totals[service] ?? 0) + seconds;
    } catch {
      // the process ended meanwhile
    }
  }
  return totals;
}

/** The CPU seconds each service used between two readings of cpuSecondsByService. */
export const cpuSecondsBetween = (before: Record<string, number>, after: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(after).map((k) => [k, round(after[k]! - (before[k] ?? 0))]));
