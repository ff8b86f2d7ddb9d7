import { UsageError } from './args';
import { ApiError, NetworkError } from './api-client';
import { run } from './cli';
import { EXIT_CODE_MEANINGS, exitCodeForError, ExitCode } from './exit-codes';
import { createFakeContext, jsonResponse, problemResponse } from './fake-context';
import { exitCodeForImport, readImportJob } from './import-job';

describe('exitCodeForError', () => {
  test.each([
    { description: 'a usage error', err: new UsageError('bad flag'), expected: 64 },
    { description: 'an API error', err: new ApiError({ status: 400, detail: 'nope' }), expected: 1 },
    { description: 'a network error', err: new NetworkError('cannot reach'), expected: 1 },
    { description: 'anything else', err: new Error('EACCES'), expected: 1 },
  ])('$description → $expected', ({ err, expected }) => {
    expect(exitCodeForError(err)).toBe(expected);
  });
});

describe('exitCodeForImport', () => {
  test.each([
    { status: 'succeeded', rejected: 0, expected: 0 },
    { status: 'succeeded', rejected: 3, expected: 2 },
    { status: 'failed', rejected: 0, expected: 1 },
    { status: 'cancelled', rejected: 3, expected: 1 },
    { status: 'processing', rejected: 0, expected: 1 },
  ])('$status with $rejected rejected → $expected', ({ status, rejected, expected }) => {
    expect(exitCodeForImport(readImportJob({ id: 'i1', status, progress: { rejected } }))).toBe(expected);
  });
});

test('the help lists every exit code', () => {
  expect(EXIT_CODE_MEANINGS.map(([code]) => code)).toEqual(Object.values(ExitCode));
});

describe('run: exit codes of whole invocations', () => {
  const routes = {
    'GET /v1/segments': () => jsonResponse(200, { items: [] }),
    'GET /v1/segments/missing': () => problemResponse(404, { title: 'Not found', detail: 'Segment missing was not found' }),
  };

  test.each([
    { description: 'help', argv: ['--help'], env: undefined, expected: 0, stream: 'stdout', says: 'Exit codes:' },
    {
      description: "a command's help, even with bad flags",
      argv: ['import', '--bogus', '--help'],
      env: undefined,
      expected: 0,
      stream: 'stdout',
      says: 'Usage: segmenter import FILE',
    },
    { description: 'success', argv: ['segments', 'list'], env: undefined, expected: 0, stream: 'stdout', says: 'id' },
    { description: 'no command', argv: [], env: undefined, expected: 64, stream: 'stderr', says: 'error: missing command' },
    { description: 'an unknown command', argv: ['frobnicate'], env: undefined, expected: 64, stream: 'stderr', says: 'error: unknown command "frobnicate"' },
    { description: 'an unknown flag', argv: ['segments', 'list', '--bogus'], env: undefined, expected: 64, stream: 'stderr', says: "Unknown option '--bogus'" },
    { description: 'no API key', argv: ['segments', 'list'], env: {}, expected: 64, stream: 'stderr', says: 'error: an API key is required' },
    {
      description: 'an API error',
      argv: ['segments', 'get', 'missing'],
      env: undefined,
      expected: 1,
      stream: 'stderr',
      says: 'error: Segment missing was not found',
    },
  ])('$description → $expected', async ({ argv, env, expected, stream, says }) => {
    const fake = createFakeContext(routes, env ? { env } : {});
    expect(await run(argv, fake.context)).toBe(expected);
    expect(stream === 'stdout' ? fake.stdout() : fake.stderr()).toContain(says);
  });

  test('no API key sends no request', async () => {
    const fake = createFakeContext(routes, { env: {} });
    await run(['segments', 'list'], fake.context);
    expect(fake.requests).toHaveLength(0);
  });
});
