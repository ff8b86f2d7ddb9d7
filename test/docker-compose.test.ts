// docker-compose.yml cannot be run here (no Docker engine), so its structure is checked instead:
// the same versions as the local launcher, every service's environment accepted by our config
// schema, and every dependency waiting on a health check that exists.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@segmenter/shared';
import { loadStackSettings } from '../infra/stack/stack-settings';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const root = path.resolve(__dirname, '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const defaults = loadStackSettings({});

test('runs the whole stack: infrastructure, migrations and both services', () => {
  expect(Object.keys(services).sort()).toEqual(['api', 'elasticsearch', 'indexer', 'kafka', 'migrate', 'postgres']);
});

test('uses the same engine versions as the local launcher', () => {
  expect(services.elasticsearch!.image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${defaults.elasticsearch.version}`);
  // The apache/kafka image line must match the launcher's broker line (3.9.x).
  const kafkaMinor = defaults.kafka.version.split('.').slice(0, 2).join('.');
  expect(services.kafka!.image).toMatch(new RegExp(`^apache/kafka:${kafkaMinor.replace('.', '\\.')}\\.\\d+$`));
  expect(services.postgres!.image).toBe('postgres:15');
  expect(services.elasticsearch!.environment).toMatchObject({ 'xpack.security.enabled': 'false', 'discovery.type': 'single-node' });
});

test.each(['api', 'indexer', 'migrate'])('%s environment passes the config schema', (name) => {
  const env = Object.fromEntries(
    Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, String(v).replace(/^\$\{OPERATOR_KEY.*\}$/, 'x'.repeat(32))]),
  );
  const config = loadConfig(env);
  expect(config.database.url).toBe('postgres://postgres@postgres:5432/segmenter');
  expect(config.kafka.brokers).toEqual(['kafka:9092']);
  expect(config.elasticsearch.url).toBe('http://elasticsearch:9200');
});

test('every service command points at a file in the repository', () => {
  for (const name of ['api', 'indexer', 'migrate']) {
    const command = services[name]!.command!;
    const file = command.find((part) => /\.(ts|js)$/.test(part))!;
    expect(fs.existsSync(path.join(root, file))).toBe(true);
    expect(services[name]!.build).toBe('.');
  }
  expect(fs.existsSync(path.join(root, 'services/api/migrations'))).toBe(true);
});

test('dependencies wait on health checks that exist', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      expect(services[dependency]).toBeDefined();
      if (condition === 'service_healthy') expect(services[dependency]!.healthcheck).toBeDefined();
      else expect([name, condition]).toEqual([name, 'service_completed_successfully']);
    }
  }
});
