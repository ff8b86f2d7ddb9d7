// TEST_INFRA=containers: Postgres, Kafka and Elasticsearch from testcontainers' modules, for
// machines with a Docker engine. testcontainers is pinned to 11.x: 12.x needs Node 22.22+.
import { ElasticsearchContainer } from '@testcontainers/elasticsearch';
import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { StartedTestContainer } from 'testcontainers';

export interface StartedContainers {
  postgresServerUrl: string;
  kafkaBrokers: string;
  elasticsearchUrl: string;
  containers: StartedTestContainer[];
}

export async function startContainers(): Promise<StartedContainers> {
  const [pg, kafka, es] = await Promise.all([
    new PostgreSqlContainer('postgres:15-alpine').withDatabase('postgres').start(),
    // confluentinc/cp-kafka 7.9 ships Apache Kafka 3.9, the broker line kafkajs speaks.
    new KafkaContainer('confluentinc/cp-kafka:7.9.2').withKraft().start(),
    new ElasticsearchContainer('docker.elastic.co/elasticsearch/elasticsearch:8.19.9').withEnvironment({ ES_JAVA_OPTS: '-Xms1g -Xmx1g' }).start(),
  ]);
  const esUrl = new URL(es.getHttpUrl());
  esUrl.username = es.getUsername();
  esUrl.password = es.getPassword();
  return {
    postgresServerUrl: pg.getConnectionUri(),
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    elasticsearchUrl: esUrl.toString().replace(/\/$/, ''),
    containers: [pg, kafka, es],
  };
}
