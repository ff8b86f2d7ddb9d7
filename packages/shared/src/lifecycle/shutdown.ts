// Graceful shutdown: on SIGTERM or SIGINT, run the stop steps in order (stop taking work, finish
// what is in flight, close connections), bounded by a timeout so a stuck step cannot hang forever.
import type { Logger } from 'pino';

export type StopStep = { name: string; stop: () => Promise<void> };

export function onShutdownSignal(log: Logger, steps: StopStep[], timeoutMs: number): void {
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
