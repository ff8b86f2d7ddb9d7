import { createPlannerStatistics } from './planner-statistics';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';

describe('planner statistics', () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await createTestEnvironment();
    await env.pool.query('create table grown (id int)');
  });
  afterAll(() => env.cleanup());

  const estimate = async () => Number((await env.pool.query("select reltuples from pg_class where relname = 'grown'")).rows[0].reltuples);
  /** The statistics collector's live-row count is updated when a transaction's counts are flushed: wait until it shows the rows. */
  const untilCounted = async (rows: number) => {
    for (let i = 0; i < 100; i++) {
      const { rows: r } = await env.pool.query("select n_live_tup from pg_stat_user_tables where relname = 'grown'");
      if (Number(r[0]?.n_live_tup ?? 0) >= rows) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the statistics collector never counted ${rows} rows`);
  };

  it('analyzes a table once it outgrows its statistics, and leaves it alone while they hold', async () => {
    const errors: unknown[] = [];
    const statistics = createPlannerStatistics({ pool: env.pool, tables: ['grown'], minRows: 1000, everyMs: 0, onError: (err) => errors.push(err) });

    await env.pool.query('insert into grown select generate_series(1, 500)');
    await untilCounted(500);
    statistics.written();
    expect(await statistics.settled()).toEqual([]); // below minRows: any plan is fast
    expect(await estimate()).toBeLessThan(500);

    await env.pool.query('insert into grown select generate_series(1, 4500)');
    await untilCounted(5000);
    statistics.written();
    expect(await statistics.settled()).toEqual(['grown']);
    expect(await estimate()).toBe(5000);

    await env.pool.query('insert into grown select generate_series(1, 2000)'); // 7,000 rows: less than twice the 5,000 estimated
    await untilCounted(7000);
    statistics.written();
    expect(await statistics.settled()).toEqual([]);
    expect(await estimate()).toBe(5000);

    await env.pool.query('insert into grown select generate_series(1, 4000)'); // 11,000: more than twice
    await untilCounted(11000);
    statistics.written();
    expect(await statistics.settled()).toEqual(['grown']);
    expect(await estimate()).toBe(11000);
    expect(errors).toEqual([]);
  });

  it('looks at the catalog at most once per interval', async () => {
    const statistics = createPlannerStatistics({ pool: env.pool, tables: ['grown'], minRows: 1, everyMs: 60_000, onError: () => undefined });
    await env.pool.query('insert into grown select generate_series(1, 30000)');
    await untilCounted(41000);
    statistics.written();
    expect(await statistics.settled()).toEqual(['grown']);
    await env.pool.query('insert into grown select generate_series(1, 100000)');
    await untilCounted(141000);
    statistics.written(); // within the interval: no look
    expect(await statistics.settled()).toEqual([]);
  });
});
