import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './cli';
import { createFakeContext, jsonResponse, problemResponse, textResponse, type FakeHandler } from './fake-context';

const CSV = 'email,first_name\na@x.test,Ann\nnot-an-email,Bob\n';

function importAnswer(status: string, progress: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
  return {
    id: 'imp-1',
    status,
    fileName: 'contacts.csv',
    options: {},
    mapping: [{ index: 0, header: 'email', target: 'email' }],
    progress: { rowsRead: 2, rowsStaged: 2, processed: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, rejected: 0, indexed: 0, ...progress },
    rowsPerSecond: null,
    etaSeconds: null,
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    aFieldFromANewerServer: { ignored: true },
    ...extra,
  };
}
const finished = (status: string, progress: Record<string, number>, extra: Record<string, unknown> = {}) =>
  importAnswer(status, { processed: 2, ...progress }, { finishedAt: '2025-01-01T00:01:05.000Z', ...extra });

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmenter-cli-'));
  file = join(dir, 'contacts.csv');
  await writeFile(file, CSV);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function importRoutes(polls: unknown[], extra: Record<string, FakeHandler | FakeHandler[]> = {}) {
  return {
    'POST /v1/imports': () => jsonResponse(201, importAnswer('awaiting_file', { rowsRead: 0, rowsStaged: 0 })),
    'PUT /v1/imports/imp-1/file': () => jsonResponse(202, importAnswer('processing')),
    'GET /v1/imports/imp-1': polls.map(
      (answer): FakeHandler =>
        () =>
          jsonResponse(200, answer),
    ),
    ...extra,
  };
}

