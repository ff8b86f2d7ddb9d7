// Where the local stack lives and how it is sized: every knob is an environment variable with a
// default that suits a 2-core, 24 GiB developer machine. Read once by the launcher.
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const heap = z.string().regex(/^\d+[mg]$/, 'must look like 512m or 1g');

const StackEnv = z.object({
  SEGMENTER_CACHE_DIR: z.string().optional(),
  // A second, private Elasticsearch node and Kafka broker beside the default ones (own ports, data,
  // logs and pid files; same downloaded binaries), e.g. for tests that stop and restart them.
  STACK_INSTANCE: z
    .string()
    .regex(/^[a-z0-9-]{1,20}$/, 'must be 1-20 characters of a-z, 0-9 and -')
    .optional(),
  ES_VERSION: z
    .string()
    .regex(/^8\.\d+\.\d+$/, 'must be an 8.x.y version')
    .default('8.19.9'),
  ES_PORT: port.default(9200),
  ES_TRANSPORT_PORT: port.default(9300),
  ES_HEAP: heap.default('1g'),
  KAFKA_VERSION: z
    .string()
    .regex(/^3\.\d+\.\d+$/, 'must be a 3.x.y version')
    .default('3.9.2'),
  KAFKA_PORT: port.default(9092),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_HEAP: heap.default('512m'),
  // Elasticsearch and Postgres refuse to run as root; as root the launcher runs them as this user.
  SEGMENTER_SERVICE_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*$/, 'must be a valid user name')
    .default('segmenter'),
  SEGMENTER_POSTGRES: z.enum(['auto', 'external', 'embedded']).default('auto'),
  EMBEDDED_PG_PORT: port.default(5433),
  DATABASE_URL: z.string().optional(),
  STACK_START_TIMEOUT_MS: z.coerce.number().int().positive().default(180_000),
});

export type StackSettings = ReturnType<typeof loadStackSettings>;

export function loadStackSettings(env: Record<string, string | undefined> = process.env) {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = StackEnv.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid stack settings:\n  ${problems.join('\n  ')}`);
  }
  const s = parsed.data;
  const repoRoot = path.resolve(__dirname, '..', '..');
  const cacheDir = path.resolve(s.SEGMENTER_CACHE_DIR ?? path.join(repoRoot, '.cache'));
  /** '' for the default instance; otherwise appended to the instance's directory and file names. */
  const instance = s.STACK_INSTANCE ?? '';
  return {
    repoRoot,
    cacheDir,
    instance,
    runDir: path.join(cacheDir, forInstance({ instance }, 'run')),
    logDir: path.join(cacheDir, forInstance({ instance }, 'logs')),
    startTimeoutMs: s.STACK_START_TIMEOUT_MS,
    serviceUser: s.SEGMENTER_SERVICE_USER,
    elasticsearch: {
      version: s.ES_VERSION,
      port: s.ES_PORT,
      transportPort: s.ES_TRANSPORT_PORT,
      heap: s.ES_HEAP,
      url: `http://127.0.0.1:${s.ES_PORT}`,
    },
    kafka: {
      version: s.KAFKA_VERSION,
      port: s.KAFKA_PORT,
      controllerPort: s.KAFKA_CONTROLLER_PORT,
      heap: s.KAFKA_HEAP,
      brokers: `127.0.0.1:${s.KAFKA_PORT}`,
    },
    postgres: {
      mode: s.SEGMENTER_POSTGRES,
      databaseUrl: s.DATABASE_URL,
      embeddedPort: s.EMBEDDED_PG_PORT,
    },
  };
}

/** `name` for the default instance, `name-<instance>` for another one (directories, files, ES names). */
export function forInstance(s: { instance: string }, name: string): string {
  return s.instance ? `${name}-${s.instance}` : name;
}
