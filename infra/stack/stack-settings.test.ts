import path from 'node:path';
import { elasticsearchProcess } from './elasticsearch';
import { kafkaPaths, kafkaProcess } from './kafka';
import { forInstance, loadStackSettings } from './stack-settings';

describe('loadStackSettings', () => {
  test('defaults: Elasticsearch 8.19.9 and Kafka 3.9.2 on loopback, cache in the repository', () => {
    const s = loadStackSettings({});
    expect(s.elasticsearch).toMatchObject({ version: '8.19.9', port: 9200, heap: '1g', url: 'http://127.0.0.1:9200' });
    expect(s.kafka).toMatchObject({ version: '3.9.2', port: 9092, controllerPort: 9093, brokers: '127.0.0.1:9092' });
    expect(s.cacheDir).toBe(path.join(s.repoRoot, '.cache'));
    expect(s.postgres.mode).toBe('auto');
  });

  test('ports, heaps and the cache folder follow the environment', () => {
    const s = loadStackSettings({ ES_PORT: '19200', ES_HEAP: '512m', KAFKA_PORT: '19092', SEGMENTER_CACHE_DIR: '/tmp/x' });
    expect(s.elasticsearch.url).toBe('http://127.0.0.1:19200');
    expect(s.elasticsearch.heap).toBe('512m');
    expect(s.kafka.brokers).toBe('127.0.0.1:19092');
    expect(s.cacheDir).toBe('/tmp/x');
  });

  test('the default instance keeps the plain run and log folders, markers and Kafka files', () => {
    const s = loadStackSettings({ SEGMENTER_CACHE_DIR: '/tmp/x' });
    expect(s.instance).toBe('');
    expect(s.runDir).toBe('/tmp/x/run');
    expect(s.logDir).toBe('/tmp/x/logs');
    expect(elasticsearchProcess(s)).toEqual({
      name: 'elasticsearch',
      pidFile: '/tmp/x/run/elasticsearch.pid',
      logFile: '/tmp/x/logs/elasticsearch.log',
      marker: 'elasticsearch-8.19.9',
    });
    expect(kafkaProcess(s).marker).toBe('kafka.Kafka');
    expect(kafkaPaths(s)).toMatchObject({ dataDir: '/tmp/x/kafka-3.9.2/data', configFile: '/tmp/x/kafka-3.9.2/server.properties' });
  });

  test('STACK_INSTANCE gets its own run and log folders, Kafka files and process markers', () => {
    const s = loadStackSettings({ SEGMENTER_CACHE_DIR: '/tmp/x', STACK_INSTANCE: 'faults-1' });
    expect(s.instance).toBe('faults-1');
    expect(s.runDir).toBe('/tmp/x/run-faults-1');
    expect(s.logDir).toBe('/tmp/x/logs-faults-1');
    expect(forInstance(s, 'data')).toBe('data-faults-1');
    expect(kafkaPaths(s)).toMatchObject({
      libs: '/tmp/x/kafka-3.9.2/libs',
      dataDir: '/tmp/x/kafka-3.9.2/data-faults-1',
      configFile: '/tmp/x/kafka-3.9.2/server-faults-1.properties',
    });
    expect(elasticsearchProcess(s).pidFile).toBe('/tmp/x/run-faults-1/elasticsearch.pid');
    // Markers are matched against the command line: another instance's (or the default's) must not match.
    const esMarker = elasticsearchProcess(s).marker;
    const defaultEs = '/x/elasticsearch-8.19.9/bin/elasticsearch -Ecluster.name=segmenter-local -Enode.name=segmenter-local-1 ';
    const longerEs = '/x/elasticsearch-8.19.9/bin/elasticsearch -Enode.name=segmenter-local-1-faults-10 ';
    expect(`/x/elasticsearch-8.19.9/bin/elasticsearch -Enode.name=segmenter-local-1-faults-1 -Ehttp.port=9210 `).toContain(esMarker);
    expect(defaultEs).not.toContain(esMarker);
    expect(longerEs).not.toContain(esMarker);
    const kafkaMarker = kafkaProcess(s).marker;
    expect('java -cp x kafka.Kafka /tmp/x/kafka-3.9.2/server-faults-1.properties ').toContain(kafkaMarker);
    expect('java -cp x kafka.Kafka /tmp/x/kafka-3.9.2/server.properties ').not.toContain(kafkaMarker);
    expect('java -cp x kafka.Kafka /tmp/x/kafka-3.9.2/server-faults-10.properties ').not.toContain(kafkaMarker);
  });

  test.each([
    ['STACK_INSTANCE', 'Faults_1', 'STACK_INSTANCE: must be 1-20 characters of a-z, 0-9 and -'],
    ['ES_VERSION', '9.1.0', 'ES_VERSION: must be an 8.x.y version'],
    ['KAFKA_VERSION', '4.0.0', 'KAFKA_VERSION: must be a 3.x.y version'],
    ['ES_HEAP', '1 GB', 'ES_HEAP: must look like 512m or 1g'],
    ['SEGMENTER_POSTGRES', 'docker', 'SEGMENTER_POSTGRES: Invalid option'],
    ['SEGMENTER_SERVICE_USER', 'Root User', 'SEGMENTER_SERVICE_USER: must be a valid user name'],
  ])('%s=%j is refused with the variable named', (name, value, message) => {
    expect(() => loadStackSettings({ [name]: value })).toThrow(message);
  });
});
