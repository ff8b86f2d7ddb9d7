import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  test('every variable has a working default', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/segmenter');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topics).toEqual({ contactEvents: 'segmenter.contact-events', deadLetter: 'segmenter.contact-events.dlq' });
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

  test('reports every bad variable at once', () => {
    expect(() => loadConfig({ API_PORT: '-1', KAFKA_BROKERS: 'x' })).toThrow(/API_PORT:[\s\S]*KAFKA_BROKERS:|KAFKA_BROKERS:[\s\S]*API_PORT:/);
  });
});
