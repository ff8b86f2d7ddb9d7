// A private Elasticsearch node and Kafka broker for fault-injection tests: own ports, data, logs
// and pid files (STACK_INSTANCE, see infra/stack/stack-settings.ts), the same downloaded binaries
// as the shared stack. A test may stop and restart them without disturbing the shared instance
// that other test files use in parallel. Every start of a private stack begins with empty data.
import fs from 'node:fs';
import path from 'node:path';
import {
  downloadElasticsearch,
  elasticsearchHealthy,
  elasticsearchPaths,
  elasticsearchProcess,
  startElasticsearch,
  wipeElasticsearchInstance,
} from '../../infra/stack/elasticsearch';
import { installKafka, kafkaHealthy, kafkaProcess, startKafka, wipeKafkaInstance } from '../../infra/stack/kafka';
import { ManagedProcess, runningPid, stopProcess } from '../../infra/stack/processes';
import { loadStackSettings, StackSettings } from '../../infra/stack/stack-settings';

export interface PrivateStackPorts {
  /** Elasticsearch HTTP. */
  es: number;
  esTransport: number;
  /** The Kafka broker (PLAINTEXT listener). */
  kafka: number;
  /** The KRaft controller listener of the same process. */
  kafkaController: number;
}

export interface StopOptions {
  /** How long SIGTERM may take before SIGKILL (default 30 s); 0 kills at once, like a crash. */
  graceMs?: number;
}

export interface PrivateStack {
  readonly instance: string;
  /** e.g. http://127.0.0.1:9210 */
  readonly esUrl: string;
  /** e.g. 127.0.0.1:9096 */
  readonly kafkaBrokers: string;
  /** The launcher settings of this instance (paths, ports, log folder). */
  readonly settings: StackSettings;
  /** Stops the node (SIGTERM, then SIGKILL after the grace period); its data stays for the next start. */
  stopElasticsearch(options?: StopOptions): Promise<void>;
  /** Starts the node again on the same data; resolves when the cluster is yellow. */
  startElasticsearch(): Promise<void>;
  /** Stops the broker (SIGTERM, then SIGKILL after the grace period); its data stays for the next start. */
  stopKafka(options?: StopOptions): Promise<void>;
  /** Starts the broker again on the same data; resolves when it answers ApiVersions. */
  startKafka(): Promise<void>;
  /** Stops both and deletes their data. Safe to call more than once. */
  shutdown(): Promise<void>;
}

// The private node is small: fault tests index little.
const PRIVATE_ES_HEAP = '512m';
const PRIVATE_KAFKA_HEAP = '384m';

/** Starting a private instance on a port something else answers on would silently test that instead. */
async function assertPortFree(what: string, answers: () => Promise<boolean>, proc: ManagedProcess, where: string) {
  if (runningPid(proc) === undefined && (await answers())) {
    throw new Error(`${what} already answers on ${where}, but not the private instance's process: pick other ports`);
  }
}

/**
 * Starts (or restarts, after a crashed run) the private instance `instance` on `ports`, with empty
 * data. Call `shutdown()` when done (e.g. in afterAll); a run that never did is cleaned up by the
 * next start of the same instance.
 */
export async function startPrivateStack(instance: string, ports: PrivateStackPorts): Promise<PrivateStack> {
  if (!instance) throw new Error('a private stack needs an instance name (the default instance is shared)');
  const s = loadStackSettings({
    ...process.env,
    STACK_INSTANCE: instance,
    ES_PORT: String(ports.es),
    ES_TRANSPORT_PORT: String(ports.esTransport),
    ES_HEAP: PRIVATE_ES_HEAP,
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
    KAFKA_HEAP: PRIVATE_KAFKA_HEAP,
  });
  const esProc = elasticsearchProcess(s);
  const kafkaProc = kafkaProcess(s);

  const stopEs = async (options?: StopOptions) => {
    await stopProcess(esProc, options?.graceMs);
  };
  const stopBroker = async (options?: StopOptions) => {
    await stopProcess(kafkaProc, options?.graceMs);
  };
  const startEs = async () => {
    await assertPortFree('Elasticsearch', () => elasticsearchHealthy(s.elasticsearch.url), esProc, s.elasticsearch.url);
    await startElasticsearch(s);
  };
  const startBroker = async () => {
    await assertPortFree('Kafka', () => kafkaHealthy(s.kafka.port), kafkaProc, s.kafka.brokers);
    await startKafka(s);
  };
  const wipe = () => {
    wipeElasticsearchInstance(s);
    wipeKafkaInstance(s);
  };
  const shutdown = async () => {
    await Promise.all([stopEs(), stopBroker()]);
    wipe();
  };

  // Leftovers of a run that never shut down: our own processes only (pid file + command line).
  await shutdown();
  // Refuse taken ports before starting either JVM.
  await Promise.all([
    assertPortFree('Elasticsearch', () => elasticsearchHealthy(s.elasticsearch.url), esProc, s.elasticsearch.url),
    assertPortFree('Kafka', () => kafkaHealthy(s.kafka.port), kafkaProc, s.kafka.brokers),
  ]);
  // Downloads (normally done long ago by the shared stack, whose unpacked Elasticsearch home is
  // reused) one after the other: two Maven processes filling one local repository at once can
  // corrupt it. Then both JVMs in parallel.
  installKafka(s);
  if (!fs.existsSync(path.join(elasticsearchPaths(s).home, 'bin', 'elasticsearch'))) downloadElasticsearch(s);
  try {
    await Promise.all([startEs(), startBroker()]);
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
  return {
    instance,
    esUrl: s.elasticsearch.url,
    kafkaBrokers: s.kafka.brokers,
    settings: s,
    stopElasticsearch: stopEs,
    startElasticsearch: startEs,
    stopKafka: stopBroker,
    startKafka: startBroker,
    shutdown,
  };
}
