// Many counts at once: 20 segments in one POST /v1/segments/count (a dashboard of segments, one
// _msearch behind it), checked against the suite's counts one by one; and the workspace's
// dashboard numbers (GET /v1/counts).
import type { BenchContext, SectionResult } from '../bench-context';
import { call } from '../bench-api';
import { summarize, timed } from '../bench-stats';
import { apiCount } from './suite-section';

const TWENTY_COUNTS_TARGET_MS = 100;
export const QUERIES_PER_REQUEST = 20;

/** 20 segment texts: the suite, then tags of the data until there are 20. */
function twentySegments(ctx: BenchContext, tagNames: string[]): string[] {
  const texts = ctx.suite.map((s) => s.text).slice(0, QUERIES_PER_REQUEST);
  for (const name of tagNames) {
    if (texts.length >= QUERIES_PER_REQUEST) break;
    texts.push(`tag:${JSON.stringify(name)} AND sendable:email`);
  }
  return texts;
}

export async function countsSection(ctx: BenchContext): Promise<SectionResult> {
  const tagNames = (await ctx.pool.query<{ name: string }>('select name from tags where workspace_id = $1 order by name', [ctx.workspace.id])).rows.map(
    (r) => r.name,
  );
  const texts = twentySegments(ctx, tagNames);
  const warmup = ctx.smoke ? 3 : 10;
  const rounds = ctx.smoke ? 20 : 200;
  const body = { queries: texts.map((text) => ({ text })) };
  const samples: number[] = [];
  let totals: number[] = [];
  // Cache-Control: no-cache, so Elasticsearch answers every round (the api's count cache would answer all but the first).
  for (let r = 0; r < warmup + rounds; r++) {
    const { ms, value } = await timed(() => call(ctx.apiUrl, 'POST', '/v1/segments/count', ctx.workspace, body, { 'cache-control': 'no-cache' }));
    if (r >= warmup) samples.push(ms);
    totals = value.results.map((result: { total?: number }) => result.total);
  }
  const cachedSamples: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    const { ms } = await timed(() => call(ctx.apiUrl, 'POST', '/v1/segments/count', ctx.workspace, body));
    if (r >= warmup) cachedSamples.push(ms);
  }
  // The same numbers as one count per request: batching must not change an answer.
  const one = [] as number[];
  for (const text of texts) one.push(await apiCount(ctx, text));
  const differ = texts.filter((_, i) => one[i] !== totals[i]);
  if (differ.length > 0) throw new Error(`20 counts in one request differ from one count per request for: ${differ.join(' | ')}`);

  const dashboard: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    const { ms } = await timed(() => call(ctx.apiUrl, 'GET', '/v1/counts', ctx.workspace));
    if (r >= warmup) dashboard.push(ms);
  }
  const twenty = summarize(samples);
  const twentyCached = summarize(cachedSamples);
  const counts = summarize(dashboard);
  return {
    figures: { queries: texts, rounds, warmup, twentyCounts: twenty, twentyCountsCached: twentyCached, totals, dashboardCounts: counts },
    rows: [
      {
        section: 'counts',
        measure: '20 segment counts in one request p50',
        value: twenty.p50Ms,
        unit: 'ms',
        target: { op: '<=', value: TWENTY_COUNTS_TARGET_MS },
        note: `${rounds} requests; each answer equal to its count alone`,
      },
      {
        section: 'counts',
        measure: '20 segment counts in one request p99',
        value: twenty.p99Ms,
        unit: 'ms',
        target: { op: '<=', value: TWENTY_COUNTS_TARGET_MS },
      },
      {
        section: 'counts',
        measure: '20 segment counts in one request p50, count cache',
        value: twentyCached.p50Ms,
        unit: 'ms',
        note: `p99 ${twentyCached.p99Ms} ms; the rows above sent Cache-Control: no-cache`,
      },
      { section: 'counts', measure: 'dashboard counts (GET /v1/counts) p50', value: counts.p50Ms, unit: 'ms', note: `p99 ${counts.p99Ms} ms` },
    ],
  };
}
