import path from 'node:path';
import { loadStackSettings } from './stack-settings';

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

  test.each([
    ['ES_VERSION', '9.1.0', 'ES_VERSION: must be an 8.x.y version'],
    ['KAFKA_VERSION', '4.0.0', 'KAFKA_VERSION: must be a 3.x.y version'],
    ['ES_HEAP', '1 GB', 'ES_HEAP: must look like 512m or 1g'],
    ['SEGMENTER_POSTGRES', 'docker', 'SEGMENTER_POSTGRES: Invalid option'],
    ['SEGMENTER_SERVICE_USER', 'Root User', 'SEGMENTER_SERVICE_USER: must be a valid user name'],
  ])('%s=%j is refused with the variable named', (name, value, message) => {
    expect(() => loadStackSettings({ [name]: value })).toThrow(message);
  });
});
