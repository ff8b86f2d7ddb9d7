import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './cli';
import { createFakeContext, jsonResponse, problemResponse, textResponse } from './fake-context';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'segmenter-cli-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('segmenter export', () => {
  test.each([
    { argv: ['--segment', 's1'], body: { segment: { segmentId: 's1' } } },
    { argv: ['--query', 'tag:vip'], body: { segment: { text: 'tag:vip' } } },
    { argv: ['--search', 'ann'], body: { search: { q: 'ann' } } },
    { argv: ['--deleted', '--columns', 'email, phone'], body: { deleted: true, columns: ['email', 'phone'] } },
  ])('$argv asks for $body and pipes the CSV to stdout', async ({ argv, body }) => {
    const fake = createFakeContext({ 'POST /v1/exports/contacts': () => textResponse('email\na@x.test\n') });
    expect(await run(['export', ...argv], fake.context)).toBe(0);
    expect(JSON.parse(fake.requests[0]!.body!)).toEqual(body);
    expect(fake.stdout()).toBe('email\na@x.test\n');
  });

  test('-o writes the file', async () => {
    const out = join(dir, 'out.csv');
    const fake = createFakeContext({ 'POST /v1/exports/contacts': () => textResponse('email\na@x.test\n') });
    expect(await run(['export', '--deleted', '-o', out], fake.context)).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('email\na@x.test\n');
    expect(fake.stdout()).toBe('');
  });

  test('a refused export creates no file', async () => {
    const out = join(dir, 'out.csv');
    const fake = createFakeContext({ 'POST /v1/exports/contacts': () => problemResponse(404, { title: 'Not found', detail: 'Segment s1 was not found' }) });
    expect(await run(['export', '--segment', 's1', '-o', out], fake.context)).toBe(1);
    expect(fake.stderr()).toBe('error: Segment s1 was not found\n');
    await expect(access(out)).rejects.toThrow();
  });

  test.each([[[]], [['--segment', 's1', '--deleted']]])('%j is a usage error: exactly one selector', async (argv) => {
    const fake = createFakeContext({});
    expect(await run(['export', ...argv], fake.context)).toBe(64);
    expect(fake.stderr()).toContain('give exactly one of --segment, --query, --search, --deleted');
  });
});

describe('segmenter count', () => {
  test('counts texts and saved segments in one request, one line each', async () => {
    const fake = createFakeContext({
      'POST /v1/segments/count': () =>
        jsonResponse(200, {
          results: [
            { total: 12345, sendable: { email: 10000, phone: 800 } },
            { total: 7, sendable: { email: 7, phone: 0 } },
          ],
          tookMs: 4,
        }),
    });
    expect(await run(['count', 'tag:vip', '--segment', 's1'], fake.context)).toBe(0);
    expect(JSON.parse(fake.requests[0]!.body!)).toEqual({ queries: [{ text: 'tag:vip' }, { segmentId: 's1' }] });
    expect(fake.stdout()).toBe([' total   email  phone  query', '12,345  10,000    800  tag:vip', '     7       7      0  segment s1', ''].join('\n'));
  });

  test('a query that failed prints its own rules (or its detail) in its line and exits 1', async () => {
    const fake = createFakeContext({
      'POST /v1/segments/count': () =>
        jsonResponse(200, {
          results: [
            { total: 1, sendable: { email: 1, phone: 1 } },
            { status: 400, title: 'Validation failed', detail: 'x', errors: [{ field: 'body.queries.1.text', rule: 'unknown tag "vip"' }] },
            { status: 409, title: 'Conflict', detail: 'Segment "A" is broken: tag "B" was deleted', errors: [] },
          ],
        }),
    });
    expect(await run(['count', 'a', 'b', 'c'], fake.context)).toBe(1);
    expect(fake.stdout()).toContain('error: unknown tag "vip"');
    expect(fake.stdout()).toContain('error: Segment "A" is broken: tag "B" was deleted');
    expect(fake.stdout()).toMatch(/^\s*1\s+1\s+1\s+a$/m);
  });

  test('a query the API refuses prints the problem with its field', async () => {
    const fake = createFakeContext({
      'POST /v1/segments/count': () =>
        problemResponse(400, {
          title: 'Validation failed',
          detail: 'body.queries.0.text: unknown tag "vip"',
          errors: [{ field: 'body.queries.0.text', rule: 'unknown tag "vip"' }],
        }),
    });
    expect(await run(['count', 'tag:vip'], fake.context)).toBe(1);
    expect(fake.stderr()).toBe('error: body.queries.0.text: unknown tag "vip"\n  body.queries.0.text: unknown tag "vip"\n');
  });

  test('nothing to count is a usage error', async () => {
    expect(await run(['count'], createFakeContext({}).context)).toBe(64);
  });
});

