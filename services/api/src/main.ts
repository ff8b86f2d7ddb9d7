// The API process entry point: parse config, start, and stop gracefully on SIGTERM (stop taking
// requests, let the relay finish its batch, then close Kafka and Postgres).
import { createLogger, loadConfig, onShutdownSignal } from '@segmenter/shared';
import { startApiService } from './api-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('api', config.logLevel);
  const api = await startApiService(config, log);
  onShutdownSignal(log, api.stopSteps, config.shutdownTimeoutMs);
}

main().catch((err) => {
  // Config errors are printed plainly: they are for the operator, not a log pipeline.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
