// The local stack as one unit: `up` finds or starts Postgres, Kafka and Elasticsearch (reusing
// whatever already answers), `down` stops only what the launcher started, `status` reports.
import { downloadElasticsearch, elasticsearchHealthy, elasticsearchProcess, startElasticsearch } from './elasticsearch';
import { installKafka, kafkaHealthy, kafkaProcess, startKafka } from './kafka';
import { postgresAnswers, postgresProcess, startPostgres } from './postgres';
import { runningPid, stopProcess } from './processes';
import type { StackSettings } from './stack-settings';

export interface StackEndpoints {
  databaseUrl: string;
  kafkaBrokers: string;
  elasticsearchUrl: string;
  /** Which infrastructure processes this call started (so a test run can stop only those). */
  started: string[];
}

export async function stackUp(s: StackSettings, log: (line: string) => void = console.log): Promise<StackEndpoints> {
  const started: string[] = [];
  // Postgres first and on its own (it is quick); Kafka and Elasticsearch start in parallel
  // because each spends most of its start-up inside its own JVM.
  const pg = await startPostgres(s);
  if (pg.state === 'started') started.push('postgres');
  log(`[stack] postgres      ${pg.state.padEnd(8)} ${redact(pg.url)}`);
  // Downloads first, one after the other: two Maven processes filling one local repository at
  // once can corrupt it. Then both JVMs start in parallel.
  installKafka(s);
  downloadElasticsearch(s);
  const [kafka, es] = await Promise.all([startKafka(s), startElasticsearch(s)]);
  if (kafka === 'started') started.push('kafka');
  if (es === 'started') started.push('elasticsearch');
  log(`[stack] kafka         ${kafka.padEnd(8)} ${s.kafka.brokers}`);
  log(`[stack] elasticsearch ${es.padEnd(8)} ${s.elasticsearch.url}`);
  return { databaseUrl: pg.url, kafkaBrokers: s.kafka.brokers, elasticsearchUrl: s.elasticsearch.url, started };
}

const processesByName = (s: StackSettings) => ({
  elasticsearch: elasticsearchProcess(s),
  kafka: kafkaProcess(s),
  postgres: postgresProcess(s),
});

export async function stackDown(s: StackSettings, only?: string[], log: (line: string) => void = console.log) {
  for (const [name, proc] of Object.entries(processesByName(s))) {
    if (only && !only.includes(name)) continue;
    const stopped = await stopProcess(proc);
    log(`[stack] ${name.padEnd(13)} ${stopped ? 'stopped' : 'not started by the launcher'}`);
  }
}

export async function stackStatus(s: StackSettings): Promise<Record<string, { healthy: boolean; pid?: number }>> {
  const procs = processesByName(s);
  return {
    postgres: {
      healthy: await postgresAnswers(s.postgres.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres').then(
        (ok) => ok || postgresAnswers(`postgres://postgres@127.0.0.1:${s.postgres.embeddedPort}/postgres`),
      ),
      pid: runningPid(procs.postgres),
    },
    kafka: { healthy: await kafkaHealthy(s.kafka.port), pid: runningPid(procs.kafka) },
    elasticsearch: { healthy: await elasticsearchHealthy(s.elasticsearch.url), pid: runningPid(procs.elasticsearch) },
  };
}

export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
