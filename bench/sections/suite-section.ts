// The segment suite, each segment counted two ways: through the API (POST /v1/segments/count, the
// text compiled to an Elasticsearch query, with Cache-Control: no-cache so Elasticsearch answers
// every one; then once more from the api's count cache, and Elasticsearch's own took with and
// without its caches and the sendable aggregations), and with the reference SQL compiler straight on
// Postgres after adding the indexes a Postgres engineer would add for the compiled SQL's access
// paths. Both counts must be equal; the headline is Postgres's time over Elasticsearch's.
import {
  checkCondition,
  compileToElasticsearch,
  Condition,
  matchingContactsSql,
  normalizeCondition,
  parseSegment,
  PoolClient,
  workspaceSearch,
} from '@segmenter/shared';
import { mapLeaves } from '../../services/api/src/segments/segment-dependencies';
import { SENDABLE_AGGREGATIONS } from '../../services/api/src/segments/segment-counts';
import type { BenchContext, BenchRow, SectionResult, SuiteSegment } from '../bench-context';
import { call } from '../bench-api';
import { CUSTOM_FIELDS } from '../bench-data';
import { BROAD_SHARE } from '../bench-suite';
import { LatencySummary, round, summarize, timed } from '../bench-stats';
import { startBackgroundWrites } from './background-writes';

const COUNT_TARGET = { p50Ms: 10, p99Ms: 50 };
const BROAD_RATIO_TARGET = 10;

/**
 * Indexes for the compiled SQL (packages/shared/src/segments/sql-compiler.ts), created for the
 * measurement and dropped after it. What the migrations already have serves the rest: tags by
 * (contact_id, tag_id) and (tag_id, contact_id), created dates by (workspace_id, created_at, id),
 * engagement by (contact_id, channel, status, occurred_at). The figures say which ones the planner
 * used: the compiled SQL wraps every leaf in coalesce(..., false), which no btree or GIN index on a
 * contacts column can serve, so only the driving scan and the semi-joins find an index.
 */
const BENCH_INDEXES: { name: string; definition: string; why: string }[] = [
  {
    name: 'bench_contacts_live',
    definition: 'on contacts (workspace_id) where deleted_at is null',
    why: "every compiled query's driving scan: a workspace's live contacts",
  },
  {
    name: 'bench_contacts_email_status',
    definition: 'on contacts (workspace_id, email_status) where deleted_at is null',
    why: 'email_status IN, sendable:email',
  },
  {
    name: 'bench_contacts_phone_status',
    definition: 'on contacts (workspace_id, phone_status) where deleted_at is null',
    why: 'phone_status IN, sendable:phone',
  },
  { name: 'bench_contacts_country', definition: 'on contacts (workspace_id, country) where deleted_at is null', why: 'country IN' },
  {
    name: 'bench_contacts_subscriptions',
    definition: 'on contacts using gin (subscription_categories)',
    why: 'subscription: (&& and @> on the text[] column: GIN, the one array the schema has)',
  },
  {
    name: 'bench_contact_labels_key_value',
    definition: 'on contact_labels (key, value) include (contact_id)',
    why: "label conditions: the compiled subquery filters on key and value, not the workspace, so the migration's (workspace_id, key, value) index cannot serve it",
  },
];

/**
 * JIT is measured both ways, interleaved, and Postgres's figure is the faster: compiling the plan
 * cost a second of a 1.5 s count at 10,000 contacts (OLTP setups commonly turn it off), while a
 * scan of a million rows may earn it back. The "before" figure keeps the server's settings.
 */
const JIT_MODES = ['off', 'on'] as const;
type JitMode = (typeof JIT_MODES)[number];

export interface ResolvedSegment extends SuiteSegment {
  tree: Condition;
}

