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
  // A small model of the Dockerfile: what each stage holds under its WORKDIR (/app), path by path,
  // and where each path came from (the build context, another stage, or a RUN in the stage).
  interface Stage {
    name?: string;
    /** The image, or the earlier stage it starts from. */
    base: string;
    instructions: { keyword: string; args: string }[];
  }
  const text = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line)!;
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value] = rest!.split('=');
      args.set(name!, value!);
    } else if (keyword === 'FROM') {
      const [base, , name] = rest!.replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? '').split(/\s+/);
      stages.push({ base: base!, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword!, args: rest! });
    }
  }
  const runtime = stages.at(-1)!;
  const stageNamed = (name: string) => stages.find((stage) => stage.name === name);
  const imageOf = (stage: Stage): string => (stageNamed(stage.base) ? imageOf(stageNamed(stage.base)!) : stage.base);
  const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const workspaces = rootPackage.workspaces.map((dir) => ({
    dir,
    files: (JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { files?: string[] }).files ?? [],
  }));
  const manifests = ['package.json', 'package-lock.json', ...workspaces.map((w) => `${w.dir}/package.json`)];

  /** A COPY's sources (paths in the context, or under /app in another stage) with their destinations. */
  function copiedBy(copy: string) {
    const from = /--from=(\S+)/.exec(copy)?.[1];
    const parts = copy.replace(/--\S+/g, '').trim().split(/\s+/);
    const target = parts.at(-1)!;
    return parts.slice(0, -1).map((source) => {
      const relative = from ? path.posix.relative('/app', source) : source;
      const destination = target.endsWith('/') ? path.posix.join(target, path.posix.basename(relative)) : target;
      return { from, source, relative, destination: path.posix.normalize(destination) };
    });
  }
  const copiesOf = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => copiedBy(i.args));

  /** Path -> origin for everything a stage holds once its instructions ran; `seen` records what each RUN saw. */
  function contentsOf(stage: Stage, seen = new Map<string, Map<string, string>>()): Map<string, string> {
    const base = stageNamed(stage.base);
    const contents = new Map(base ? contentsOf(base, seen) : []);
    for (const i of stage.instructions) {
      if (i.keyword === 'COPY') {
        for (const c of copiedBy(i.args)) {
          if (c.from && c.relative === '') for (const [p, origin] of contentsOf(stageNamed(c.from)!)) contents.set(p, origin);
          else contents.set(c.destination, c.from ? `stage ${c.from}` : 'context');
        }
      } else if (i.keyword === 'RUN') {
        seen.set(i.args, new Map(contents));
        if (/^npm ci\b/.test(i.args)) contents.set('node_modules', i.args);
        if (/^npm run build\b/.test(i.args)) for (const w of workspaces) contents.set(`${w.dir}/dist`, i.args);
      }
    }
    return contents;
  }
  const holds = (contents: Map<string, string>, file: string) => [...contents.keys()].some((p) => file === p || file.startsWith(`${p}/`));
  const image = contentsOf(runtime);

  test('every stage starts from one supported Node LTS image, slim Debian', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(imageOf(stage)).toBe(imageOf(runtime));
    const [, major] = /^node:(\d+)-bookworm-slim$/.exec(imageOf(runtime)) ?? [];
    expect(['22', '24']).toContain(major); // LTS lines still supported; 20 ended in April 2026
  });

  test('the running image holds compiled code and production dependencies only, and runs as a non-root user', () => {
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]); // nothing installed or built in it
    expect(image.get('node_modules')).toMatch(/^npm ci .*--omit=dev/);
    // From the build stage only compiled output, never its sources or its dev node_modules.
    const fromBuild = [...image].filter(([, origin]) => origin === 'stage build').map(([p]) => p);
    expect(fromBuild.length).toBeGreaterThan(0);
    for (const p of fromBuild) expect(p).toMatch(/\/dist$/);
    // From the build context only the manifests and what a package.json ships (no sources).
    const shipped = [...manifests, ...workspaces.flatMap((w) => w.files.map((f) => `${w.dir}/${f}`))];
    for (const [p, origin] of image) if (origin === 'context') expect([p, shipped.includes(p)]).toEqual([p, true]);
    expect(text).not.toMatch(/tsx|src\/main\.ts/);
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(['root', '0']).not.toContain(users[0]);
    const last = runtime.instructions.at(-1)!;
    expect([last.keyword, JSON.parse(last.args)]).toEqual(['CMD', services.api!.command]); // the image's default is the api
  });

  test("every install sees every workspace's manifest, and what each package.json ships reaches the image", () => {
    const seen = new Map<string, Map<string, string>>();
    for (const stage of stages) contentsOf(stage, seen);
    const installs = [...seen].filter(([run]) => /^npm ci\b/.test(run));
    expect(installs.length).toBeGreaterThanOrEqual(2); // the build's and the production one
    for (const [run, contents] of installs) for (const file of manifests) expect([run, file, contents.has(file)]).toEqual([run, file, true]);
    for (const file of manifests) expect([file, image.has(file)]).toEqual([file, true]);
    for (const { dir, files } of workspaces) for (const file of files) expect([dir, file, holds(image, `${dir}/${file}`)]).toEqual([dir, file, true]);
  });

  test('every file a compose command runs is in the image', () => {
    for (const name of ['api', 'indexer', 'migrate']) {
      for (const file of services[name]!.command!.filter((part) => /\.js$|^services\//.test(part))) {
        expect([name, file, holds(image, file)]).toEqual([name, file, true]);
      }
    }
  });

  test('what the build context lends exists, and nothing built or installed on the host is sent', () => {
    for (const stage of stages) {
      for (const { source, from } of copiesOf(stage)) if (!from) expect([source, fs.existsSync(path.join(root, source))]).toEqual([source, true]);
    }
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });
});
