// One typed configuration for both services, parsed once from the environment at start.
// A bad or missing value fails fast with the variable's name and the rule it broke.
import { z } from 'zod';

// 0 asks the OS for a free port (tests run many services side by side).
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.join(' or ')}`,
  );
// Topic and index prefixes end up in Kafka topic names and Elasticsearch index names, whose
// allowed alphabets intersect in lower-case letters, digits, '.', '_' and '-'.
const namePrefix = z
  .string()
  .regex(/^[a-z0-9._-]*$/, 'must contain only lower-case letters, digits, ".", "_" and "-"')
  .max(100, 'must be at most 100 characters');

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/segmenter'),
    DATABASE_POOL_SIZE: positiveInt.max(100, 'must be at most 100').default(10),
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be a comma-separated list of host:port')
      .default('127.0.0.1:9092'),
    KAFKA_CLIENT_ID: z.string().min(1).default('segmenter'),
    KAFKA_TOPIC_PREFIX: namePrefix.default('segmenter.'),
    KAFKA_PARTITIONS: positiveInt.max(1000, 'must be at most 1000').default(6),
    ELASTICSEARCH_URL: url(['http:', 'https:']).default('http://127.0.0.1:9200'),
    ELASTICSEARCH_INDEX_PREFIX: namePrefix.default('segmenter-'),
    // A secured cluster: an API key (the base64 "id:api_key" Kibana shows as "encoded"), or a user
    // and password; and the CA that signed its certificate when it is not a public one.
    ELASTICSEARCH_API_KEY: z.string().min(1).optional(),
    ELASTICSEARCH_USERNAME: z.string().min(1).optional(),
    ELASTICSEARCH_PASSWORD: z.string().min(1).optional(),
    ELASTICSEARCH_CA_FILE: z.string().min(1).optional(),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(8080),
    // Which proxies in front of the api to believe about the client address (X-Forwarded-For), as
    // express's "trust proxy": a hop count (1) or addresses and subnets ("loopback, 10.0.0.0/8").
    // Unset, the socket's address is the client: right without a proxy; behind one, every client
    // would share the proxy's address in the failed-authentication throttle.
    API_TRUST_PROXY: z.string().min(1).max(500).optional(),
    INDEXER_HTTP_PORT: port.default(8081),
    // The address the indexer's health port binds to; unset, the api's (API_HOST), as before it had its own.
    INDEXER_HOST: z.string().min(1).optional(),
    // GET /metrics: behind a bearer token when set, and on a port of its own when set (then not on
    // the service port). Unset, it is open on the service port, as `./dev up` expects.
    METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    API_METRICS_PORT: port.optional(),
    INDEXER_METRICS_PORT: port.optional(),
    METRICS_HOST: z.string().min(1).optional(),
    // Events per relay transaction. 2,000, not 500: at a million-row import the relay's per-batch
    // cost (claim, publish, delete) dominated with 500 (100k-row bench: 1.5k rows/s end to end with
    // 500, 1.9k with 2,000). Publishes are chunked by bytes, so a large batch never exceeds Kafka's limit.
    OUTBOX_BATCH_SIZE: positiveInt.max(10000, 'must be at most 10000').default(2000),
    OUTBOX_POLL_INTERVAL_MS: positiveInt.max(60000, 'must be at most 60000').default(100),
    INDEXER_CONSUMER_GROUP: z.string().min(1).default('segmenter-indexer'),
    INDEXER_MAX_BATCH_BYTES: positiveInt.default(5 * 1024 * 1024),
    INDEXER_MAX_BATCH_EVENTS: positiveInt.max(10000, 'must be at most 10000').default(1000),
    INDEXER_LINGER_MS: z.coerce.number().int().min(0).max(60000, 'must be at most 60000').default(100),
    // While writes flow, how often the indexer refreshes the index and records which workspaces
    // changed (the api's count cache drops theirs): the index's own refresh interval, so cached
    // counts are no staler than an uncached search would be.
    INDEXER_CHANGE_NOTICE_MS: positiveInt.max(60000, 'must be at most 60000').default(1000),
    // Segment membership events (docs/events.md): computed by the indexer for every change, and by
    // a re-evaluation for what the clock moves (relative dates, engagement windows), run at every
    // multiple of the interval since the epoch in UTC: daily, just after midnight UTC, by default.
    MEMBERSHIP_EVENTS: z.enum(['on', 'off'], 'must be on or off').default('on'),
    MEMBERSHIP_REEVALUATION_INTERVAL_MS: positiveInt
      .min(60000, 'must be at least 60000 (a minute)')
      .max(604800000, 'must be at most 604800000 (a week)')
      .default(86400000),
    // How long the group waits for a silent indexer before giving its partitions to the others: the
    // failover time after a crash. The broker refuses less than 6 s (group.min.session.timeout.ms);
    // the indexer heartbeats while it retries a batch, so a long Elasticsearch outage is not silence.
    INDEXER_SESSION_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(6000, 'must be at least 6000 (the broker refuses less)')
      .max(300000, 'must be at most 300000')
      .default(10000),
    REQUEST_BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/, 'must look like 512kb or 2mb')
      .default('2mb'),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(15000),
    // CSV imports: the largest file accepted (bytes, counted as it streams), and staged rows written per job chunk.
    IMPORT_MAX_BYTES: positiveInt.default(2 * 1024 ** 3),
    IMPORT_CHUNK_ROWS: positiveInt.max(20000, 'must be at most 20000').default(5000),
    // Side-by-side writers per import (each a Postgres connection): about the cores Postgres may use.
    IMPORT_WRITERS: positiveInt.max(16, 'must be at most 16').default(2),
    // Read-your-writes: how long a request carrying a consistency token may wait for the search index by
    // default, and the most a request may ask for.
    CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(60000, 'must be at most 60000').default(5000),
    CONSISTENCY_MAX_WAIT_MS: z.coerce.number().int().min(0).max(300000, 'must be at most 300000').default(30000),
    // A read waiting for its writes has the index refreshed, at most once per this interval per api
    // process however many wait (0: never; they wait for the scheduled refresh, every second).
    CONSISTENCY_REFRESH_INTERVAL_MS: z.coerce.number().int().min(0).max(60000, 'must be at most 60000').default(100),
    OPERATOR_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
    // Audience snapshots are deleted this long after they were taken (a week: a campaign's sends and
    // retries fit, and a frozen list of millions of ids does not stay forever).
    SNAPSHOT_TTL_HOURS: positiveInt.max(8760, 'must be at most 8760 (a year)').default(168),
    // Segment counts kept in memory per api process, served while their workspace's documents are
    // unchanged in the search index (segments/count-cache.ts); 0 turns the cache off. An entry is
    // never served older than COUNT_CACHE_MAX_AGE_MS, and the api reads which workspaces changed
    // every INDEX_CHANGE_POLL_MS.
    COUNT_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1000000, 'must be at most 1000000').default(20000),
    COUNT_CACHE_MAX_AGE_MS: positiveInt.max(86400000, 'must be at most 86400000 (a day)').default(600000),
    INDEX_CHANGE_POLL_MS: positiveInt.max(10000, 'must be at most 10000').default(100),
    // How often the count of every saved segment is recorded (GET /v1/segments/:id/history).
    SEGMENT_HISTORY_INTERVAL_MS: positiveInt.min(60000, 'must be at least 60000 (a minute)').max(86400000, 'must be at most 86400000 (a day)').default(3600000),
    // Webhooks (docs/events.md, Webhooks): one attempt's time limit; the retry backoff (base doubled
    // per attempt up to the max, with jitter); attempts per delivery before it fails for good;
    // failed attempts in a row (any delivery) that pause a webhook; attempts in flight per api
    // process; how often the sender looks for due deliveries; how long deliveries are kept.
    WEBHOOK_TIMEOUT_MS: positiveInt.max(60000, 'must be at most 60000').default(10000),
    WEBHOOK_RETRY_BASE_MS: positiveInt.max(3600000, 'must be at most 3600000').default(5000),
    WEBHOOK_RETRY_MAX_MS: positiveInt.max(86400000, 'must be at most 86400000 (a day)').default(3600000),
    WEBHOOK_MAX_ATTEMPTS: positiveInt.max(100, 'must be at most 100').default(15),
    WEBHOOK_PAUSE_AFTER_FAILURES: positiveInt.max(1000, 'must be at most 1000').default(10),
    // ...and the least time that streak must have lasted (one bad minute does not pause a webhook).
    WEBHOOK_PAUSE_AFTER_MS: z.coerce.number().int().min(0).max(86400000, 'must be at most 86400000 (a day)').default(600000),
    // Webhooks may reach loopback addresses (127.0.0.0/8, ::1, localhost): a receiver on the same
    // machine. Unset: on in development and test, off in production, where a tenant's URL must not
    // reach the api's own host (private, link-local and the like are refused whatever this says).
    WEBHOOK_ALLOW_LOOPBACK: z.enum(['on', 'off'], 'must be on or off').optional(),
    WEBHOOK_CONCURRENCY: positiveInt.max(200, 'must be at most 200').default(8),
    WEBHOOK_POLL_INTERVAL_MS: positiveInt.max(60000, 'must be at most 60000').default(1000),
    // How often an api process looks at which event sources webhooks subscribe to (it consumes a
    // source's topic only while one does; a webhook created through this process is seen at once).
    WEBHOOK_SUBSCRIPTION_CHECK_MS: positiveInt.max(60000, 'must be at most 60000').default(5000),
    WEBHOOK_DELIVERY_RETENTION_HOURS: positiveInt.max(8760, 'must be at most 8760 (a year)').default(168),
    // Limits of a request's cost (docs/operations.md, Limits). Each api process counts on its own,
    // in memory: with N processes a key may make N times these. The defaults are generous: a client
    // meets them only by hammering one key (the test suite never does).
    // Elasticsearch's own search timeout (partial results come back marked timed_out, answered as
    // 503) and the client's, a little longer so the search's own answer usually arrives first.
    SEARCH_TIMEOUT_MS: positiveInt.max(300000, 'must be at most 300000').default(10000),
    SEARCH_REQUEST_TIMEOUT_MS: positiveInt.max(600000, 'must be at most 600000').default(15000),
    // Searches one api process has in flight at Elasticsearch; more wait their turn in the api, and
    // past SEARCH_MAX_QUEUED waiting one is refused with a 503 (http/search-slots.ts).
    SEARCH_MAX_IN_FLIGHT: positiveInt.max(1000, 'must be at most 1000').default(8),
    SEARCH_MAX_QUEUED: positiveInt.max(100000, 'must be at most 100000').default(1000),
    // Requests per API key per window.
    RATE_LIMIT_REQUESTS: positiveInt.default(6000),
    RATE_LIMIT_WINDOW_SECONDS: positiveInt.max(86400, 'must be at most 86400').default(60),
    // Search cost points per API key per window (a count query costs 1, more with CONTAINS, STARTS
    // WITH and PREFIX conditions; member streams, exports and snapshots cost more: http/search-cost.ts).
    SEARCH_COST_BUDGET: positiveInt.default(30000),
    // Presented API keys that failed per client IP per window; past it the IP gets 429 before any lookup.
    AUTH_FAILURE_LIMIT: positiveInt.default(100),
    AUTH_FAILURE_WINDOW_SECONDS: positiveInt.max(86400, 'must be at most 86400').default(60),
  })
  .superRefine((e, ctx) => {
    if (e.SEARCH_REQUEST_TIMEOUT_MS < e.SEARCH_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEARCH_REQUEST_TIMEOUT_MS'],
        message: 'must be at least SEARCH_TIMEOUT_MS (the client would give up before the search answers)',
      });
    }
    if (e.WEBHOOK_RETRY_MAX_MS < e.WEBHOOK_RETRY_BASE_MS) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_RETRY_MAX_MS'], message: 'must be at least WEBHOOK_RETRY_BASE_MS' });
    }
    if (e.ELASTICSEARCH_API_KEY && (e.ELASTICSEARCH_USERNAME || e.ELASTICSEARCH_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ELASTICSEARCH_API_KEY'],
        message: 'must not be set together with ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD (choose one way to authenticate)',
      });
    }
    if (Boolean(e.ELASTICSEARCH_USERNAME) !== Boolean(e.ELASTICSEARCH_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [e.ELASTICSEARCH_USERNAME ? 'ELASTICSEARCH_PASSWORD' : 'ELASTICSEARCH_USERNAME'],
        message: 'must be set together with the other of ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD',
      });
    }
    // A fetch that waits for data sends no heartbeat: it must end well inside the session.
    if (e.INDEXER_LINGER_MS * 3 > e.INDEXER_SESSION_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['INDEXER_LINGER_MS'],
        message: 'must be at most a third of INDEXER_SESSION_TIMEOUT_MS (a fetch waiting for data sends no heartbeat)',
      });
    }
  });
export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  database: { url: string; poolSize: number };
  kafka: {
    brokers: string[];
    clientId: string;
    partitions: number;
    topics: { contactEvents: string; deadLetter: string; segmentEvents: string };
  };
  elasticsearch: ElasticsearchSettings & { indexPrefix: string; contactsAlias: string };
  metrics: { token?: string; apiPort?: number; indexerPort?: number; host: string };
  api: { host: string; port: number; bodyLimit: string; operatorKey?: string; trustProxy?: number | string };
  imports: { maxBytes: number; chunkRows: number; writers: number };
  outbox: { batchSize: number; pollIntervalMs: number };
  indexer: {
    host: string;
    httpPort: number;
    consumerGroup: string;
    maxBatchBytes: number;
    maxBatchEvents: number;
    lingerMs: number;
    sessionTimeoutMs: number;
    changeNoticeMs: number;
    membershipEvents: boolean;
    reevaluationIntervalMs: number;
  };
  consistency: { defaultWaitMs: number; maxWaitMs: number; refreshIntervalMs: number };
  snapshots: { ttlHours: number };
  counts: { cacheEntries: number; cacheMaxAgeMs: number; changePollMs: number; historyIntervalMs: number };
  limits: RequestLimits;
  webhooks: WebhookSettings;
  shutdownTimeoutMs: number;
}

/** Webhook delivery (services/api/src/webhooks); the fan-out's consumer groups are `<consumerGroup>.<source topic>`. */
export interface WebhookSettings {
  consumerGroup: string;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  pauseAfterFailures: number;
  pauseAfterMs: number;
  /** Whether URLs and connections may go to loopback addresses. */
  allowLoopback: boolean;
  concurrency: number;
  pollIntervalMs: number;
  /** How often the fan-out looks at which sources webhooks subscribe to. */
  subscriptionCheckMs: number;
  retentionHours: number;
}

/** What a request may cost: search timeouts, per-key rate and search cost, failed authentications per IP. */
export interface RequestLimits {
  search: { timeoutMs: number; requestTimeoutMs: number; maxInFlight: number; maxQueued: number };
  rate: { requests: number; windowSeconds: number };
  searchCost: { points: number; windowSeconds: number };
  authFailures: { attempts: number; windowSeconds: number };
}

/** How to reach Elasticsearch: the node, how to authenticate, and which CA to trust (es-client.ts). */
export interface ElasticsearchSettings {
  url: string;
  auth?: { apiKey: string } | { username: string; password: string };
  /** A PEM file with the CA certificate(s) that signed the cluster's certificate. */
  caFile?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a Config, or throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(','),
      clientId: e.KAFKA_CLIENT_ID,
      partitions: e.KAFKA_PARTITIONS,
      topics: {
        contactEvents: `${e.KAFKA_TOPIC_PREFIX}contact-events`,
        deadLetter: `${e.KAFKA_TOPIC_PREFIX}contact-events.dlq`,
        segmentEvents: `${e.KAFKA_TOPIC_PREFIX}segment-events`,
      },
    },
    elasticsearch: {
      url: e.ELASTICSEARCH_URL,
      auth: e.ELASTICSEARCH_API_KEY
        ? { apiKey: e.ELASTICSEARCH_API_KEY }
        : e.ELASTICSEARCH_USERNAME && e.ELASTICSEARCH_PASSWORD
          ? { username: e.ELASTICSEARCH_USERNAME, password: e.ELASTICSEARCH_PASSWORD }
          : undefined,
      caFile: e.ELASTICSEARCH_CA_FILE,
      indexPrefix: e.ELASTICSEARCH_INDEX_PREFIX,
      contactsAlias: `${e.ELASTICSEARCH_INDEX_PREFIX}contacts`,
    },
    metrics: { token: e.METRICS_TOKEN, apiPort: e.API_METRICS_PORT, indexerPort: e.INDEXER_METRICS_PORT, host: e.METRICS_HOST ?? e.API_HOST },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      bodyLimit: e.REQUEST_BODY_LIMIT,
      operatorKey: e.OPERATOR_KEY,
      trustProxy: e.API_TRUST_PROXY && /^\d+$/.test(e.API_TRUST_PROXY) ? Number(e.API_TRUST_PROXY) : e.API_TRUST_PROXY,
    },
    imports: { maxBytes: e.IMPORT_MAX_BYTES, chunkRows: e.IMPORT_CHUNK_ROWS, writers: e.IMPORT_WRITERS },
    outbox: { batchSize: e.OUTBOX_BATCH_SIZE, pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS },
    indexer: {
      host: e.INDEXER_HOST ?? e.API_HOST,
      httpPort: e.INDEXER_HTTP_PORT,
      consumerGroup: e.INDEXER_CONSUMER_GROUP,
      maxBatchBytes: e.INDEXER_MAX_BATCH_BYTES,
      maxBatchEvents: e.INDEXER_MAX_BATCH_EVENTS,
      lingerMs: e.INDEXER_LINGER_MS,
      sessionTimeoutMs: e.INDEXER_SESSION_TIMEOUT_MS,
      changeNoticeMs: e.INDEXER_CHANGE_NOTICE_MS,
      membershipEvents: e.MEMBERSHIP_EVENTS === 'on',
      reevaluationIntervalMs: e.MEMBERSHIP_REEVALUATION_INTERVAL_MS,
    },
    consistency: {
      defaultWaitMs: Math.min(e.CONSISTENCY_WAIT_MS, e.CONSISTENCY_MAX_WAIT_MS),
      maxWaitMs: e.CONSISTENCY_MAX_WAIT_MS,
      refreshIntervalMs: e.CONSISTENCY_REFRESH_INTERVAL_MS,
    },
    snapshots: { ttlHours: e.SNAPSHOT_TTL_HOURS },
    counts: {
      cacheEntries: e.COUNT_CACHE_ENTRIES,
      cacheMaxAgeMs: e.COUNT_CACHE_MAX_AGE_MS,
      changePollMs: e.INDEX_CHANGE_POLL_MS,
      historyIntervalMs: e.SEGMENT_HISTORY_INTERVAL_MS,
    },
    limits: {
      search: {
        timeoutMs: e.SEARCH_TIMEOUT_MS,
        requestTimeoutMs: e.SEARCH_REQUEST_TIMEOUT_MS,
        maxInFlight: e.SEARCH_MAX_IN_FLIGHT,
        maxQueued: e.SEARCH_MAX_QUEUED,
      },
      rate: { requests: e.RATE_LIMIT_REQUESTS, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
      searchCost: { points: e.SEARCH_COST_BUDGET, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
      authFailures: { attempts: e.AUTH_FAILURE_LIMIT, windowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS },
    },
    webhooks: {
      consumerGroup: `${e.KAFKA_TOPIC_PREFIX}webhooks`,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      pauseAfterFailures: e.WEBHOOK_PAUSE_AFTER_FAILURES,
      pauseAfterMs: e.WEBHOOK_PAUSE_AFTER_MS,
      allowLoopback: (e.WEBHOOK_ALLOW_LOOPBACK ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
      concurrency: e.WEBHOOK_CONCURRENCY,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
      subscriptionCheckMs: e.WEBHOOK_SUBSCRIPTION_CHECK_MS,
      retentionHours: e.WEBHOOK_DELIVERY_RETENTION_HOURS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
