// The indexer as a real child process (node + tsx), configured like the test's own Config, so a
// test can SIGTERM or SIGKILL it mid-stream and start another.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Config } from '@segmenter/shared';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface IndexerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** The environment that gives a process the same configuration as `config`. */
export function environmentOf(config: Config): Record<string, string> {
  return {
    DATABASE_URL: config.database.url,
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: config.kafka.topics.contactEvents.slice(0, -'contact-events'.length),
    KAFKA_PARTITIONS: String(config.kafka.partitions),
    ELASTICSEARCH_URL: config.elasticsearch.url,
    ELASTICSEARCH_INDEX_PREFIX: config.elasticsearch.indexPrefix,
    INDEXER_CONSUMER_GROUP: config.indexer.consumerGroup,
    INDEXER_HTTP_PORT: '0',
    OUTBOX_POLL_INTERVAL_MS: String(config.outbox.pollIntervalMs),
    ...(config.api.operatorKey ? { OPERATOR_KEY: config.api.operatorKey } : {}),
  };
}

export function spawnIndexer(config: Config, extraEnv: Record<string, string> = {}): IndexerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/indexer/src/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'error', ...environmentOf(config), ...extraEnv },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}
