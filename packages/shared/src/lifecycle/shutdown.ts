// Graceful shutdown: on SIGTERM or SIGINT, run the stop steps in order (stop taking work, finish
// what is in flight, close connections), bounded by a timeout so a stuck step cannot hang forever.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { Config, loadConfig } from '../config/config';
import { createLogger } from '../logging/logger';

export type StopStep = { name: string; stop: () => Promise<void> };

function onShutdownSignal(log: Logger, steps: StopStep[], timeoutMs: number): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    let failed = false;
    for (const step of steps) {
      try {
        await step.stop();
        log.info({ step: step.name }, 'stopped');
      } catch (err) {
        failed = true;
        log.error({ err, step: step.name }, 'stop step failed');
      }
    }
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** Runs stop steps in order (the in-process equivalent of a SIGTERM, for tests). */
export async function runStopSteps(steps: StopStep[]): Promise<void> {
  for (const step of steps) await step.stop();
}

export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/**
 * The entry point of a service process: parse config, start, stop gracefully on SIGTERM/SIGINT.
 * A start failure (a bad variable above all) is printed plainly, for the operator, and exits 1.
 */
export function runServiceMain(service: string, start: (config: Config, log: Logger) => Promise<{ stopSteps: StopStep[] }>): void {
  const run = async () => {
    const config = loadConfig();
    const log = createLogger(service, config.logLevel);
    const running = await start(config, log);
    onShutdownSignal(log, running.stopSteps, config.shutdownTimeoutMs);
  };
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

/** An idle wait that can be cut short: on stop, or when new work arrives. */
function createWakeableSleep() {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake?.(),
  };
}

/**
 * A background loop (outbox relay, job runner, housekeeping): runs `turn` over and over until
 * stopped, resting between turns for as long as the turn asks (0: go again at once). `turn` owns
 * its errors (each loop logs and backs off its own way) and must not throw. `wake` cuts a rest
 * short when new work arrives; `stop` does too, and waits for the turn in progress to finish.
 */
export function createBackgroundLoop(turn: () => Promise<number>) {
  const idle = createWakeableSleep();
  let running = false;
  let loop: Promise<void> | undefined;
  return {
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          const restMs = await turn();
          if (restMs > 0 && running) await idle.sleep(restMs);
        }
      })();
    },
    wake: (): void => idle.wake(),
    async stop(): Promise<void> {
      running = false;
      idle.wake();
      await loop;
    },
  };
}