describe('segmenter members', () => {
  test('--segment reads the saved segment with format and fields in the query string', async () => {
    const fake = createFakeContext({ 'GET /v1/segments/s1/members': () => textResponse('id,email\r\n1,a@x.test\r\n') });
    expect(await run(['members', '--segment', 's1', '--format', 'csv', '--fields', 'id,email'], fake.context)).toBe(0);
    expect(Object.fromEntries(fake.requests[0]!.query)).toEqual({ format: 'csv', fields: 'id,email' });
    expect(fake.stdout()).toBe('id,email\r\n1,a@x.test\r\n');
  });

  test('--query posts the text, fields as one comma-separated string (as on GET)', async () => {
    const fake = createFakeContext({ 'POST /v1/segments/members': () => textResponse('{"id":"1"}\n', 'application/x-ndjson') });
    expect(await run(['members', '--query', 'tag:vip', '--fields', 'id, email'], fake.context)).toBe(0);
    expect(JSON.parse(fake.requests[0]!.body!)).toEqual({ query: { text: 'tag:vip' }, fields: 'id,email' });
    expect(fake.stdout()).toBe('{"id":"1"}\n');
  });

  test('a format outside ndjson and csv is a usage error', async () => {
    expect(await run(['members', '--segment', 's1', '--format', 'xml'], createFakeContext({}).context)).toBe(64);
  });
});

describe('segmenter segments', () => {
  const segment = { id: 's1', name: 'VIP', description: null, condition: {}, text: 'tag:vip\nAND country = "FR"', createdAt: 'x', updatedAt: 'x' };

  test('list prints a table of id, name and text on one line each', async () => {
    const fake = createFakeContext({ 'GET /v1/segments': () => jsonResponse(200, { items: [segment, { ...segment, id: 's22', name: 'All' }] }) });
    expect(await run(['segments', 'list'], fake.context)).toBe(0);
    expect(fake.stdout()).toBe(['id   name  text', 's1   VIP   tag:vip AND country = "FR"', 's22  All   tag:vip AND country = "FR"', ''].join('\n'));
  });

  test('list follows the cursor through every page', async () => {
    const fake = createFakeContext({
      'GET /v1/segments': [
        () => jsonResponse(200, { items: [segment], nextCursor: 'page-2' }),
        () => jsonResponse(200, { items: [{ ...segment, id: 's22', name: 'All' }], nextCursor: null }),
      ],
    });
    expect(await run(['segments', 'list'], fake.context)).toBe(0);
    expect(fake.requests.map((r) => [r.query.get('limit'), r.query.get('cursor')])).toEqual([
      ['1000', null],
      ['1000', 'page-2'],
    ]);
    expect(fake.stdout()).toBe(['id   name  text', 's1   VIP   tag:vip AND country = "FR"', 's22  All   tag:vip AND country = "FR"', ''].join('\n'));
  });

  test('get prints the segment as JSON', async () => {
    const fake = createFakeContext({ 'GET /v1/segments/s1': () => jsonResponse(200, segment) });
    expect(await run(['segments', 'get', 's1'], fake.context)).toBe(0);
    expect(JSON.parse(fake.stdout())).toEqual(segment);
  });

  test('create sends name, text from a file, and description', async () => {
    const textFile = join(dir, 'vip.seg');
    await writeFile(textFile, 'tag:vip');
    const fake = createFakeContext({ 'POST /v1/segments': () => jsonResponse(201, segment) });
    expect(await run(['segments', 'create', '--name', 'VIP', '--file', textFile, '--description', 'best'], fake.context)).toBe(0);
    expect(JSON.parse(fake.requests[0]!.body!)).toEqual({ name: 'VIP', text: 'tag:vip', description: 'best' });
    expect(JSON.parse(fake.stdout())).toEqual(segment);
  });

  test('delete confirms', async () => {
    const fake = createFakeContext({ 'DELETE /v1/segments/s1': () => new Response(null, { status: 204 }) });
    expect(await run(['segments', 'delete', 's1'], fake.context)).toBe(0);
    expect(fake.stdout()).toBe('deleted segment s1\n');
  });

  test.each([
    { argv: ['segments'], says: 'missing action' },
    { argv: ['segments', 'rename', 's1'], says: 'unknown action "rename"' },
    { argv: ['segments', 'get'], says: 'missing ID' },
    { argv: ['segments', 'create', '--name', 'x'], says: 'give exactly one of --text, --file' },
    { argv: ['segments', 'list', '--name', 'x'], says: "--name only goes with 'segments create'" },
  ])('$argv is a usage error', async ({ argv, says }) => {
    const fake = createFakeContext({});
    expect(await run(argv, fake.context)).toBe(64);
    expect(fake.stderr()).toContain(says);
  });
});
