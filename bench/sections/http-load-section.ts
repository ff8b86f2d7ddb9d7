// HTTP load: counts (POST /v1/segments/count, as clients send them, then with Cache-Control:
// no-cache so every one is searched) and previews (POST /v1/segments/preview) of the suite's broad
// segments from 32 concurrent connections for 60 s each (autocannon), with the count cache's hit
// ratio and Elasticsearch's CPU per request, while another
// workspace takes a steady stream of batch upserts; then the same conditions, compiled by the SQL
// compiler, as count queries on Postgres alone from 32 concurrent connections for as long: the
// cost of the same load without the search index. Every error and non-2xx answer is counted and
// shown, never dropped.
import autocannon from 'autocannon';
import { createPgPool, matchingContactsSql } from '@segmenter/shared';
import type { BenchContext, BenchRow, SectionResult } from '../bench-context';
import { startBackgroundWrites } from './background-writes';
import { percentile, round } from '../bench-stats';
import { countTexts, resolveSegmentText } from './load-support';

const SECTION = 'http-load';
const CONCURRENCY = 32;
const PREVIEW_LIMIT = 20;
/** Issue 15's target for counts at concurrency 32 while writes flow to another workspace. */
const COUNTS_UNDER_LOAD_TARGET = { requestsPerSecond: 1000, p99Ms: 100 };

interface LoadFigures {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers together: must be zero. */
  failed: number;
  statusCodes?: Record<string, number>;
  /** Elasticsearch's CPU time over the run per completed request (all its work, the background writes' indexing included). */
  elasticsearchCpuMsPerRequest?: number;
  /** How the api answered the counts of the run (counts only): from its cache, joined to one in flight, or searched. */
  countCache?: { hit: number; coalesced: number; miss: number; uncached: number; hitRatio: number };
}

/** Elasticsearch's CPU time so far (every node's process), in ms. */
async function elasticsearchCpuMs(ctx: BenchContext): Promise<number> {
  const stats = await ctx.es.nodes.stats({ metric: 'process' });
  return Object.values(stats.nodes).reduce((sum, node) => sum + (node.process?.cpu?.total_in_millis ?? 0), 0);
}

/** How the api answered counts so far (segmenter_count_answers_total), by outcome. */
async function countAnswers(ctx: BenchContext): Promise<Record<string, number>> {
  const text = await (await fetch(`${ctx.apiUrl}/metrics`)).text();
  const answers: Record<string, number> = {};
  for (const match of text.matchAll(/^segmenter_count_answers_total\{[^}]*outcome="([a-z]+)"[^}]*\} (\S+)$/gm)) answers[match[1]!] = Number(match[2]);
  return answers;
}

/** One autocannon run: every connection cycles through `bodies` POSTed to `route`, with what it cost Elasticsearch and how the api answered. */
async function apiLoad(ctx: BenchContext, route: string, bodies: string[], seconds: number, headers: Record<string, string> = {}): Promise<LoadFigures> {
  const [cpuBefore, answersBefore] = [await elasticsearchCpuMs(ctx), await countAnswers(ctx)];
  const result = await autocannon({
    url: ctx.apiUrl,
    connections: CONCURRENCY,
    duration: seconds,
    // A request slower than this is a failure (a timeout), not a latency sample.
    timeout: 30,
    headers: { 'x-api-key': ctx.workspace.apiKey, 'content-type': 'application/json', ...headers },
    requests: bodies.map((body) => ({ method: 'POST', path: route, body })),
  });
  const completed = result.latency.totalCount;
  const [cpuAfter, answersAfter] = [await elasticsearchCpuMs(ctx), await countAnswers(ctx)];
  const delta = (outcome: string) => (answersAfter[outcome] ?? 0) - (answersBefore[outcome] ?? 0);
  const counted = ['hit', 'coalesced', 'miss', 'uncached'].reduce((sum, o) => sum + delta(o), 0);
  return {
    elasticsearchCpuMsPerRequest: completed > 0 ? round((cpuAfter - cpuBefore) / completed, 3) : 0,
    ...(counted > 0
      ? {
          countCache: {
            hit: delta('hit'),
            coalesced: delta('coalesced'),
            miss: delta('miss'),
            uncached: delta('uncached'),
            hitRatio: round((delta('hit') + delta('coalesced')) / counted, 4),
          },
        }
      : {}),
    requests: completed,
    seconds: round(result.duration),
    requestsPerSecond: Math.round(completed / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, s]) => [status, s.count])),
  };
}

