// The analytics feature behind GET /v1/analytics/...: a workspace's numbers (channels and statuses,
// tags, label keys and values, contacts created over time) answered by Elasticsearch aggregations in
// one search, optionally narrowed to a saved segment's members, and many saved segments' counts in
// one _msearch. Every answer says how long the search took and how fresh the index was (mirror-freshness).
import { compileToElasticsearch, Logger, QueryClause, estypes, workspaceSearch } from '@segmenter/shared';
import { ConsistencyDependencies, ensureConsistent } from '../consistency/consistency-check';
import type { MirrorFreshness } from '../consistency/mirror-freshness';
import { AppError, NotFoundError, ValidationError } from '../errors/app-error';
import { textCursorKey, textKeyedPage } from '../http/list-keys';
import { listCursorKey, listPage } from '../http/list-page';
import { chargeSearchCost } from '../http/rate-limits';
import { queryCost, SEARCH_COST } from '../http/search-cost';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';
import { createResolutionContext } from '../segments/resolution-context';
import { refusedBySearchIndex, SegmentCounter } from '../segments/segment-counts';
import { treeOfQuery, treesOfQueries } from '../segments/segment-resolver';
import { MAX_COUNTS_PER_REQUEST } from '../segments/segment-schemas';
import { pageSegments, SegmentRow } from '../segments/segments-store';
import type { ChannelsQuery, ContactsCreatedQuery, LabelsQuery, SegmentCountsQuery, TagsQuery } from './analytics-schemas';
import { workspaceTags } from './analytics-store';
import { ChannelAggregation, channelAggregation, channelBreakdown } from './channel-aggregations';

export interface AnalyticsServiceDependencies {
  /** Postgres, the index, and how long reads may wait for read-your-writes. */
  search: ConsistencyDependencies;
  /** How far the index is behind Postgres for a workspace (consistency/mirror-freshness.ts). */
  freshness: { of(workspaceId: string): Promise<MirrorFreshness> };
  /** Counts of saved segments, cached per workspace index state (segments/segment-counts.ts). */
  counter: SegmentCounter;
  log: Logger;
}

type ReadYourWrites = { consistencyToken?: string; waitMs?: number };

/** What the numbers count: the workspace's live contacts, or only a saved segment's members. */
interface Scope {
  /** The segment's compiled query, ANDed inside the workspace's own scope (workspaceSearch); none for the whole workspace. */
  filters: QueryClause[];
  segment?: { id: string; name: string };
  /** Search points the request is charged (http/search-cost.ts). */
  cost: number;
}

const WHOLE_WORKSPACE: Scope = { filters: [], cost: SEARCH_COST.query };
const segmentOf = (scope: Scope) => (scope.segment ? { segment: scope.segment } : {});

type Bucket<K> = { key: K; doc_count: number };
type Composite<K> = { buckets: Bucket<K>[] };

/** Tie-break of equal counts, the same in the sort and in the cursor's comparison (code unit order, not a collation). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A count as a cursor holds it: the list cursor's parts are text. */
const COUNT_TEXT = /^(0|[1-9]\d{0,14})$/;

