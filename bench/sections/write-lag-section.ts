// Write-to-searchable lag, as a client sees it: a single API write in the large workspace (a label
// change, an upsert, a tag added), then POST /v1/segments/count polled for a condition that only
// the write makes true, while another workspace takes a steady stream of batch upserts. The lag is
// from the write's answer to the first count that shows it.
//
// Why polling a count rather than the Consistency-Token: the count is the read a client makes, and
// what the target is about ("visible to a search"); the token's wait (GET /v1/consistency)
// checks a version by id, which is the mechanism under test, not an independent observer. Polling
// overshoots by at most one poll interval plus one count's latency, both reported.
import type { BenchContext, BenchRow, SectionResult } from '../bench-context';
import { startBackgroundWrites } from './background-writes';
import { percentile, round, sleep } from '../bench-stats';
import { request } from '../bench-api';
import { callApi, countTexts } from './load-support';

const SECTION = 'write-to-searchable';
/** Writers in parallel, each waiting for its write to show before the next: 200 writes in about a minute. */
const LANES = 4;
const POLL_MS = 25;
/** A write not searchable by then counts as this long (and as lost): far above the 1.5 s target. */
const GIVE_UP_MS = 30_000;
/** The index refresh interval (contacts-index settings): the floor a write's lag sits on, the run's baseline. */
const REFRESH_INTERVAL_MS = 1000;
const KINDS = ['labels', 'upsert', 'tags'] as const;
type WriteKind = (typeof KINDS)[number];

interface Measured {
  kind: WriteKind;
  writeMs: number;
  lagMs: number;
  polls: number;
  pollMs: number[];
}

