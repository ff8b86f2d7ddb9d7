// Writes src/api/api-types.ts from the api's OpenAPI document (`npm run console:types`), so the
// console speaks the API's own types; test/console/api-types.test.ts fails when they drift apart.
// With --stdout it prints the file instead of writing it (what the test compares).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../../api/src/openapi/openapi-document';

const ROOT = join(__dirname, '..', '..', '..');
export const API_TYPES_FILE = join(ROOT, 'services', 'console', 'src', 'api', 'api-types.ts');

const HEADER = `// Generated from the api's OpenAPI document (services/api/src/openapi/openapi-document.ts) by
// \`npm run console:types\` (services/console/scripts/generate-api-types.ts): do not edit by hand.
`;

export function generateApiTypes(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-api-types-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(openApiDocument(), null, 2));
    // Both CLIs in their own process: openapi-typescript is an ES module and prettier loads its
    // plugins by dynamic import, which jest (running the drift test) cannot do.
    const generator = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [generator, join(dir, 'openapi.json'), '--output', join(dir, 'api-types.ts')], { stdio: 'pipe' });
    const generated = HEADER + readFileSync(join(dir, 'api-types.ts'), 'utf8');
    // Formatted as the repository's prettier config says, so `prettier --check` passes on it.
    const prettier = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    return execFileSync(process.execPath, [prettier, '--stdin-filepath', API_TYPES_FILE], { input: generated, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const text = generateApiTypes();
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else writeFileSync(API_TYPES_FILE, text);
}

if (require.main === module) {
  main();
}
