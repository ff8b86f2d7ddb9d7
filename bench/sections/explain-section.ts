// Explaining a count: POST /v1/segments/explain of a 10-condition segment (its conditions, its
// funnel and its OR's branches, 22 searches in one _msearch) against the plain count of the same
// segment, in alternating rounds of the same run, so the ratio is what explaining costs over counting.
import type { BenchContext, SectionResult } from '../bench-context';
import { call } from '../bench-api';
import { round, summarize, timed } from '../bench-stats';

/** Issue 16: under 100 ms for a 10-condition segment at 1M contacts. */
const EXPLAIN_TARGET_MS = 100;

/** Ten conditions over the data's own vocabulary: a nested OR, two NOTs, relative dates, engagement, labels, a custom field. */
function tenConditions(tags: string[]): string {
  const tag = (i: number) => JSON.stringify(tags[Math.min(i, tags.length - 1)]!);
  return [
    `(tag:${tag(1)} OR label:tier = platinum)`,
    'country IN [US, GB, FR, DE]',
    'sendable:email',
    'NOT label:lifecycle = churned',
    'created IN LAST 365 DAYS',
    'engagement:email.opened IN LAST 90 DAYS',
    'label:plan IN [free, starter, pro]',
    `NOT tag:${tag(5)}`,
    'custom:ltv > 50',
  ].join(' AND ');
}

export async function explainSection(ctx: BenchContext): Promise<SectionResult> {
  const tags = (await ctx.pool.query<{ name: string }>('select name from tags where workspace_id = $1 order by name', [ctx.workspace.id])).rows.map(
    (r) => r.name,
  );
  const text = tenConditions(tags);
  const warmup = ctx.smoke ? 3 : 10;
  const rounds = ctx.smoke ? 20 : 200;
  const explainSamples: number[] = [];
  const countSamples: number[] = [];
  let explained: { tree: { count: number }; searches: number; tookMs: number } | undefined;
  let counted: number | undefined;
  // Alternating, so both meet the same index, caches and background: only the work differs. The
  // count is sent with Cache-Control: no-cache (explain has no api-side cache either).
  for (let r = 0; r < warmup + rounds; r++) {
    const e = await timed(() => call(ctx.apiUrl, 'POST', '/v1/segments/explain', ctx.workspace, { query: { text } }));
    const c = await timed(() => call(ctx.apiUrl, 'POST', '/v1/segments/count', ctx.workspace, { queries: [{ text }] }, { 'cache-control': 'no-cache' }));
    if (r < warmup) continue;
    explainSamples.push(e.ms);
    countSamples.push(c.ms);
    explained = e.value;
    counted = c.value.results[0].total;
  }
  if (explained!.tree.count !== counted) throw new Error(`explain's root count ${explained!.tree.count} differs from the count ${counted} of: ${text}`);
  const explain = summarize(explainSamples);
  const count = summarize(countSamples);
  const ratio = { p50: round(explain.p50Ms / count.p50Ms, 2), p99: round(explain.p99Ms / count.p99Ms, 2) };
  return {
    figures: { text, rounds, warmup, searches: explained!.searches, total: counted, explain, count, ratio },
    rows: [
      {
        section: 'explain',
        measure: 'explain of a 10-condition segment p50',
        value: explain.p50Ms,
        unit: 'ms',
        target: { op: '<=', value: EXPLAIN_TARGET_MS },
        note: `${rounds} requests, ${explained!.searches} searches in one _msearch; ${ratio.p50}x the count's p50 (${count.p50Ms} ms)`,
      },
      {
        section: 'explain',
        measure: 'explain of a 10-condition segment p99',
        value: explain.p99Ms,
        unit: 'ms',
        target: { op: '<=', value: EXPLAIN_TARGET_MS },
        note: `${ratio.p99}x the count's p99 (${count.p99Ms} ms, Cache-Control: no-cache, same rounds)`,
      },
    ],
  };
}