/** The same counts on Postgres alone: CONCURRENCY clients, each running the next query as soon as the last answered. */
async function postgresLoad(ctx: BenchContext, queries: { sql: string; params: unknown[] }[], seconds: number): Promise<LoadFigures> {
  const pool = createPgPool(ctx.pool.options.connectionString!, CONCURRENCY);
  const latencies: number[] = [];
  let failed = 0;
  try {
    // Connections opened before the clock starts, as autocannon's are.
    const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => pool.connect()));
    clients.forEach((c) => c.release());
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let i = worker; performance.now() < deadline; i++) {
          const query = queries[i % queries.length]!;
          const sent = performance.now();
          try {
            await pool.query(query.sql, query.params);
            latencies.push(performance.now() - sent);
          } catch {
            failed++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      requests: latencies.length,
      seconds: round(elapsed),
      requestsPerSecond: Math.round(latencies.length / elapsed),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      failed,
    };
  } finally {
    await pool.end();
  }
}

export async function httpLoad(ctx: BenchContext): Promise<SectionResult> {
  const seconds = ctx.smoke ? 3 : 60;
  const broad = ctx.suite.filter((s) => s.broad);
  const segments = broad.length > 0 ? broad : ctx.suite;
  if (segments.length === 0) throw new Error(`${SECTION}: the suite has no segments`);

  // Every body answered once before the clock starts: a refused one fails here, plainly, rather
  // than as a minute of 4xx; the totals check the Postgres baseline counts the same contacts.
  const apiCounts = await countTexts(
    ctx,
    ctx.workspace,
    segments.map((s) => s.text),
  );
  for (const segment of segments) {
    const res = await fetch(`${ctx.apiUrl}/v1/segments/preview`, {
      method: 'POST',
      headers: { 'x-api-key': ctx.workspace.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ query: { text: segment.text }, limit: PREVIEW_LIMIT }),
    });
    if (!res.ok) throw new Error(`${SECTION}: previewing ${segment.name} answered ${res.status}: ${await res.text()}`);
  }
  // One at a time: the context's pool is small, and a slow count must not time out waiting for a connection.
  const sqlCounts: { sql: string; params: unknown[] }[] = [];
  const sqlTotals: number[] = [];
  for (const segment of segments) {
    const matching = matchingContactsSql(ctx.workspace.id, await resolveSegmentText(ctx, segment.text));
    const query = { sql: `select count(*)::int as total from (${matching.sql}) m`, params: matching.params };
    sqlCounts.push(query);
    sqlTotals.push((await ctx.pool.query<{ total: number }>(query.sql, query.params)).rows[0]!.total);
  }
  const differing = segments.filter((_, i) => sqlTotals[i] !== apiCounts[i]!.total).map((s) => s.name);

  ctx.log(`${SECTION}: ${segments.length} segments, ${CONCURRENCY} connections, ${seconds} s each: counts, previews (api), then counts on Postgres alone`);
  const background = startBackgroundWrites(ctx);
  let counts: LoadFigures, countsUncached: LoadFigures, previews: LoadFigures, postgres: LoadFigures;
  let backgroundFigures;
  try {
    counts = await apiLoad(
      ctx,
      '/v1/segments/count',
      segments.map((s) => JSON.stringify({ queries: [{ text: s.text }] })),
      seconds,
    );
    // The same load with Cache-Control: no-cache: what Elasticsearch itself sustains, every count searched.
    countsUncached = await apiLoad(
      ctx,
      '/v1/segments/count',
      segments.map((s) => JSON.stringify({ queries: [{ text: s.text }] })),
      seconds,
      { 'cache-control': 'no-cache' },
    );
    previews = await apiLoad(
      ctx,
      '/v1/segments/preview',
      segments.map((s) => JSON.stringify({ query: { text: s.text }, limit: PREVIEW_LIMIT })),
      seconds,
    );
    postgres = await postgresLoad(ctx, sqlCounts, seconds);
  } finally {
    backgroundFigures = await background.stop();
  }

  const figures = {
    concurrency: CONCURRENCY,
    secondsEach: seconds,
    segments: segments.map((s, i) => ({ name: s.name, total: apiCounts[i]!.total })),
    postgresTotalsDifferFor: differing,
    apiCounts: counts,
    apiCountsUncached: countsUncached,
    apiPreviews: previews,
    postgresCounts: postgres,
    ratioApiCountsToPostgres: {
      throughput: round(counts.requestsPerSecond / postgres.requestsPerSecond, 2),
      p50: round(counts.p50Ms / postgres.p50Ms, 3),
      p99: round(counts.p99Ms / postgres.p99Ms, 3),
    },
    background: backgroundFigures,
  };
  const size = `${ctx.contacts} contacts, ${segments.length} broad segments, ${CONCURRENCY} connections, ${seconds} s`;
  const during = `while ${backgroundFigures.contactsPerSecond} contacts/s were upserted in another workspace`;
  const rowsOf = (label: string, f: LoadFigures, note: string, targets?: { requestsPerSecond: number; p99Ms: number }): BenchRow[] => [
    {
      section: SECTION,
      measure: `${label}: throughput`,
      value: f.requestsPerSecond,
      unit: 'req/s',
      note,
      ...(targets ? { target: { op: '>=' as const, value: targets.requestsPerSecond } } : {}),
    },
    { section: SECTION, measure: `${label}: p50`, value: f.p50Ms, unit: 'ms' },
    { section: SECTION, measure: `${label}: p99`, value: f.p99Ms, unit: 'ms', ...(targets ? { target: { op: '<=' as const, value: targets.p99Ms } } : {}) },
  ];
  const rows: BenchRow[] = [
    ...rowsOf(
      'counts via api (count cache, as clients send them)',
      counts,
      `${size}; ${during}; each answers total + sendable email/phone`,
      COUNTS_UNDER_LOAD_TARGET,
    ),
    {
      section: SECTION,
      measure: 'counts via api: errors + non-2xx',
      value: counts.failed,
      unit: 'requests',
      target: { op: '<=', value: 0 },
      note: JSON.stringify(counts.statusCodes),
    },
    {
      section: SECTION,
      measure: 'counts via api: count cache hit ratio',
      value: counts.countCache?.hitRatio ?? 0,
      unit: 'ratio',
      note: `${JSON.stringify(counts.countCache)}; Elasticsearch CPU ${counts.elasticsearchCpuMsPerRequest} ms per request (background indexing included)`,
    },
    ...rowsOf('counts via api, Cache-Control: no-cache', countsUncached, `${size}; ${during}; every count searched in Elasticsearch`),
    {
      section: SECTION,
      measure: 'counts via api, no-cache: errors + non-2xx',
      value: countsUncached.failed,
      unit: 'requests',
      target: { op: '<=', value: 0 },
      note: `Elasticsearch CPU ${countsUncached.elasticsearchCpuMsPerRequest} ms per request; ${JSON.stringify(countsUncached.statusCodes)}`,
    },
    ...rowsOf('previews via api (Elasticsearch)', previews, `${size}; ${during}; first ${PREVIEW_LIMIT} contacts + counts`),
    {
      section: SECTION,
      measure: 'previews via api: errors + non-2xx',
      value: previews.failed,
      unit: 'requests',
      target: { op: '<=', value: 0 },
      note: JSON.stringify(previews.statusCodes),
    },
    ...rowsOf(
      'counts on Postgres alone (SQL compiler)',
      postgres,
      `same conditions, pg pool of ${CONCURRENCY}, ${seconds} s; total only; ${differing.length === 0 ? 'same totals as the api' : `totals differ for ${differing.join(', ')}`}`,
    ),
    { section: SECTION, measure: 'counts on Postgres alone: errors', value: postgres.failed, unit: 'queries', target: { op: '<=', value: 0 } },
    {
      section: SECTION,
      measure: 'counts: api throughput / Postgres throughput',
      value: figures.ratioApiCountsToPostgres.throughput,
      unit: 'x',
      note: `p50 ratio ${figures.ratioApiCountsToPostgres.p50}, p99 ratio ${figures.ratioApiCountsToPostgres.p99}`,
    },
  ];
  return { figures, rows };
}
