// The indexer process entry point: parse config, start, stop gracefully on SIGTERM.
import { createLogger, loadConfig, onShutdownSignal } from '@segmenter/shared';
import { startIndexerService } from './indexer-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('indexer', config.logLevel);
  const indexer = await startIndexerService(config, log);
  onShutdownSignal(log, indexer.stopSteps, config.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