/** Text to the tree the api compiles: parsed with the workspace's custom fields, checked, normalised, tag names resolved to ids. */
export async function resolveSuite(ctx: BenchContext): Promise<ResolvedSegment[]> {
  const tagIds = new Map(
    (await ctx.pool.query<{ id: string; name: string }>('select id, name from tags where workspace_id = $1', [ctx.workspace.id])).rows.map((t) => [
      t.name,
      t.id,
    ]),
  );
  const customFieldTypes = new Map(CUSTOM_FIELDS.map((f) => [f.key, f.type]));
  return ctx.suite.map((segment) => {
    const checked = checkCondition(parseSegment(segment.text, { customFieldTypes }));
    if ('problems' in checked) throw new Error(`suite segment ${segment.name}: ${JSON.stringify(checked.problems)}`);
    const tree = mapLeaves(normalizeCondition(checked.tree), (leaf) =>
      leaf.kind === 'tag'
        ? {
            ...leaf,
            tags: leaf.tags.map((name) => {
              const id = tagIds.get(name);
              if (!id) throw new Error(`suite segment ${segment.name} names tag ${name}, which the data does not have`);
              return id;
            }),
          }
        : leaf,
    );
    return { ...segment, tree };
  });
}

/** One count through the API; its total. `cached`: the api may answer from its count cache (otherwise `Cache-Control: no-cache`). */
export async function apiCount(ctx: BenchContext, text: string, cached = false): Promise<number> {
  const answer = await call(ctx.apiUrl, 'POST', '/v1/segments/count', ctx.workspace, { queries: [{ text }] }, cached ? {} : { 'cache-control': 'no-cache' });
  const result = answer.results[0];
  if (typeof result.total !== 'number') throw new Error(`count of ${text}: ${JSON.stringify(result)}`);
  return result.total;
}

async function sqlCount(client: PoolClient, workspaceId: string, tree: Condition): Promise<number> {
  const { sql, params } = matchingContactsSql(workspaceId, tree);
  return (await client.query(`select count(*)::int as n from (${sql}) m`, params)).rows[0].n;
}

