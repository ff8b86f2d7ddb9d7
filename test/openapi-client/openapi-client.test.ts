// The document can generate a typed client: openapi-typescript turns it into types, and a script
// that calls every operation through openapi-fetch (every-operation.client.ts) must type-check
// against them. The document must also be valid OpenAPI 3.1.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { OPERATIONS, openApiDocument } from '../../services/api/src/openapi/openapi-document';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(__dirname, 'every-operation.client.ts');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the document is valid OpenAPI 3.1', async () => {
  // validate() dereferences in place: give it a copy.
  const result = await validate(JSON.parse(JSON.stringify(openApiDocument())));
  expect(result.valid ? '' : compileErrors(result)).toBe('');
  expect(result.specification).toBe('OpenAPI');
});

test('the script calls every operation of the document', () => {
  const script = readFileSync(SCRIPT, 'utf8');
  const called = new Set([...script.matchAll(/api\.(GET|POST|PUT|PATCH|DELETE)\('([^']+)'/g)].map((m) => `${m[1]!.toLowerCase()} ${m[2]}`));
  const missing = OPERATIONS.map((op) => `${op.method} ${op.path}`).filter((op) => !called.has(op));
  expect(missing).toEqual([]);
});

test('a client generated from the document type-checks a script calling every operation', () => {
  const document = openApiDocument();
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document, null, 2));
  // The CLI, in its own process: openapi-typescript's dependencies are ES modules jest cannot require.
  const generator = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
  execFileSync(process.execPath, [generator, join(dir, 'openapi.json'), '--output', join(dir, 'api-types.ts')], { stdio: 'pipe' });
  // The script without its first line (the @ts-nocheck that keeps the repository's own check off it).
  writeFileSync(join(dir, 'every-operation.client.ts'), readFileSync(SCRIPT, 'utf8').split('\n').slice(1).join('\n'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'Node16',
        moduleResolution: 'Node16',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['every-operation.client.ts', 'api-types.ts'],
    }),
  );
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
  }
  expect(output).toBe('');
}, 120_000);