export function createAnalyticsService(deps: AnalyticsServiceDependencies) {
  const { pool, es, alias } = deps.search;
  const { log } = deps;

  /**
   * The saved segment's members as a filter, resolved exactly as a count resolves it (saved
   * segments inside it, tags, custom fields); 404 naming query.segmentId when the workspace has
   * no such segment (another workspace's included), 409 when it or one it uses is broken.
   */
  async function scopeOf(workspaceId: string, segmentId: string | undefined): Promise<Scope> {
    if (segmentId === undefined) return WHOLE_WORKSPACE;
    const context = createResolutionContext(workspaceId, pool);
    const saved = await context.savedSegment(segmentId);
    if (!saved) throw new NotFoundError(`Segment ${segmentId}`, 'query.segmentId');
    const tree = await treeOfQuery(context, { segmentId }, 'query');
    return { filters: [compileToElasticsearch(tree)], segment: { id: saved.id, name: saved.name }, cost: queryCost(tree) };
  }

  /** An error from the search itself: a time zone its runtime does not know is the client's (400); anything else is refused in our words. */
  function refused(err: unknown, field: string): never {
    if (err instanceof AppError) throw err;
    const meta = (err as { meta?: { statusCode?: number; body?: { error?: unknown } } }).meta;
    if (meta?.statusCode === undefined) throw err;
    // A zone the JavaScript runtime knows and the node's Java runtime does not: a zone newer than
    // its time zone data (America/Coyhaique, 2025), or an alias in the wrong case (asia/kolkata).
    if (JSON.stringify(meta.body ?? null).includes('zone_rules_exception'))
      throw new ValidationError([
        { field: 'query.timeZone', rule: 'is not a time zone the search index knows (names are case-sensitive, such as Europe/Paris)' },
      ]);
    throw refusedBySearchIndex(field, { status: meta.statusCode, error: meta.body?.error }, log);
  }

  /**
   * Reads the index once the token's writes are searchable (when one is given): the search's
   * result, how long it took, and the index's freshness read while it ran.
   */
  /** `search` is told whether the caller waited for a write (then nothing cached may answer it). */
  async function readIndex<T>(workspaceId: string, query: ReadYourWrites, search: (fresh: boolean) => Promise<T>) {
    const consistency = await ensureConsistent(deps.search, workspaceId, query);
    const started = performance.now();
    let tookMs = 0;
    const searched = search(consistency !== undefined).then((result) => {
      tookMs = Math.round(performance.now() - started);
      return result;
    });
    // Read while the search runs: the answer's numbers are at least this fresh.
    const [result, freshness] = await Promise.all([searched, deps.freshness.of(workspaceId)]);
    return { result, served: { tookMs, freshness, ...(consistency ? { consistency: { waitedMs: consistency.waitedMs } } : {}) } };
  }

  /**
   * One aggregation search over the scope's live contacts. `filters` narrow the documents further
   * (a date range); the total counts what they match.
   */
  async function aggregate<A>(
    workspaceId: string,
    query: ReadYourWrites,
    scope: Scope,
    body: { filters?: QueryClause[]; aggs?: Record<string, estypes.AggregationsAggregationContainer> },
    field = 'query',
  ) {
    await chargeSearchCost(scope.cost, field);
    const time = searchTime(es);
    const request = {
      ...time.body,
      ...workspaceSearch(alias, workspaceId, [...scope.filters, ...(body.filters ?? [])]),
      size: 0,
      track_total_hits: true, // exact, never "10,000+"
      ...(body.aggs ? { aggs: body.aggs } : {}),
    };
    const { result: response, served } = await readIndex(workspaceId, query, () =>
      withinSearchTime(es, () => es.search(request, time.options), field).then(
        (answer) => completeOrThrow(answer, field),
        (err) => refused(err, field),
      ),
    );
    return { total: (response.hits.total as estypes.SearchTotalHits).value, aggs: response.aggregations as A, served };
  }

  /** Tags' contact counts: every tag id given (no bucket for a tag no contact in scope carries). */
  const tagCounts = (ids: string[]) => (ids.length > 0 ? { tags: { terms: { field: 'tag_ids', size: ids.length, include: ids } } } : undefined);
  const countsById = (aggs: { tags?: Composite<string> } | undefined) => new Map((aggs?.tags?.buckets ?? []).map((b) => [b.key, b.doc_count]));

  return {
    /** Per channel: the contacts in scope that have it, per status, and how many are sendable on it. */
    async channels(workspaceId: string, query: ChannelsQuery) {
      const scope = await scopeOf(workspaceId, query.segmentId);
      const { total, aggs, served } = await aggregate<{ email: ChannelAggregation; phone: ChannelAggregation }>(workspaceId, query, scope, {
        aggs: { email: channelAggregation('email'), phone: channelAggregation('phone') },
      });
      return {
        total,
        channels: { email: channelBreakdown('email', aggs.email), phone: channelBreakdown('phone', aggs.phone) },
        ...segmentOf(scope),
        ...served,
      };
    },

    /**
     * Every tag of the workspace with the contacts in scope carrying it, 0 included. By name, a
     * page of tags is read from Postgres and only those are counted; by count, every tag is counted
     * (a tag's place depends on all the others) and the page is cut from the ranking, keyed by
     * (count, name): a count that moves between two pages can move a tag across the cursor.
     */
    async tags(workspaceId: string, query: TagsQuery) {
      const list = `analytics/tags/${query.sort}`;
      if (query.sort === 'name') {
        const after = textCursorKey(query.cursor, list);
        const scope = await scopeOf(workspaceId, query.segmentId);
        const page = listPage(await workspaceTags(pool, workspaceId, { after, limit: query.limit + 1 }), query.limit, list, (t) => [t.name]);
        const ids = page.items.map((t) => t.id);
        const { aggs, served } = await aggregate<{ tags?: Composite<string> }>(workspaceId, query, scope, { aggs: tagCounts(ids) });
        const counts = countsById(aggs);
        const items = page.items.map((t) => ({ ...t, contactCount: counts.get(t.id) ?? 0 }));
        return { items, nextCursor: page.nextCursor, sort: query.sort, ...segmentOf(scope), ...served };
      }
      const key = listCursorKey(query.cursor, list, 2);
      if (key && !COUNT_TEXT.test(key[0]!)) throw new ValidationError([{ field: 'query.cursor', rule: 'must be a cursor returned by this endpoint' }]);
      const after = key && { count: Number(key[0]), name: key[1]! };
      const scope = await scopeOf(workspaceId, query.segmentId);
      const tags = await workspaceTags(pool, workspaceId);
      const { aggs, served } = await aggregate<{ tags?: Composite<string> }>(workspaceId, query, scope, { aggs: tagCounts(tags.map((t) => t.id)) });
      const counts = countsById(aggs);
      const ranked = tags
        .map((t) => ({ ...t, contactCount: counts.get(t.id) ?? 0 }))
        .sort((a, b) => b.contactCount - a.contactCount || byText(a.name, b.name))
        .filter((t) => !after || t.contactCount < after.count || (t.contactCount === after.count && byText(t.name, after.name) > 0));
      const page = listPage(ranked.slice(0, query.limit + 1), query.limit, list, (t) => [String(t.contactCount), t.name]);
      return { ...page, sort: query.sort, ...segmentOf(scope), ...served };
    },

    /** The label keys the contacts in scope carry, by key, paged by a composite aggregation (its after_key is the cursor). */
    async labelKeys(workspaceId: string, query: LabelsQuery) {
      const list = 'analytics/labels';
      const after = textCursorKey(query.cursor, list);
      const scope = await scopeOf(workspaceId, query.segmentId);
      const composite = {
        size: query.limit + 1,
        sources: [{ key: { terms: { field: 'label_keys' } } }],
        ...(after !== undefined ? { after: { key: after } } : {}),
      };
      const { total, aggs, served } = await aggregate<{ keys: Composite<{ key: string }> }>(workspaceId, query, scope, { aggs: { keys: { composite } } });
      const items = aggs.keys.buckets.map((b) => ({ key: b.key.key, contactCount: b.doc_count }));
      return { ...listPage(items, query.limit, list, (i) => [i.key]), total, ...segmentOf(scope), ...served };
    },

    /**
     * One key's values among the contacts in scope, by value, paged by a composite aggregation over
     * the documents' `key=value` terms. The terms of one key sort together (the first `=` ends the
     * key, and keys hold no `=`), so a page starts after `key=<last value>` (after_key) and ends at
     * the first term of another key; only contacts with the key are aggregated.
     */
    async labelValues(workspaceId: string, key: string, query: LabelsQuery) {
      const list = `analytics/labels/${key}/values`;
      const after = textCursorKey(query.cursor, list);
      const scope = await scopeOf(workspaceId, query.segmentId);
      const prefix = `${key}=`;
      const composite = { size: query.limit + 1, sources: [{ pair: { terms: { field: 'labels' } } }], after: { pair: `${prefix}${after ?? ''}` } };
      const { total, aggs, served } = await aggregate<{ withKey: { doc_count: number; values: Composite<{ pair: string }> } }>(workspaceId, query, scope, {
        aggs: { withKey: { filter: { term: { label_keys: key } }, aggs: { values: { composite } } } },
      });
      const buckets = aggs.withKey.values.buckets;
      const end = buckets.findIndex((b) => !b.key.pair.startsWith(prefix));
      const items = (end === -1 ? buckets : buckets.slice(0, end)).map((b) => ({ value: b.key.pair.slice(prefix.length), contactCount: b.doc_count }));
      return { key, ...listPage(items, query.limit, list, (v) => [v.value]), total, contactsWithKey: aggs.withKey.doc_count, ...segmentOf(scope), ...served };
    },

    /**
     * Contacts in scope created per day, week or month from `from` to `to` (whole days in the time
     * zone, both included), every bucket of the range listed, empty ones too. Buckets are the time
     * zone's calendar: a day in Europe/Paris starts at its midnight, and its DST days last 23 or 25 hours.
     */
    async contactsCreated(workspaceId: string, query: ContactsCreatedQuery) {
      const { interval, from, to, timeZone } = query;
      const scope = await scopeOf(workspaceId, query.segmentId);
      const { total, aggs, served } = await aggregate<{ created: { buckets: (Bucket<number> & { key_as_string: string })[] } }>(workspaceId, query, scope, {
        filters: [{ range: { created_at: { gte: from, lt: `${to}||+1d`, time_zone: timeZone, format: 'yyyy-MM-dd' } } }],
        aggs: {
          created: {
            date_histogram: {
              field: 'created_at',
              calendar_interval: interval,
              time_zone: timeZone,
              format: 'yyyy-MM-dd',
              min_doc_count: 0,
              extended_bounds: { min: from, max: to },
            },
          },
        },
      });
      const buckets = aggs.created.buckets.map((b) => ({ date: b.key_as_string, startsAt: new Date(b.key).toISOString(), count: b.doc_count }));
      return { interval, timeZone, from, to, total, buckets, ...segmentOf(scope), ...served };
    },

    /**
     * Saved segments' counts, resolved and counted exactly as POST /v1/segments/count counts them
     * (saved segments inside others, tags, custom fields; one _msearch, a search per segment), so both
     * answer the same numbers. `ids` names them (a 404 names each unknown one); without, a page of
     * every saved segment by name. One that cannot be counted (broken) answers its problem in its place.
     */
    async segmentCounts(workspaceId: string, query: SegmentCountsQuery) {
      const context = createResolutionContext(workspaceId, pool);
      let segments: SegmentRow[];
      let nextCursor: string | null = null;
      const ids = query.ids;
      if (ids) {
        const saved = await context.savedSegments();
        const unknown = ids.flatMap((id, i) => (saved.has(id) ? [] : [{ id, i }]));
        if (unknown.length > 0)
          throw new AppError(
            404,
            'Not found',
            `Saved segments ${unknown.map((u) => u.id).join(', ')} were not found`,
            unknown.map((u) => ({ field: `query.ids.${u.i}`, rule: `names no saved segment of this workspace (${u.id})` })),
          );
        segments = ids.map((id) => saved.get(id)!);
      } else {
        const page = await textKeyedPage(
          { limit: query.limit ?? MAX_COUNTS_PER_REQUEST, cursor: query.cursor },
          'analytics/segments',
          (range) => pageSegments(pool, workspaceId, range),
          (s) => s.name,
        );
        segments = page.items;
        nextCursor = page.nextCursor;
      }
      const fieldOf = (i: number) => (ids ? `query.ids.${i}` : `items.${i}`);
      const trees = await treesOfQueries(
        context,
        segments.map((s, i) => ({ query: { segmentId: s.id }, at: fieldOf(i) })),
      );
      const { result, served } = await readIndex(workspaceId, query, (fresh) => deps.counter.count(workspaceId, trees, fieldOf, { fresh }));
      const items = segments.map((s, i) => {
        const count = result[i]!;
        return 'status' in count ? { id: s.id, name: s.name, problem: count } : { id: s.id, name: s.name, ...count };
      });
      return { items, nextCursor, ...served };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