describe('segmenter import', () => {
  test('creates the import with the given options only, streams the file, follows it and saves the rejected rows (exit 2)', async () => {
    const fake = createFakeContext(
      importRoutes(
        [
          importAnswer('processing', { processed: 1 }),
          finished('indexing', { created: 1, rejected: 1 }),
          finished('succeeded', { created: 1, rejected: 1, indexed: 1 }),
        ],
        {
          'GET /v1/imports/imp-1/rejected-rows': () => textResponse('email,first_name,error\nnot-an-email,Bob,email: must be an email address\n'),
        },
      ),
    );
    const code = await run(
      ['import', file, '--match-by', 'email', '--create-missing-tags', '--column', 'Vorname=first_name', '--column', 'notes='],
      fake.context,
    );

    expect(code).toBe(2);
    const [create, upload] = fake.requests;
    expect(JSON.parse(create!.body!)).toEqual({
      matchBy: 'email',
      createMissingTags: true,
      columns: { Vorname: 'first_name', notes: null },
      fileName: 'contacts.csv',
    });
    expect(upload).toMatchObject({ method: 'PUT', body: CSV, duplex: 'half', headers: { 'content-type': 'text/csv', 'x-api-key': 'sk_test' } });
    expect(await readFile(join(dir, 'contacts.rejected.csv'), 'utf8')).toContain('not-an-email,Bob,email: must be an email address');
    expect(fake.stdout()).toBe(
      [
        'import imp-1 succeeded in 1m05s (0 rows/s)',
        '  created   1',
        '  updated   0',
        '  unchanged 0',
        '  skipped   0',
        '  rejected  1',
        '  indexed   1',
        `1 rejected rows written to ${join(dir, 'contacts.rejected.csv')}`,
        '',
      ].join('\n'),
    );
    // Not a terminal: plain progress lines, one per status.
    expect(fake.stderr()).toMatch(/^import imp-1: uploading .*contacts\.csv \(47 B\)\nprocessing +50%.*\nindexing .*\nsucceeded .*\n$/);
  });

  test('a clean import exits 0 and downloads nothing', async () => {
    const fake = createFakeContext(importRoutes([finished('succeeded', { created: 2, indexed: 2 })]));
    expect(await run(['import', file], fake.context)).toBe(0);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/imports', 'PUT /v1/imports/imp-1/file', 'GET /v1/imports/imp-1']);
    await expect(access(join(dir, 'contacts.rejected.csv'))).rejects.toThrow();
  });

  test('--rejected-out chooses where the rejected rows go', async () => {
    const out = join(dir, 'bad.csv');
    const fake = createFakeContext(
      importRoutes([finished('succeeded', { created: 1, rejected: 1 })], { 'GET /v1/imports/imp-1/rejected-rows': () => textResponse('email,error\nx,bad\n') }),
    );
    expect(await run(['import', file, '--rejected-out', out], fake.context)).toBe(2);
    expect(await readFile(out, 'utf8')).toBe('email,error\nx,bad\n');
  });

  test.each([
    { status: 'failed', error: 'the file is not valid UTF-8', says: 'error: the file is not valid UTF-8' },
    { status: 'cancelled', error: null, says: 'error: import imp-1 cancelled' },
  ])('an import that ends $status exits 1 with the error', async ({ status, error, says }) => {
    const fake = createFakeContext(importRoutes([finished(status, { rejected: 1 }, { error })]));
    expect(await run(['import', file], fake.context)).toBe(1);
    expect(fake.stderr()).toContain(says);
    expect(fake.stdout()).toContain(`import imp-1 ${status}`);
  });

  test('--no-wait prints the import id and stops after the upload', async () => {
    const fake = createFakeContext(importRoutes([]));
    expect(await run(['import', file, '--no-wait'], fake.context)).toBe(0);
    expect(fake.stdout()).toBe('imp-1\n');
    expect(fake.requests).toHaveLength(2);
  });

  test("follows the import while the file is still being sent, against the server's row estimate", async () => {
    let releaseUpload!: () => void;
    const uploadReleased = new Promise<void>((resolve) => (releaseUpload = resolve));
    const fake = createFakeContext({
      ...importRoutes([]),
      'PUT /v1/imports/imp-1/file': async () => {
        await uploadReleased;
        return jsonResponse(202, importAnswer('processing'));
      },
      'GET /v1/imports/imp-1': [
        () => jsonResponse(200, importAnswer('uploading', { rowsRead: 1, rowsStaged: 1, processed: 1, estimatedRows: 4 })),
        () => {
          releaseUpload();
          return jsonResponse(200, importAnswer('processing', { rowsRead: 4, processed: 3, estimatedRows: 4 }));
        },
        () => jsonResponse(200, finished('succeeded', { rowsRead: 4, processed: 4, created: 4, estimatedRows: 4 })),
      ],
    });
    expect(await run(['import', file], fake.context)).toBe(0);
    expect(fake.stderr()).toContain('\nuploading   25%  1/4 rows');
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'GET', 'GET', 'GET']);
  });

  test('an upload the API refuses prints its problems and exits 1', async () => {
    const fake = createFakeContext({
      ...importRoutes([importAnswer('processing')]),
      'PUT /v1/imports/imp-1/file': () =>
        problemResponse(400, {
          title: 'Validation failed',
          detail: 'the header row is not valid',
          errors: [{ field: 'file.header', rule: 'column "emial" is not a contact field' }],
        }),
    });
    expect(await run(['import', file], fake.context)).toBe(1);
    expect(fake.stderr()).toContain('error: the header row is not valid\n  file.header: column "emial" is not a contact field\n');
  });

  test('Ctrl-C while following cancels the import and exits 1', async () => {
    const interrupt = new AbortController();
    const fake = createFakeContext(
      {
        ...importRoutes([]),
        'GET /v1/imports/imp-1': () => {
          interrupt.abort();
          return jsonResponse(200, importAnswer('processing', { processed: 1 }));
        },
        'POST /v1/imports/imp-1/cancel': () => jsonResponse(200, importAnswer('cancelled')),
      },
      { signal: interrupt.signal },
    );
    expect(await run(['import', file], fake.context)).toBe(1);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/imports/imp-1/cancel' });
    expect(fake.stderr()).toContain('interrupted: cancelling import imp-1\nimport imp-1 cancelled\n');
  });

  test('a poll that meets a passing server error keeps following', async () => {
    const fake = createFakeContext({
      ...importRoutes([]),
      'GET /v1/imports/imp-1': [() => problemResponse(503, { title: 'Service Unavailable' }), () => jsonResponse(200, finished('succeeded', { created: 2 }))],
    });
    expect(await run(['import', file], fake.context)).toBe(0);
  });

  test.each([
    { description: 'a file that does not exist', argv: () => ['import', join(dir, 'nope.csv')], says: 'no such file' },
    { description: 'no file', argv: () => ['import'], says: 'missing FILE' },
    { description: 'a bad choice', argv: () => ['import', file, '--on-match', 'merge'], says: '--on-match must be one of update, skip' },
    { description: 'a bad column mapping', argv: () => ['import', file, '--column', 'email'], says: "--column must be 'Header=target'" },
  ])('$description is a usage error (64) that creates nothing', async ({ argv, says }) => {
    const fake = createFakeContext(importRoutes([]));
    expect(await run(argv(), fake.context)).toBe(64);
    expect(fake.stderr()).toContain(says);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('segmenter import over real HTTP', () => {
  test('the file goes out streamed with its length, and arrives whole', async () => {
    const big = `email\n${Array.from({ length: 40_000 }, (_, i) => `contact${i}@example.test`).join('\n')}\n`;
    await writeFile(file, big);
    const received: { headers?: IncomingMessage['headers']; body?: string } = {};
    const server = createServer(async (req, res) => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/v1/imports') return send(201, importAnswer('awaiting_file'));
      if (req.method === 'PUT' && req.url === '/v1/imports/imp-1/file') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        received.headers = req.headers;
        received.body = Buffer.concat(chunks).toString();
        return send(202, importAnswer('processing'));
      }
      if (req.url === '/v1/imports/imp-1') return send(200, finished('succeeded', { created: 2, rejected: 1 }));
      if (req.url === '/v1/imports/imp-1/rejected-rows') return res.writeHead(200, { 'content-type': 'text/csv' }).end('email,error\nx,bad\n');
      send(404, {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const fake = createFakeContext(
        {},
        {
          fetch: (url, init) => fetch(url, init),
          env: { SEGMENTER_API_KEY: 'k', SEGMENTER_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
        },
      );
      expect(await run(['import', file], fake.context)).toBe(2);
      expect(received.body).toBe(big);
      expect(received.headers).toMatchObject({ 'content-length': String(Buffer.byteLength(big)), 'content-type': 'text/csv', 'x-api-key': 'k' });
      expect(await readFile(join(dir, 'contacts.rejected.csv'), 'utf8')).toBe('email,error\nx,bad\n');
    } finally {
      server.close();
    }
  });
});
