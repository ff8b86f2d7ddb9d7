// docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so their structure
// is checked instead: the same versions as the local launcher, every service's environment
// accepted by our config schema, every dependency waiting on a health check that exists, and an
// image that runs the compiled code, with production dependencies only, as a non-root user.
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

/** A compiled file's source (services/api/dist/main.js -> services/api/src/main.ts); other files are themselves. */
const sourceOf = (file: string) => file.replace(/^(.*)\/dist\/(.*)\.js$/, '$1/src/$2.ts');

test('every service command points at a file in the repository', () => {
  for (const name of ['api', 'indexer', 'migrate']) {
    const command = services[name]!.command!;
    const file = command.find((part) => /\.(ts|js)$/.test(part))!;
    // The services run their compiled output (`npm run build`); the file it is compiled from exists.
    expect(fs.existsSync(path.join(root, sourceOf(file)))).toBe(true);
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

describe('Dockerfile', () => {
  interface Stage {
    image: string;
    name?: string;
    instructions: { keyword: string; args: string }[];
  }
  const text = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line)!;
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value] = rest!.split('=');
      args.set(name!, value!);
    } else if (keyword === 'FROM') {
      const [image, , name] = rest!.replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? '').split(/\s+/);
      stages.push({ image: image!, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword!, args: rest! });
    }
  }
  const runtime = stages.at(-1)!;
  const stageNamed = (name: string) => stages.find((stage) => stage.name === name)!;
  /** [source, destination, from-stage] of every COPY in a stage. */
  const copies = (stage: Stage) =>
    stage.instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => {
        const from = /--from=(\S+)/.exec(i.args)?.[1];
        const paths = i.args.replace(/--\S+/g, '').trim().split(/\s+/);
        return paths.slice(0, -1).map((source) => ({ source, destination: paths.at(-1)!, from }));
      })
      .flat();
  const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const workspaces = rootPackage.workspaces.map((dir) => ({
    dir,
    files: (JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { files?: string[] }).files ?? [],
  }));

  test('every stage uses one supported Node LTS image, slim Debian', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toBe(runtime.image);
    const [, major] = /^node:(\d+)-bookworm-slim$/.exec(runtime.image) ?? [];
    expect(['22', '24']).toContain(major); // LTS lines still supported; 20 ended in April 2026
  });

  test('the running image holds compiled code and production dependencies only, and runs as a non-root user', () => {
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]); // nothing installed or built in it
    const modules = copies(runtime).filter((c) => c.destination.startsWith('node_modules'));
    expect(modules).toHaveLength(1);
    const installs = stageNamed(modules[0]!.from!).instructions.filter((i) => i.keyword === 'RUN');
    expect(installs.map((i) => i.args)).toEqual([expect.stringMatching(/^npm ci .*--omit=dev/)]);
    expect(text).not.toMatch(/tsx|src\/main\.ts/);
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(['root', '0']).not.toContain(users[0]);
    const last = runtime.instructions.at(-1)!;
    expect([last.keyword, JSON.parse(last.args)]).toEqual(['CMD', services.api!.command]); // the image's default is the api
  });

  test("every workspace's manifest reaches each install, and what its package.json ships reaches the image", () => {
    for (const stage of stages.filter((s) => s.instructions.some((i) => /^npm ci/.test(i.args)))) {
      const copied = copies(stage).map((c) => c.source);
      expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...workspaces.map((w) => `${w.dir}/package.json`)]));
    }
    const inImage = copies(runtime).map((c) => c.destination.replace(/\/$/, ''));
    for (const { dir, files } of workspaces) {
      expect(inImage).toContain(dir); // its package.json
      for (const file of files) expect(inImage).toContain(`${dir}/${file}`);
    }
  });

  test('every file a compose command runs is in the image', () => {
    const inImage = copies(runtime).map((c) => c.destination.replace(/\/$/, ''));
    for (const name of ['api', 'indexer', 'migrate']) {
      for (const file of services[name]!.command!.filter((part) => /\.js$|^services\//.test(part))) {
        expect([name, inImage.some((dir) => file === dir || file.startsWith(`${dir}/`))]).toEqual([name, true]);
      }
    }
  });

  test('what the build context lends exists, and nothing built or installed on the host is sent', () => {
    for (const stage of stages) {
      for (const { source, from } of copies(stage)) if (!from) expect([source, fs.existsSync(path.join(root, source))]).toEqual([source, true]);
    }
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });
});
