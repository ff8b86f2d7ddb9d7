import {
  DEFAULT_URL,
  expectPositionals,
  parseChoice,
  parseColumnMappings,
  parseCommandArgs,
  parseList,
  resolveConnection,
  splitCommand,
  UsageError,
} from './args';

describe('splitCommand', () => {
  test.each([
    { description: 'command first', argv: ['import', 'f.csv', '--key', 'k'], expected: { command: 'import', rest: ['f.csv', '--key', 'k'] } },
    {
      description: 'connection flags before the command',
      argv: ['--key', 'k', '--url', 'http://x', 'count', 'q'],
      expected: { command: 'count', rest: ['--key', 'k', '--url', 'http://x', 'q'] },
    },
    { description: 'a flag=value before the command', argv: ['--key=k', 'segments', 'list'], expected: { command: 'segments', rest: ['--key=k', 'list'] } },
    { description: 'no command', argv: ['--help'], expected: { rest: ['--help'] } },
    { description: 'nothing at all', argv: [], expected: { rest: [] } },
  ])('$description', ({ argv, expected }) => {
    expect(splitCommand(argv)).toEqual(expected);
  });
});

describe('parseCommandArgs', () => {
  const options = { 'match-by': { type: 'string' }, column: { type: 'string', multiple: true }, 'no-wait': { type: 'boolean' } } as const;

  test('reads command options, connection options and positionals in any order', () => {
    const { values, positionals } = parseCommandArgs(['--column', 'A=email', 'f.csv', '--key', 'k', '--column', 'B=', '--no-wait'], options);
    expect(values).toEqual({ column: ['A=email', 'B='], key: 'k', 'no-wait': true });
    expect(positionals).toEqual(['f.csv']);
  });

  test.each([
    { description: 'an unknown flag', argv: ['--bogus'] },
    { description: 'a string flag without its value', argv: ['--match-by'] },
    { description: 'a value given to a boolean flag', argv: ['--no-wait=yes'] },
  ])('$description is a usage error', ({ argv }) => {
    expect(() => parseCommandArgs(argv, options)).toThrow(UsageError);
  });
});

describe('resolveConnection', () => {
  test.each([
    {
      description: 'flags win over the environment',
      values: { url: 'http://flag', key: 'kf' },
      env: { SEGMENTER_URL: 'http://env', SEGMENTER_API_KEY: 'ke' },
      expected: { url: 'http://flag', apiKey: 'kf' },
    },
    {
      description: 'the environment when no flag',
      values: {},
      env: { SEGMENTER_URL: 'http://env', SEGMENTER_API_KEY: 'ke' },
      expected: { url: 'http://env', apiKey: 'ke' },
    },
    { description: 'the default URL when neither', values: { key: 'k' }, env: {}, expected: { url: DEFAULT_URL, apiKey: 'k' } },
    { description: 'an empty SEGMENTER_URL counts as unset', values: { key: 'k' }, env: { SEGMENTER_URL: '' }, expected: { url: DEFAULT_URL, apiKey: 'k' } },
  ])('$description', ({ values, env, expected }) => {
    expect(resolveConnection(values, env)).toEqual(expected);
  });

  test('a missing key is a usage error that names both ways to give it', () => {
    expect(() => resolveConnection({}, { SEGMENTER_API_KEY: '' })).toThrow(new UsageError('an API key is required: pass --key KEY or set SEGMENTER_API_KEY'));
  });

  test('a URL that does not parse is a usage error', () => {
    expect(() => resolveConnection({ url: 'not a url', key: 'k' }, {})).toThrow(UsageError);
  });
});

describe('value parsers', () => {
  test('parseChoice accepts the vocabulary, leaves an absent flag undefined, refuses the rest', () => {
    expect(parseChoice('match-by', 'phone', ['email', 'phone'])).toBe('phone');
    expect(parseChoice('match-by', undefined, ['email', 'phone'])).toBeUndefined();
    expect(() => parseChoice('match-by', 'name', ['email', 'phone'])).toThrow('--match-by must be one of email, phone, got "name"');
  });

  test.each([
    { value: 'a,b,c', expected: ['a', 'b', 'c'] },
    { value: ' a , b ,', expected: ['a', 'b'] },
    { value: undefined, expected: undefined },
  ])('parseList($value)', ({ value, expected }) => {
    expect(parseList('fields', value)).toEqual(expected);
  });

  test('parseList refuses a list with nothing in it', () => {
    expect(() => parseList('fields', ' , ')).toThrow(UsageError);
  });

  test('parseColumnMappings maps headers to targets, an empty target to null', () => {
    expect(parseColumnMappings(['E-mail=email', 'Tier=label:tier', 'Notes=', 'a=b=custom:plan'])).toEqual({
      'E-mail': 'email',
      Tier: 'label:tier',
      Notes: null,
      'a=b': 'custom:plan',
    });
    expect(parseColumnMappings(undefined)).toBeUndefined();
  });

  test.each(['email', '=email'])('parseColumnMappings refuses %j', (pair) => {
    expect(() => parseColumnMappings([pair])).toThrow(UsageError);
  });

  test('parseColumnMappings refuses the same header twice', () => {
    expect(() => parseColumnMappings(['A=email', 'A=phone'])).toThrow('--column "A" is given twice');
  });

  test('expectPositionals names what is missing and what is extra', () => {
    expect(expectPositionals(['f.csv'], ['FILE'])).toEqual(['f.csv']);
    expect(() => expectPositionals([], ['FILE'])).toThrow('missing FILE');
    expect(() => expectPositionals(['a', 'b'], ['FILE'])).toThrow('unexpected argument "b"');
  });
});
