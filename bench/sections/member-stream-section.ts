// Member streaming: every member of the suite's largest broad segment, and of sendable:email,
// through the api's NDJSON stream (POST /v1/segments/members, ids only), in ids per second, with
// the api process's resident memory sampled throughout (it must stay flat: the stream holds one
// page at a time). The ceiling is the same paging done directly against Elasticsearch: one point
// in time, search_after on contact_id, the api's page size, the same query.
import { compileToElasticsearch, workspaceSearch, type estypes } from '@segmenter/shared';
import { MEMBER_PAGE_SIZE } from '../../services/api/src/segments/member-stream';
import type { BenchContext, BenchRow, SectionResult } from '../bench-context';
import { round } from '../bench-stats';
import { countTexts, resolveSegmentText, sampleResidentMemory } from './load-support';

const SECTION = 'member-stream';
const NEWLINE = 0x0a;
const MiB = 2 ** 20;
/**
 * "Flat": the api's RSS may rise by this much over a whole stream (GC slack, one page in flight),
 * however many members it sends. A stream of 1M ids held in memory would be about 45 MB of NDJSON
 * alone, so this line catches it.
 */
const FLAT_RSS_GROWTH_MIB = 32;

/** Streams the members of `text` through the api and counts the NDJSON lines as they arrive, keeping none. */
async function streamThroughApi(ctx: BenchContext, text: string): Promise<{ members: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${ctx.apiUrl}/v1/segments/members`, {
    method: 'POST',
    headers: { 'x-api-key': ctx.workspace.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { text }, format: 'ndjson', fields: 'id' }),
  });
  if (!res.ok || !res.body) throw new Error(`${SECTION}: streaming ${JSON.stringify(text)} answered ${res.status}: ${await res.text()}`);
  let members = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) members++;
  }
  return { members, ms: performance.now() - started };
}

/** The ceiling: the same pages read straight from Elasticsearch, no api, no JSON lines. */
async function pageDirectly(ctx: BenchContext, text: string): Promise<{ members: number; ms: number }> {
  const search = workspaceSearch(ctx.alias, ctx.workspace.id, [compileToElasticsearch(await resolveSegmentText(ctx, text))]);
  const started = performance.now();
  let pit = (await ctx.es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: '2m' })).id;
  let members = 0;
  try {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const page: estypes.SearchResponse = await ctx.es.search({
        pit: { id: pit, keep_alive: '2m' },
        size: MEMBER_PAGE_SIZE,
        query: search.query,
        sort: [{ contact_id: 'asc' }],
        _source: ['contact_id'],
        track_total_hits: false,
        ...(after ? { search_after: after } : {}),
      });
      if (page.pit_id) pit = page.pit_id;
      const hits = page.hits.hits;
      members += hits.length;
      if (hits.length < MEMBER_PAGE_SIZE) break;
      after = hits[hits.length - 1]!.sort;
    }
  } finally {
    await ctx.es.closePointInTime({ id: pit });
  }
  return { members, ms: performance.now() - started };
}

export async function memberStreaming(ctx: BenchContext): Promise<SectionResult> {
  const SENDABLE = 'sendable:email';
  // sendable:email is streamed on its own below: the broad stream is the largest other one.
  const broad = ctx.suite.filter((s) => s.broad && s.text.trim() !== SENDABLE);
  if (broad.length === 0) throw new Error(`${SECTION}: the suite has no broad segment besides ${SENDABLE}`);
  const broadCounts = await countTexts(
    ctx,
    ctx.workspace,
    broad.slice(0, 50).map((s) => s.text),
  );
  const largest = broad[broadCounts.reduce((best, c, i) => (c.total > broadCounts[best]!.total ? i : best), 0)]!;
  const streams = [
    { name: largest.name, text: largest.text },
    { name: SENDABLE, text: SENDABLE },
  ];
  // The api's own process when the runner gives it; otherwise the api runs inside this one.
  const pid = ctx.apiPid ?? process.pid;

  const figures: Record<string, unknown> = { rssOf: ctx.apiPid ? 'the api process' : 'the bench process (api in process)', pageSize: MEMBER_PAGE_SIZE };
  const rows: BenchRow[] = [];
  for (const stream of streams) {
    const [counted] = await countTexts(ctx, ctx.workspace, [stream.text]);
    ctx.log(`${SECTION}: ${stream.name}: ${counted!.total} members through the api, then paged directly`);
    const memory = sampleResidentMemory(pid);
    const api = await streamThroughApi(ctx, stream.text);
    const rss = memory.stop();
    const direct = await pageDirectly(ctx, stream.text);
    const idsPerSecond = Math.round(api.members / (api.ms / 1000));
    const directIdsPerSecond = Math.round(direct.members / (direct.ms / 1000));
    const growthMiB = round((rss.peakBytes - rss.startBytes) / MiB);
    figures[stream.name] = {
      text: stream.text,
      counted: counted!.total,
      members: api.members,
      directMembers: direct.members,
      seconds: round(api.ms / 1000, 2),
      idsPerSecond,
      directSeconds: round(direct.ms / 1000, 2),
      directIdsPerSecond,
      ratioToDirect: round(idsPerSecond / directIdsPerSecond, 2),
      rss: {
        startMiB: round(rss.startBytes / MiB),
        peakMiB: round(rss.peakBytes / MiB),
        endMiB: round(rss.endBytes / MiB),
        growthMiB,
        samples: rss.samples,
      },
    };
    const size = `${api.members} members of ${ctx.contacts} contacts`;
    rows.push(
      {
        section: SECTION,
        measure: `${stream.name}: ids/s through the api (NDJSON)`,
        value: idsPerSecond,
        unit: 'ids/s',
        target: { op: '>=', value: 100_000 },
        note: `${size}; ${round(idsPerSecond / directIdsPerSecond, 2)}x the direct PIT paging; the target is for 1M contacts`,
      },
      {
        section: SECTION,
        measure: `${stream.name}: ids/s paging Elasticsearch directly (ceiling)`,
        value: directIdsPerSecond,
        unit: 'ids/s',
        note: `PIT + search_after, ${MEMBER_PAGE_SIZE} a page`,
      },
      {
        section: SECTION,
        measure: `${stream.name}: api RSS growth during the stream`,
        value: growthMiB,
        unit: 'MiB',
        target: { op: '<=', value: FLAT_RSS_GROWTH_MIB },
        note: `${figures.rssOf}: ${round(rss.startBytes / MiB)} -> peak ${round(rss.peakBytes / MiB)} MiB, ${rss.samples} samples`,
      },
      {
        section: SECTION,
        measure: `${stream.name}: members streamed vs counted (difference)`,
        value: Math.abs(counted!.total - api.members),
        unit: 'members',
        target: { op: '<=', value: 0 },
        note: `counted ${counted!.total}, streamed ${api.members}, paged directly ${direct.members}`,
      },
    );
  }
  return { figures, rows };
}