export async function writeToSearchableLag(ctx: BenchContext): Promise<SectionResult> {
  const writes = ctx.smoke ? 21 : 210;
  const run = Date.now().toString(36);
  const { rows: targets } = await ctx.pool.query<{ id: string; email: string }>(
    `select id, email from contacts where workspace_id = $1 and deleted_at is null and email is not null order by id limit $2`,
    [ctx.workspace.id, writes],
  );
  if (targets.length < writes) throw new Error(`${SECTION}: needs ${writes} contacts with an email, the workspace has ${targets.length}`);
  ctx.log(`${SECTION}: ${writes} single writes in ${LANES} lanes, polling a count every ${POLL_MS} ms, while another workspace takes batch upserts`);

  /** Tags added so far per lane: a lane's tag count reaches k when its k-th tag write shows. */
  const tagged = new Array<number>(LANES).fill(0);
  const write = async (lane: number, i: number): Promise<Measured> => {
    const kind = KINDS[i % KINDS.length]!;
    const contact = targets[i]!;
    const value = `w${run}-${i}`;
    let condition: string;
    let expected = 1;
    const started = performance.now();
    switch (kind) {
      case 'labels':
        await callApi(ctx, ctx.workspace, 'PATCH', `/v1/contacts/${contact.id}/labels`, { set: { benchlag: value } });
        condition = `label:benchlag = "${value}"`;
        break;
      case 'upsert':
        await callApi(ctx, ctx.workspace, 'POST', '/v1/contacts/upsert', { matchBy: 'email', contact: { email: contact.email, labels: { benchlag: value } } });
        condition = `label:benchlag = "${value}"`;
        break;
      case 'tags': {
        const tag = `bench lag ${run} ${lane}`;
        await callApi(ctx, ctx.workspace, 'POST', `/v1/contacts/${contact.id}/tags/add`, { tags: [tag], createMissing: true });
        condition = `tag:"${tag}"`;
        expected = ++tagged[lane]!;
        break;
      }
    }
    const answered = performance.now();
    const pollMs: number[] = [];
    for (;;) {
      const polled = performance.now();
      const [count] = await countTexts(ctx, ctx.workspace, [condition]);
      const now = performance.now();
      pollMs.push(now - polled);
      if (count!.total >= expected) return { kind, writeMs: answered - started, lagMs: now - answered, polls: pollMs.length, pollMs };
      if (now - answered > GIVE_UP_MS) return { kind, writeMs: answered - started, lagMs: GIVE_UP_MS, polls: -pollMs.length, pollMs };
      await sleep(POLL_MS);
    }
  };

  /**
   * Read-your-writes: a label write, then at once a count carrying its Consistency-Token (the api
   * waits until the index shows the write, refreshing it for the wait). From the write's answer to
   * the count's; the answer's own consistency.waitedMs beside it.
   */
  const readYourWrites = async (i: number): Promise<{ totalMs: number; waitedMs: number; total: number }> => {
    const contact = targets[i]!;
    const value = `r${run}-${i}`;
    const wrote = await request(ctx.apiUrl, 'PATCH', `/v1/contacts/${contact.id}/labels`, ctx.workspace, { set: { benchryw: value } });
    if (wrote.status !== 200) throw new Error(`${SECTION}: a write answered ${wrote.status}`);
    const answered = performance.now();
    const counted = await callApi<{ results: { total: number }[]; consistency?: { waitedMs: number } }>(ctx, ctx.workspace, 'POST', '/v1/segments/count', {
      queries: [{ text: `label:benchryw = "${value}"` }],
      consistencyToken: wrote.headers.get('consistency-token'),
      waitMs: 10_000,
    });
    return { totalMs: performance.now() - answered, waitedMs: counted.consistency?.waitedMs ?? NaN, total: counted.results[0]!.total };
  };

  const measured: Measured[] = [];
  const waits: { totalMs: number; waitedMs: number; total: number }[] = [];
  const background = startBackgroundWrites(ctx);
  let backgroundFigures;
  try {
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let i = lane; i < writes; i += LANES) measured.push(await write(lane, i));
      }),
    );
    ctx.log(`${SECTION}: ${writes} writes in ${LANES} lanes, each followed by a count carrying its consistency token`);
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let i = lane; i < writes; i += LANES) waits.push(await readYourWrites(i));
      }),
    );
  } finally {
    backgroundFigures = await background.stop();
  }
  const missed = waits.filter((w) => w.total !== 1).length;
  const waitTotals = waits.map((w) => w.totalMs);

  const lags = measured.map((m) => m.lagMs);
  const lost = measured.filter((m) => m.polls < 0).length;
  const byKind = Object.fromEntries(
    KINDS.map((kind) => {
      const of = measured.filter((m) => m.kind === kind).map((m) => m.lagMs);
      return [kind, { writes: of.length, p50Ms: Math.round(percentile(of, 50)), p99Ms: Math.round(percentile(of, 99)) }];
    }),
  );
  const p50 = percentile(lags, 50);
  const p99 = percentile(lags, 99);
  const figures = {
    writes: measured.length,
    lanes: LANES,
    pollIntervalMs: POLL_MS,
    p50Ms: Math.round(p50),
    p95Ms: Math.round(percentile(lags, 95)),
    p99Ms: Math.round(p99),
    maxMs: Math.round(Math.max(...lags)),
    // A lag that grows from the first writes to the last says the pipeline falls behind the background load.
    p50FirstHalfMs: Math.round(percentile(lags.slice(0, Math.floor(lags.length / 2)), 50)),
    p50SecondHalfMs: Math.round(percentile(lags.slice(Math.floor(lags.length / 2)), 50)),
    notSearchableWithinMs: { ms: GIVE_UP_MS, writes: lost },
    byKind,
    writeAnswerP50Ms: round(
      percentile(
        measured.map((m) => m.writeMs),
        50,
      ),
    ),
    countPollP50Ms: round(
      percentile(
        measured.flatMap((m) => m.pollMs),
        50,
      ),
    ),
    pollsPerWriteP50: percentile(
      measured.map((m) => Math.abs(m.polls)),
      50,
    ),
    readYourWrites: {
      writes: waits.length,
      p50Ms: Math.round(percentile(waitTotals, 50)),
      p99Ms: Math.round(percentile(waitTotals, 99)),
      waitedP50Ms: Math.round(
        percentile(
          waits.map((w) => w.waitedMs),
          50,
        ),
      ),
      countsWithoutTheirWrite: missed,
    },
    refreshIntervalMs: REFRESH_INTERVAL_MS,
    ratioP50ToRefreshInterval: round(p50 / REFRESH_INTERVAL_MS, 2),
    background: backgroundFigures,
  };
  const note = `${measured.length} writes (labels, upsert, tags) in ${LANES} lanes; count polled every ${POLL_MS} ms (poll p50 ${figures.countPollP50Ms} ms); while ${backgroundFigures.contactsPerSecond} contacts/s were upserted in another workspace`;
  const rows: BenchRow[] = [
    {
      section: SECTION,
      measure: 'lag p50 (write answered -> count shows it)',
      value: Math.round(p50),
      unit: 'ms',
      note: `${note}; ${figures.ratioP50ToRefreshInterval}x the 1 s refresh interval`,
    },
    { section: SECTION, measure: 'lag p99', value: Math.round(p99), unit: 'ms', target: { op: '<=', value: 1500 }, note },
    {
      section: SECTION,
      measure: 'read-your-writes p50 (write answered -> its count with the token answered)',
      value: figures.readYourWrites.p50Ms,
      unit: 'ms',
      target: { op: '<=', value: 250 },
      note: `${waits.length} label writes in ${LANES} lanes, each counted at once with its Consistency-Token; the api's own wait p50 ${figures.readYourWrites.waitedP50Ms} ms`,
    },
    {
      section: SECTION,
      measure: 'read-your-writes p99',
      value: figures.readYourWrites.p99Ms,
      unit: 'ms',
      target: { op: '<=', value: 600 },
      note: `counts that did not show their write: ${missed}`,
    },
    { section: SECTION, measure: 'read-your-writes counts without their write', value: missed, unit: 'counts', target: { op: '<=', value: 0 } },
    {
      section: SECTION,
      measure: `writes not searchable within ${GIVE_UP_MS / 1000} s`,
      value: lost,
      unit: 'writes',
      target: { op: '<=', value: 0 },
    },
    {
      section: SECTION,
      measure: 'background write failures',
      value: backgroundFigures.failures,
      unit: 'failures',
      target: { op: '<=', value: 0 },
      note: backgroundFigures.firstFailure ?? `${backgroundFigures.contacts} contacts upserted in another workspace`,
    },
  ];
  return { figures, rows };
}