export async function suiteSection(ctx: BenchContext): Promise<SectionResult> {
  const segments = await resolveSuite(ctx);
  const warmup = ctx.smoke ? 3 : 10;
  const rounds = ctx.smoke ? 20 : 200;
  const sqlRounds = ctx.smoke ? 2 : 5;

  // (a) Through the API, round-robin over the suite so the machine's noise spreads over all of them.
  ctx.log(`suite: ${segments.length} segments through the API, ${warmup} warm-up and ${rounds} measured rounds`);
  const apiMs = segments.map(() => [] as number[]);
  const apiTotals = segments.map(() => new Set<number>());
  for (let r = 0; r < warmup + rounds; r++) {
    for (const [i, segment] of segments.entries()) {
      const { ms, value } = await timed(() => apiCount(ctx, segment.text));
      apiTotals[i]!.add(value);
      if (r >= warmup) apiMs[i]!.push(ms);
    }
  }
  // The same counts answered by the api's count cache (nothing written meanwhile: every one a hit after the first).
  const cachedMs = segments.map(() => [] as number[]);
  const cachedRounds = Math.ceil(rounds / 4);
  for (let r = 0; r < cachedRounds + 1; r++) {
    for (const [i, segment] of segments.entries()) {
      const { ms } = await timed(() => apiCount(ctx, segment.text, true));
      if (r >= 1) cachedMs[i]!.push(ms);
    }
  }
  // Both again while another workspace of the same index takes a steady stream of writes: every
  // refresh then changes the shard, so Elasticsearch's request cache is dropped about once a second
  // and most no-cache counts are computed; the api's cache is not (the writes are another workspace's).
  const busyMs = segments.map(() => ({ noCache: [] as number[], cached: [] as number[] }));
  const background = startBackgroundWrites(ctx);
  let busyWrites;
  try {
    for (let r = 0; r < cachedRounds + 1; r++) {
      for (const [i, segment] of segments.entries()) {
        const fresh = await timed(() => apiCount(ctx, segment.text));
        const cached = await timed(() => apiCount(ctx, segment.text, true));
        if (r >= 1) {
          busyMs[i]!.noCache.push(fresh.ms);
          busyMs[i]!.cached.push(cached.ms);
        }
      }
    }
  } finally {
    busyWrites = await background.stop();
  }

  // Where a count's time goes: the compiled query on its own (Elasticsearch's _count, no API), and
  // the api's exact search with Elasticsearch's own `took`, computed (request_cache off) with and
  // without the sendable aggregations, and from its shard request cache.
  const esMs = segments.map(() => [] as number[]);
  const tookMs = segments.map(() => ({ computed: [] as number[], withoutSendable: [] as number[], requestCache: [] as number[] }));
  for (let r = 0; r < Math.ceil(rounds / 4) + warmup; r++) {
    for (const [i, segment] of segments.entries()) {
      const search = workspaceSearch(ctx.alias, ctx.workspace.id, [compileToElasticsearch(segment.tree)]);
      const { ms } = await timed(() => ctx.es.count({ index: search.index, routing: search.routing, query: search.query }));
      const took = async (aggs: boolean, requestCache: boolean) =>
        (
          await ctx.es.search({
            index: search.index,
            routing: search.routing,
            size: 0,
            track_total_hits: true,
            query: search.query,
            request_cache: requestCache,
            ...(aggs ? { aggs: SENDABLE_AGGREGATIONS } : {}),
          })
        ).took;
      const computed = await took(true, false);
      const withoutSendable = await took(false, false);
      const requestCache = await took(true, true);
      if (r >= warmup) {
        esMs[i]!.push(ms);
        tookMs[i]!.computed.push(computed);
        tookMs[i]!.withoutSendable.push(withoutSendable);
        tookMs[i]!.requestCache.push(requestCache);
      }
    }
  }

  // Elasticsearch's profile of each count, computed (request cache off): which queries and which
  // aggregations its time went to, the slowest first (in the JSON only).
  const profiles = [] as { query: ProfiledPart[]; aggregations: ProfiledPart[] }[];
  for (const segment of segments) {
    const search = workspaceSearch(ctx.alias, ctx.workspace.id, [compileToElasticsearch(segment.tree)]);
    const answer = await ctx.es.search({
      index: search.index,
      routing: search.routing,
      size: 0,
      track_total_hits: true,
      query: search.query,
      request_cache: false,
      profile: true,
      aggs: SENDABLE_AGGREGATIONS,
    });
    const shard = answer.profile?.shards[0];
    profiles.push({
      query: slowest((shard?.searches ?? []).flatMap((s) => flattenProfile(s.query))),
      aggregations: slowest((shard?.aggregations ?? []).map((a) => ({ type: a.type, description: a.description, ms: a.time_in_nanos / 1e6 }))),
    });
  }

  // (b) The reference SQL on Postgres: once as the migrations leave it, then tuned (the bench's indexes, JIT off and on).
  const client = await ctx.pool.connect();
  const sqlBefore: number[] = [];
  const sqlMs = segments.map(() => ({ off: [] as number[], on: [] as number[] }));
  const sqlTotals: number[] = [];
  const indexes: { name: string; seconds: number; why: string; usedBy?: string[] }[] = [];
  try {
    await client.query("set statement_timeout = '600s'");
    const settings = (
      await client.query("select name, setting from pg_settings where name in ('jit', 'max_parallel_workers_per_gather', 'shared_buffers', 'work_mem')")
    ).rows;
    await client.query('analyze contacts; analyze contact_tags; analyze contact_labels; analyze activities');
    // Time-boxed: at a million contacts the largest trees take minutes in Postgres.
    const budgetMs = ctx.smoke ? 5_000 : 60_000;
    ctx.log('suite: Postgres as the migrations leave it (one run after a warm-up)');
    for (const segment of segments) {
      const first = await timed(() => sqlCount(client, ctx.workspace.id, segment.tree)); // warms the cache
      sqlBefore.push(first.ms > budgetMs / 4 ? first.ms : (await timed(() => sqlCount(client, ctx.workspace.id, segment.tree))).ms);
    }
    ctx.log(`suite: creating ${BENCH_INDEXES.length} indexes`);
    for (const index of BENCH_INDEXES) {
      const { ms } = await timed(() => client.query(`create index ${index.name} ${index.definition}`));
      indexes.push({ name: `${index.name} ${index.definition}`, seconds: round(ms / 1000), why: index.why });
    }
    await client.query('analyze contacts; analyze contact_labels');
    ctx.log(`suite: Postgres tuned, up to ${sqlRounds} rounds of JIT off and on after a warm-up`);
    for (const [i, segment] of segments.entries()) {
      await client.query('set jit = off');
      const first = await timed(() => sqlCount(client, ctx.workspace.id, segment.tree));
      sqlTotals.push(first.value);
      let spent = first.ms;
      for (let r = 0; r < sqlRounds && (r === 0 || spent < budgetMs); r++) {
        for (const mode of JIT_MODES) {
          await client.query(`set jit = ${mode}`);
          const { ms } = await timed(() => sqlCount(client, ctx.workspace.id, segment.tree));
          sqlMs[i]![mode].push(ms);
          spent += ms;
        }
      }
    }
    await client.query('set jit = off');
    // Which of the bench's indexes the planner uses, and for what: the compiled SQL wraps every
    // leaf in coalesce(..., false), which no btree on a contacts column can serve.
    const plans: Record<string, string> = {};
    for (const segment of segments) {
      const { sql, params } = matchingContactsSql(ctx.workspace.id, segment.tree);
      const plan = await client.query(`explain select count(*) from (${sql}) m`, params);
      plans[segment.name] = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    for (const index of indexes) index.usedBy = segments.filter((s) => plans[s.name]!.includes(index.name.split(' ')[0]!)).map((s) => s.name);
    const problems: string[] = [];
    const perSegment = segments.map((segment, i) => {
      const totals = [...apiTotals[i]!];
      const total = totals[0]!;
      const share = total / ctx.contacts;
      const api = summarize(apiMs[i]!);
      const byJit = { off: summarize(sqlMs[i]!.off), on: summarize(sqlMs[i]!.on) };
      const jit: JitMode = byJit.on.p50Ms < byJit.off.p50Ms ? 'on' : 'off';
      const sql = byJit[jit];
      const equal = totals.length === 1 && total === sqlTotals[i];
      if (!equal) problems.push(`${segment.name}: the API counted ${totals.join(' then ')}, SQL ${sqlTotals[i]}`);
      if (segment.broad && (share < BROAD_SHARE.min || share > BROAD_SHARE.max))
        problems.push(`${segment.name} is meant to be broad but matches ${round(share * 100)}% of the contacts`);
      return {
        name: segment.name,
        text: segment.text,
        broad: segment.broad,
        total,
        sqlTotal: sqlTotals[i],
        equal,
        sharePercent: round(share * 100, 2),
        api,
        apiCached: summarize(cachedMs[i]!),
        writesFlowing: { noCache: summarize(busyMs[i]!.noCache), cached: summarize(busyMs[i]!.cached), contactsPerSecond: busyWrites.contactsPerSecond },
        esCountAlone: summarize(esMs[i]!),
        esProfile: profiles[i],
        esTook: {
          computedP50Ms: summarize(tookMs[i]!.computed).p50Ms,
          computedP99Ms: summarize(tookMs[i]!.computed).p99Ms,
          withoutSendableP50Ms: summarize(tookMs[i]!.withoutSendable).p50Ms,
          requestCacheP50Ms: summarize(tookMs[i]!.requestCache).p50Ms,
        },
        postgres: sql,
        postgresJit: jit,
        postgresOtherJitP50Ms: byJit[jit === 'on' ? 'off' : 'on'].p50Ms,
        postgresUntunedMs: round(sqlBefore[i]!, 1),
        ratioPostgresToApi: round(sql.p50Ms / api.p50Ms, 1),
      };
    });
    const rows: BenchRow[] = perSegment.flatMap((s) => segmentRows(s));
    const broad = perSegment.filter((s) => s.broad);
    ctx.log(`suite: broad segments match ${broad.map((s) => `${s.name} ${s.sharePercent}%`).join(', ')} of the contacts`);
    rows.push({
      section: 'suite',
      measure: 'broad segments: lowest Postgres / Elasticsearch',
      value: Math.min(...broad.map((s) => s.ratioPostgresToApi)),
      unit: 'x',
      target: { op: '>=', value: BROAD_RATIO_TARGET },
      note: `${broad.length} broad segments (${broad.map((s) => `${s.sharePercent}%`).join(', ')} of contacts)`,
    });
    rows.push({
      section: 'suite',
      measure: 'segments counted equal by ES and SQL',
      value: perSegment.filter((s) => s.equal).length,
      unit: `of ${perSegment.length}`,
      target: { op: '>=', value: perSegment.length },
    });
    const result: SectionResult = {
      figures: { warmup, rounds, sqlRounds, postgresSettings: settings, indexes, segments: perSegment, plans },
      rows,
    };
    if (problems.length > 0) throw Object.assign(new Error(`suite: ${problems.join('; ')}`), { partial: result });
    return result;
  } finally {
    for (const index of BENCH_INDEXES) await client.query(`drop index if exists ${index.name}`).catch(() => undefined);
    await client.query('reset all').catch(() => undefined);
    client.release();
  }
}

interface ProfiledPart {
  type: string;
  description: string;
  ms: number;
}

/** Every node of a profiled query tree with its own time (children included, as Elasticsearch reports it). */
function flattenProfile(nodes: { type: string; description: string; time_in_nanos: number; children?: unknown[] }[], depth = 0): ProfiledPart[] {
  return nodes.flatMap((n) => [
    { type: `${'  '.repeat(depth)}${n.type}`, description: n.description.slice(0, 160), ms: round(n.time_in_nanos / 1e6, 3) },
    ...flattenProfile((n.children ?? []) as typeof nodes, depth + 1),
  ]);
}

const slowest = (parts: ProfiledPart[]) =>
  [...parts]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6)
    .map((p) => ({ ...p, ms: round(p.ms, 3) }));

