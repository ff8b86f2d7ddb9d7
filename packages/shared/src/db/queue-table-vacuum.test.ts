// The queue-table vacuum runs once per threshold of deleted rows, never two at a time, and a
// failed vacuum is reported, not thrown at the writer that happened to cross the threshold.
import type { Pool } from 'pg';
import { createQueueTableVacuum } from './queue-table-vacuum';

function fakePool() {
  const queries: string[] = [];
  let release: (() => void) | undefined;
  let fail = false;
  const pool = {
    query: (sql: string) => {
      queries.push(sql);
      return new Promise<void>((resolve, reject) => (release = () => (fail ? reject(new Error('no')) : resolve())));
    },
  } as unknown as Pool;
  return { pool, queries, finish: () => release?.(), failNext: () => (fail = true) };
}

test('vacuums after every threshold of deleted rows, one at a time', async () => {
  const fake = fakePool();
  const vacuum = createQueueTableVacuum({ pool: fake.pool, table: 'outbox', everyDeletedRows: 100, onError: () => undefined });
  vacuum.deleted(60);
  expect(fake.queries).toEqual([]);
  vacuum.deleted(40);
  expect(fake.queries).toEqual(['vacuum (skip_locked) outbox']);
  vacuum.deleted(500); // one is running: no second now...
  expect(fake.queries).toHaveLength(1);
  fake.finish();
  await vacuum.settled();
  vacuum.deleted(1); // ...but the rows deleted meanwhile are vacuumed by the next one
  expect(fake.queries).toHaveLength(2);
  fake.finish();
  await vacuum.settled();
  vacuum.deleted(99);
  expect(fake.queries).toHaveLength(2);
  vacuum.deleted(1);
  expect(fake.queries).toHaveLength(3);
});

test('a failed vacuum goes to onError', async () => {
  const fake = fakePool();
  const errors: unknown[] = [];
  const vacuum = createQueueTableVacuum({ pool: fake.pool, table: 'import_rows', everyDeletedRows: 1, onError: (err) => errors.push(err) });
  fake.failNext();
  vacuum.deleted(1);
  fake.finish();
  await vacuum.settled();
  expect(errors).toHaveLength(1);
});
