// Failed jobs stored before error ids kept a dependency's raw text; the migration replaces it with
// our words, and keeps the two texts the code wrote itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';

const MIGRATION = path.join(__dirname, '../../migrations/1764002300000_job-errors-without-dependency-text.sql');
const up = readFileSync(MIGRATION, 'utf8').split('-- Down Migration')[0]!;

let env: TestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment();
});
afterAll(async () => env?.cleanup());

test('raw dependency text in failed jobs is replaced; our own texts, and jobs that did not fail, stay', async () => {
  const stored = [
    ['failed', 'search_phase_execution_exception\n\tRoot causes:\n\t\ttoo_complex_to_determinize_exception: [test-abc-contacts-1] ...'],
    ['failed', 'duplicate key value violates unique constraint "audience_snapshot_chunks_pkey"'],
    ['failed', 'no handler for job type tags.retired'],
    ['failed', 'the members could not be frozen (snapshot failed)'],
    ['running', 'connect ECONNREFUSED 127.0.0.1:9200'],
  ] as const;
  const ids: string[] = [];
  for (const [status, error] of stored) {
    const { rows } = await env.pool.query(`insert into jobs (workspace_id, type, params, status, error) values (null, 'test.job', '{}', $1, $2) returning id`, [
      status,
      error,
    ]);
    ids.push(rows[0].id);
  }
  await env.pool.query(up);
  const { rows } = await env.pool.query('select id, error from jobs where id = any($1)', [ids]);
  const errorOf = (id: string) => rows.find((r) => r.id === id)!.error;
  const replaced = /^the job stopped after 5 failed attempts in a row because of an internal error \(recorded before error ids/;
  expect(errorOf(ids[0]!)).toMatch(replaced);
  expect(errorOf(ids[1]!)).toMatch(replaced);
  expect(errorOf(ids[2]!)).toBe(stored[2][1]);
  expect(errorOf(ids[3]!)).toBe(stored[3][1]);
  expect(errorOf(ids[4]!)).toBe(stored[4][1]);
});