function segmentRows(s: {
  name: string;
  broad: boolean;
  total: number;
  sharePercent: number;
  equal: boolean;
  api: LatencySummary;
  esCountAlone: LatencySummary;
  apiCached: LatencySummary;
  writesFlowing: { noCache: LatencySummary; cached: LatencySummary; contactsPerSecond: number };
  esTook: { computedP50Ms: number; computedP99Ms: number; withoutSendableP50Ms: number; requestCacheP50Ms: number };
  postgres: LatencySummary;
  postgresJit: JitMode;
  postgresOtherJitP50Ms: number;
  postgresUntunedMs: number;
  ratioPostgresToApi: number;
}): BenchRow[] {
  const section = 'suite';
  const matches = `${s.broad ? 'broad, ' : ''}matches ${s.total.toLocaleString('en-US')} (${s.sharePercent}%)${s.equal ? ', SQL equal' : ', SQL DIFFERS'}`;
  return [
    { section, measure: `${s.name}: count p50 (API)`, value: s.api.p50Ms, unit: 'ms', target: { op: '<=', value: COUNT_TARGET.p50Ms }, note: matches },
    {
      section,
      measure: `${s.name}: count p99 (API)`,
      value: s.api.p99Ms,
      unit: 'ms',
      target: { op: '<=', value: COUNT_TARGET.p99Ms },
      note: `ES _count alone p50 ${s.esCountAlone.p50Ms} ms`,
    },
    {
      section,
      measure: `${s.name}: count p50 (API, count cache)`,
      value: s.apiCached.p50Ms,
      unit: 'ms',
      note: `p99 ${s.apiCached.p99Ms} ms`,
    },
    {
      section,
      measure: `${s.name}: count p50 (API, no-cache), writes flowing`,
      value: s.writesFlowing.noCache.p50Ms,
      unit: 'ms',
      target: { op: '<=', value: COUNT_TARGET.p50Ms },
      note: `p99 ${s.writesFlowing.noCache.p99Ms} ms; count cache p50 ${s.writesFlowing.cached.p50Ms} ms, p99 ${s.writesFlowing.cached.p99Ms} ms; while ${s.writesFlowing.contactsPerSecond} contacts/s were upserted in another workspace of the index`,
    },
    {
      section,
      measure: `${s.name}: count p99 (API, no-cache), writes flowing`,
      value: s.writesFlowing.noCache.p99Ms,
      unit: 'ms',
      target: { op: '<=', value: COUNT_TARGET.p99Ms },
    },
    {
      section,
      measure: `${s.name}: Elasticsearch took p50, computed`,
      value: s.esTook.computedP50Ms,
      unit: 'ms',
      note: `p99 ${s.esTook.computedP99Ms}; ${s.esTook.withoutSendableP50Ms} ms without the sendable aggregations; ${s.esTook.requestCacheP50Ms} ms from the shard request cache`,
    },
    {
      section,
      measure: `${s.name}: Postgres p50 (reference SQL)`,
      value: s.postgres.p50Ms,
      unit: 'ms',
      note: `bench indexes, JIT ${s.postgresJit} (${s.postgresOtherJitP50Ms} ms with JIT ${s.postgresJit === 'on' ? 'off' : 'on'}); as migrated: ${s.postgresUntunedMs} ms`,
    },
    {
      section,
      measure: `${s.name}: Postgres / Elasticsearch`,
      value: s.ratioPostgresToApi,
      unit: 'x',
      ...(s.broad ? { target: { op: '>=' as const, value: BROAD_RATIO_TARGET } } : {}),
      note: 'p50 over p50 (API)',
    },
  ];
}
