import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  test('every variable has a working default', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/segmenter');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topics).toEqual({
      contactEvents: 'segmenter.contact-events',
      deadLetter: 'segmenter.contact-events.dlq',
      segmentEvents: 'segmenter.segment-events',
    });
    expect(config.elasticsearch.contactsAlias).toBe('segmenter-contacts');
    expect(config.api.operatorKey).toBeUndefined();
    expect(config.indexer.sessionTimeoutMs).toBe(10000);
  });

  test('prefixes name topics, consumer-visible indices and aliases', () => {
    const config = loadConfig({ KAFKA_TOPIC_PREFIX: 'test.ab12.', ELASTICSEARCH_INDEX_PREFIX: 'test-ab12-' });
    expect(config.kafka.topics.contactEvents).toBe('test.ab12.contact-events');
    expect(config.elasticsearch.contactsAlias).toBe('test-ab12-contacts');
  });

  test('empty strings count as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).toBe(8080);
  });

  test("the indexer listens on its own host, the api's when unset", () => {
    expect(loadConfig({}).indexer.host).toBe('127.0.0.1');
    expect(loadConfig({ API_HOST: '0.0.0.0' }).indexer.host).toBe('0.0.0.0');
    expect(loadConfig({ API_HOST: '0.0.0.0', INDEXER_HOST: '10.0.0.5' }).indexer.host).toBe('10.0.0.5');
    expect(loadConfig({ INDEXER_HOST: '10.0.0.5' }).api.host).toBe('127.0.0.1');
  });

  test('webhooks may reach loopback in development and test, not in production, unless WEBHOOK_ALLOW_LOOPBACK says', () => {
    expect(loadConfig({}).webhooks.allowLoopback).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).webhooks.allowLoopback).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).webhooks.allowLoopback).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_ALLOW_LOOPBACK: 'on' }).webhooks.allowLoopback).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOW_LOOPBACK: 'off' }).webhooks.allowLoopback).toBe(false);
    expect(() => loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'yes' })).toThrow(/WEBHOOK_ALLOW_LOOPBACK.*must be on or off/);
    expect(loadConfig({}).webhooks.pauseAfterMs).toBe(600000);
  });

  test('lists of brokers are split', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1,b:2' }).kafka.brokers).toEqual(['a:1', 'b:2']);
  });

  test.each([
    ['DATABASE_URL', 'mysql://x', 'must be a URL with scheme postgres: or postgresql:'],
    ['DATABASE_URL', 'not a url', 'must be a URL with scheme postgres: or postgresql:'],
    ['ELASTICSEARCH_URL', 'ftp://x', 'must be a URL with scheme http: or https:'],
    ['KAFKA_BROKERS', 'localhost', 'must be a comma-separated list of host:port'],
    ['KAFKA_BROKERS', 'a:1,', 'must be a comma-separated list of host:port'],
    ['KAFKA_TOPIC_PREFIX', 'Upper.', 'must contain only lower-case letters, digits, ".", "_" and "-"'],
    ['ELASTICSEARCH_INDEX_PREFIX', 'a b', 'must contain only lower-case letters, digits, ".", "_" and "-"'],
    ['API_PORT', '70000', 'Too big'],
    ['API_PORT', 'eighty', 'expected number'],
    ['OUTBOX_BATCH_SIZE', '0', 'Too small'],
    ['OUTBOX_BATCH_SIZE', '20000', 'must be at most 10000'],
    ['LOG_LEVEL', 'verbose', 'Invalid option'],
    ['OPERATOR_KEY', 'short', 'must be at least 24 characters'],
    ['REQUEST_BODY_LIMIT', '2 megabytes', 'must look like 512kb or 2mb'],
    ['INDEXER_SESSION_TIMEOUT_MS', '3000', 'must be at least 6000 (the broker refuses less)'],
  ])('%s=%j is refused, naming the variable', (name, value, rule) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]!.toLowerCase()).toContain(rule.toLowerCase());
  });

  test('the linger must fit three times in the consumer session', () => {
    expect(() => loadConfig({ INDEXER_LINGER_MS: '4000' })).toThrow(/INDEXER_LINGER_MS: must be at most a third of INDEXER_SESSION_TIMEOUT_MS/);
    expect(loadConfig({ INDEXER_LINGER_MS: '4000', INDEXER_SESSION_TIMEOUT_MS: '12000' }).indexer.lingerMs).toBe(4000);
  });

  test('metrics: open on the service port by default; a token and ports of their own when set', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, apiPort: undefined, indexerPort: undefined, host: '127.0.0.1' });
    const token = 'm'.repeat(24);
    expect(loadConfig({ METRICS_TOKEN: token, API_METRICS_PORT: '9464', INDEXER_METRICS_PORT: '9465', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      token,
      apiPort: 9464,
      indexerPort: 9465,
      host: '10.0.0.5',
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 24 characters/);
  });

  test('Elasticsearch: an API key, or a user with a password, never both; a CA file', () => {
    expect(loadConfig({}).elasticsearch.auth).toBeUndefined();
    expect(loadConfig({ ELASTICSEARCH_API_KEY: 'aWQ6a2V5' }).elasticsearch.auth).toEqual({ apiKey: 'aWQ6a2V5' });
    const basic = loadConfig({ ELASTICSEARCH_USERNAME: 'svc', ELASTICSEARCH_PASSWORD: 'pw', ELASTICSEARCH_CA_FILE: '/etc/ca.pem' }).elasticsearch;
    expect(basic).toMatchObject({ auth: { username: 'svc', password: 'pw' }, caFile: '/etc/ca.pem' });
    expect(() => loadConfig({ ELASTICSEARCH_USERNAME: 'svc' })).toThrow(/ELASTICSEARCH_PASSWORD: must be set together/);
    expect(() => loadConfig({ ELASTICSEARCH_PASSWORD: 'pw' })).toThrow(/ELASTICSEARCH_USERNAME: must be set together/);
    expect(() => loadConfig({ ELASTICSEARCH_API_KEY: 'k', ELASTICSEARCH_USERNAME: 'svc', ELASTICSEARCH_PASSWORD: 'pw' })).toThrow(
      /ELASTICSEARCH_API_KEY: must not be set together/,
    );
  });

  test('reports every bad variable at once', () => {
    expect(() => loadConfig({ API_PORT: '-1', KAFKA_BROKERS: 'x' })).toThrow(/API_PORT:[\s\S]*KAFKA_BROKERS:|KAFKA_BROKERS:[\s\S]*API_PORT:/);
  });
});
