// The `segmenter` command line against the real stack (API, job runner, relay, indexer): each
// command runs in process with capturing streams and the real fetch, and is checked by its exit
// code, what it prints, the files it writes, and what the API then holds. The tests run in order:
// the reading commands count, list and export what the import tests put in the workspace.
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ApiHarness, startApiHarness, Workspace } from '../../../test/support/api-harness';
import { run } from './cli';
import { ExitCode } from './exit-codes';
import { captureStream } from './fake-context';

let h: ApiHarness;
let ws: Workspace;
let dir: string;

/** Runs one command line against the harness's API with `key` (null: no key at all), recording each request sent. */
async function segmenter(argv: string[], key: string | null = ws.key) {
  const stdout = captureStream();
  const stderr = captureStream();
  const requests: string[] = [];
  const code = await run(argv, {
    env: { SEGMENTER_URL: h.api.url, ...(key === null ? {} : { SEGMENTER_API_KEY: key }) },
    stdout: stdout.stream,
    stderr: stderr.stream,
    fetch: (url, init) => {
      requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
      return fetch(url, init);
    },
    pollIntervalMs: 100,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text(), requests };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function count(text: string, key = ws.key): Promise<number> {
  const res = await h.request('POST', '/v1/segments/count', { key, body: { queries: [{ text }] } });
  return res.body.results[0].total;
}

/** Gold contacts imported so far, as the import tests add them. */
let gold = 0;

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: true });
  ws = await h.createWorkspace();
  dir = await mkdtemp(join(tmpdir(), 'segmenter-cli-'));
});
afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('import', () => {
  test('a file with bad rows: imported but for them, exit 2, the bad rows saved next to the file with their error', async () => {
    const lines = ['email,first_name,tags,label_tier,email_status'];
    const bad = new Map<number, string>();
    const addBad = (row: number, column: string, line: string) => {
      bad.set(row, column);
      lines.push(line);
    };
    for (let row = 1; row <= 300; row++) {
      const kind = row % 30 === 0 ? (row / 30) % 3 : -1;
      if (kind === 0) addBad(row, 'email', `not-an-email-${row},Bad,,gold,active`);
      // Label values may hold any printable text, up to 256 characters.
      else if (kind === 1) addBad(row, 'label_tier', `row${row}@example.com,Bad,,${'g'.repeat(257)},active`);
      else if (kind === 2) addBad(row, 'email_status', `row${row}@example.com,Bad,,gold,bogus`);
      else {
        const tier = row % 2 ? 'gold' : 'silver';
        if (tier === 'gold') gold++;
        lines.push(`row${row}@example.com,"Row ${row}, CLI",${row % 3 === 0 ? 'CLI Import' : ''},${tier},active`);
      }
    }
    const file = join(dir, 'contacts.csv');
    await writeFile(file, `${lines.join('\n')}\n`);

    const result = await segmenter(['import', file, '--create-missing-tags']);
    expect(result.code).toBe(ExitCode.rowsRejected);
    expect(result.stdout).toMatch(/^import [0-9a-f-]{36} succeeded in /);
    for (const [name, n] of [
      ['created', 290],
      ['updated', 0],
      ['unchanged', 0],
      ['skipped', 0],
      ['rejected', 10],
      ['indexed', 290],
    ] as const) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +${n}$`, 'm'));
    }
    const rejectedFile = join(dir, 'contacts.rejected.csv');
    expect(result.stdout).toContain(`10 rejected rows written to ${rejectedFile}\n`);

    const rejected = parse(await readFile(rejectedFile, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rejected.map((r) => Number(r.row))).toEqual([...bad.keys()]);
    for (const r of rejected) {
      expect(r.first_name).toBe('Bad');
      expect(r.error).toMatch(new RegExp(`^${bad.get(Number(r.row))}: `));
    }
    expect(await exists(`${rejectedFile}.partial`)).toBe(false);
    // Imported means searchable: the import waited for the index.
    expect(await count('label:tier = gold')).toBe(gold);
  });

  test('a clean file: exit 0, and no rejected-rows file', async () => {
    const file = join(dir, 'clean.csv');
    await writeFile(file, ['email,first_name,label_tier', ...Array.from({ length: 40 }, (_, i) => `clean${i}@example.com,Clean ${i},gold`)].join('\r\n'));
    gold += 40;
    const result = await segmenter(['import', file]);
    expect([result.code, result.stderr]).toEqual([ExitCode.success, expect.not.stringContaining('error')]);
    expect(result.stdout).toMatch(/^ {2}created +40$/m);
    expect(result.stdout).toMatch(/^ {2}rejected +0$/m);
    expect(await exists(join(dir, 'clean.rejected.csv'))).toBe(false);
  });

  test('a file whose header cannot be imported: exit 1, and the problem printed', async () => {
    const file = join(dir, 'no-email.csv');
    await writeFile(file, 'first_name,label_tier\nAda,gold\n');
    const result = await segmenter(['import', file]);
    expect(result.code).toBe(ExitCode.failure);
    expect(result.stderr).toMatch(/^error: .*the file needs an email or a phone column/m);
    expect(result.stderr).toMatch(/^ {2}header: the file needs an email or a phone column$/m);
  });

  test('no API key: exit 64, and nothing sent', async () => {
    const result = await segmenter(['import', join(dir, 'clean.csv')], null);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain('an API key is required');
    expect(result.requests).toEqual([]);
  });
});

describe('reading what was imported', () => {
  test('count prints the total of a query', async () => {
    const result = await segmenter(['count', 'label:tier = gold']);
    expect(result.code).toBe(ExitCode.success);
    const [header, line, ...rest] = result.stdout.split('\n');
    expect(header).toMatch(/^ *total +email +phone +query$/);
    // Every contact imported is active with an email, none has a phone.
    expect(line).toMatch(new RegExp(`^ *${gold} +${gold} +0 +label:tier = gold$`));
    expect(rest).toEqual(['']);
  });

  test("segments create, then list shows it, and its count is the query's", async () => {
    const created = await segmenter(['segments', 'create', '--name', 'Gold from the CLI', '--text', 'label:tier = gold AND tag:"CLI Import"']);
    expect(created.code).toBe(ExitCode.success);
    const segment = JSON.parse(created.stdout);
    expect(segment).toMatchObject({ name: 'Gold from the CLI', text: 'label:tier = gold AND tag:"CLI Import"' });

    const listed = await segmenter(['segments', 'list']);
    expect(listed.code).toBe(ExitCode.success);
    expect(listed.stdout).toMatch(new RegExp(`^${segment.id}  Gold from the CLI  label:tier = gold AND tag:"CLI Import"$`, 'm'));

    const counted = await segmenter(['count', '--segment', segment.id]);
    expect(counted.stdout).toMatch(new RegExp(`^ *${await count('label:tier = gold AND tag:"CLI Import"')} .* segment ${segment.id}$`, 'm'));
  });

  test('members --format csv streams a header and one line per member', async () => {
    const result = await segmenter(['members', '--query', 'label:tier = gold', '--format', 'csv', '--fields', 'id,email']);
    expect(result.code).toBe(ExitCode.success);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe('id,email');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(1 + gold);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(gold);
  });

  test('export -o writes a file that imports back into another workspace with exit 0', async () => {
    const out = join(dir, 'out.csv');
    const exported = await segmenter(['export', '--query', 'label:tier = gold', '-o', out]);
    expect([exported.code, exported.stdout, exported.stderr]).toEqual([ExitCode.success, '', `exported to ${out}\n`]);
    expect(await exists(`${out}.partial`)).toBe(false);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(gold);
    expect(rows.every((r) => r.label_tier === 'gold')).toBe(true);

    const other = await h.createWorkspace();
    const imported = await segmenter(['import', out, '--create-missing-tags'], other.key);
    expect([imported.code, imported.stderr]).toEqual([ExitCode.success, expect.not.stringContaining('error')]);
    expect(imported.stdout).toMatch(new RegExp(`^  created +${gold}$`, 'm'));
    expect(await count('label:tier = gold', other.key)).toBe(gold);
    expect(await count('tag:"CLI Import"', other.key)).toBe(await count('label:tier = gold AND tag:"CLI Import"'));
  });
});
