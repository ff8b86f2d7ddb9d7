// Starts the whole API process from a Config: HTTP server and outbox relay, with the stop steps
// in shutdown order. main.ts wires it to signals; integration tests start it in-process.
import type { AddressInfo } from 'node:net';
import {
  Config,
  createEsClient,
  createEventPublisher,
  createPgPool,
  elasticsearchReachable,
  ensureTopics,
  kafkaReachable,
  Logger,
  postgresReachable,
  StopStep,
} from '@segmenter/shared';
import { createApp } from './app';
import { createOutboxRelay } from './outbox/outbox-relay';

export interface RunningApi {
  url: string;
  stopSteps: StopStep[];
  stop(): Promise<void>;
}

export async function startApiService(config: Config, log: Logger): Promise<RunningApi> {
  const pool = createPgPool(config.database.url, config.database.poolSize);
  const es = createEsClient(config.elasticsearch.url);
  const kafkaSettings = { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-api` };

  await ensureTopics(kafkaSettings, log, [
    { topic: config.kafka.topics.contactEvents, partitions: config.kafka.partitions },
    { topic: config.kafka.topics.deadLetter, partitions: 1 },
  ]);
  const publisher = await createEventPublisher(kafkaSettings, log);
  const relay = createOutboxRelay({
    pool,
    publisher,
    topic: config.kafka.topics.contactEvents,
    batchSize: config.outbox.batchSize,
    pollIntervalMs: config.outbox.pollIntervalMs,
    log: log.child({ component: 'outbox-relay' }),
  });

  const app = createApp({
    pool,
    log,
    bodyLimit: config.api.bodyLimit,
    operatorKey: config.api.operatorKey,
    readiness: {
      postgres: () => postgresReachable(pool),
      kafka: () => kafkaReachable(kafkaSettings, log),
      elasticsearch: () => elasticsearchReachable(es),
    },
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(config.api.port, config.api.host, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.api.host}:${port}`;
  log.info({ url }, 'api listening');
  relay.start();

  const stopSteps: StopStep[] = [
    { name: 'http', stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))) },
    { name: 'outbox-relay', stop: () => relay.stop() },
    { name: 'kafka-producer', stop: () => publisher.close() },
    { name: 'postgres', stop: () => pool.end() },
    { name: 'elasticsearch', stop: () => es.close() },
  ];
  return {
    url,
    stopSteps,
    async stop() {
      for (const step of stopSteps) await step.stop();
    },
  };
}
