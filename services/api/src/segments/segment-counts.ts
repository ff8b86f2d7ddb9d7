// Counting segments in Elasticsearch: many trees in one _msearch round trip, each answering its
// total (exact, never "10,000+") and, in the same request, how many are sendable by email and by
// phone. A preview adds the first contacts.
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, workspaceSearch } from '@segmenter/shared';
import { createHash } from 'node:crypto';
import { MemberField, memberJsonRow, sourceFieldsOf } from './member-fields';
import { AppError, FieldProblem, ValidationError } from '../errors/app-error';
import { errorIdNote, newErrorId } from '../errors/internal-failure';
import { chargeSearchCost, checkSearchCost } from '../http/rate-limits';
import { countCost, queryCost } from '../http/search-cost';
import { SearchTimeoutError, completeOrThrow, isPartial, searchTime, withinSearchTime } from '../http/search-timeouts';
import type { CountCache } from './count-cache';

export interface SegmentCount {
  total: number;
  sendable: { email: number; phone: number };
}

/**
 * Sendable by email and by phone (status active and the address present), as filter aggregations:
 * compiled from the language's own `sendable:` condition, so a count and a segment never disagree.
 */
export const SENDABLE_AGGREGATIONS = {
  sendable_email: { filter: compileToElasticsearch({ kind: 'sendable', channel: 'email' }) },
  sendable_phone: { filter: compileToElasticsearch({ kind: 'sendable', channel: 'phone' }) },
};
export type SendableAggregations = { sendable_email: { doc_count: number }; sendable_phone: { doc_count: number } };
/** The two sendable counts from an answer that ran SENDABLE_AGGREGATIONS. */
export const sendableCounts = (aggs: SendableAggregations): SegmentCount['sendable'] => ({
  email: aggs.sendable_email.doc_count,
  phone: aggs.sendable_phone.doc_count,
});

const PREVIEW_SORT: estypes.Sort = [{ created_at: 'desc' }, { contact_id: 'asc' }];
/** A preview row: the member stream's fields in its camelCase spelling (one table spells both). */
const PREVIEW_ROW: MemberField[] = (['id', 'email', 'phone', 'firstName', 'lastName', 'emailStatus', 'phoneStatus', 'createdAt'] as const).map((name) => ({
  kind: 'standard',
  name,
}));
const PREVIEW_FIELDS = sourceFieldsOf(PREVIEW_ROW);
const NO_TAG_NAMES = new Map<string, string | null>();

function countBody(es: EsClient, alias: string, workspaceId: string, tree: Condition, previewSize = 0, now = Date.now()) {
  const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(tree, { now })]);
  return {
    header: { index: search.index, routing: search.routing },
    body: {
      ...searchTime(es).body,
      size: previewSize,
      track_total_hits: true,
      query: search.query,
      aggs: SENDABLE_AGGREGATIONS,
      ...(previewSize > 0 ? { _source: PREVIEW_FIELDS, sort: PREVIEW_SORT } : {}),
    },
  };
}

function countOf(response: estypes.MsearchMultiSearchItem): SegmentCount {
  return { total: (response.hits.total as estypes.SearchTotalHits).value, sendable: sendableCounts(response.aggregations as SendableAggregations) };
}

/**
 * All a count reads of each answer: the total, the sendable counts, whether it is whole, or the
 * error (the rest, hits, shards and timings, is most of a many-query answer's bytes to parse).
 */
const COUNT_FILTER_PATH = [
  'responses.status',
  'responses.error',
  'responses.timed_out',
  'responses._shards.failed',
  'responses.hits.total.value',
  'responses.aggregations.*.doc_count',
];

/** A query that could not be counted, in its place among the results: its own problem. */
export interface QueryProblem {
  status: number;
  title: string;
  detail: string;
  errors: FieldProblem[];
}

/**
 * The search index refused one query: our words and an error id for the tenant, the raw error in
 * the log. A 400 from Elasticsearch is the query's own (too complex for it); anything else (an
 * index missing, a node down or overloaded) is the index's, and the query may be retried.
 */
export function refusedBySearchIndex(field: string, item: { status?: number; error: unknown }, log: Logger): AppError {
  const errorId = newErrorId();
  log.warn({ errorId, err: item.error, status: item.status, field }, 'the search index refused a count query');
  if (item.status === 400)
    return new ValidationError([{ field, rule: `could not be evaluated by the search index; simplify the condition (${errorIdNote(errorId)})` }]);
  return new AppError(503, 'Search index unavailable', `The search index could not answer this query; retry later (${errorIdNote(errorId)})`, [
    { field, rule: `could not be counted now (${errorIdNote(errorId)})` },
  ]);
}

export const problemOf = (err: AppError): QueryProblem => ({ status: err.status, title: err.title, detail: err.message, errors: err.problems });

/** How each count of a request was answered (metrics): from the cache, by joining an identical one in flight, or by Elasticsearch. */
export type CountOutcome = 'hit' | 'coalesced' | 'miss' | 'uncached';

export interface SegmentCounterOptions {
  es: EsClient;
  alias: string;
  log: Logger;
  /** Counts kept per workspace index state; absent, every count goes to Elasticsearch. */
  cache?: CountCache<SegmentCount>;
  /** The workspaces' index states the cache is keyed by (undefined: unknown, nothing cached is served). */
  stateOf?: (workspaceId: string) => string | undefined;
  /** Told how each count was answered. */
  onOutcome?: (outcome: CountOutcome, n: number) => void;
}

export interface CountOptions {
  /**
   * A fresh count: the caller waited for a write (a consistency token), so no cached count and no
   * count already in flight may answer it (either may predate the write). Its own answer is cached.
   */
  fresh?: boolean;
  /** false: the answers are not kept in the cache (a background job's counts must not push out the ones users read). */
  keep?: boolean;
}

export type SegmentCounter = ReturnType<typeof createSegmentCounter>;

/**
 * Counts many trees of one workspace. Each is answered from the cache when the workspace's index
 * state is unchanged since it was counted, or joins the identical count already on its way; the
 * rest go to Elasticsearch in one _msearch. A query that failed before (an AppError in its place)
 * or that Elasticsearch refuses answers its problem in its place, and the others are counted
 * regardless; problems are never cached. Elasticsearch's own words are never shown to the tenant
 * (they name index internals): the query answers ours with an error id, and the log holds the raw
 * error under the same id. A query that timed out answers 503 in its place (its total would be a
 * partial one). Only what goes to Elasticsearch is charged to the key's search cost (429 past the
 * budget), before it is sent.
 */
export function createSegmentCounter(options: SegmentCounterOptions) {
  const { es, alias, log, cache } = options;
  const outcome = (o: CountOutcome, n: number) => {
    if (n > 0) options.onOutcome?.(o, n);
  };

  /** One _msearch of `trees` (already charged); each answer or its own problem, named by `fieldOf`. */
  async function search(trees: { body: ReturnType<typeof countBody> }[], fieldOf: (n: number) => string) {
    const searches = trees.flatMap(({ body }) => [body.header, body.body]);
    const { responses } = await withinSearchTime(es, () => es.msearch({ searches, filter_path: COUNT_FILTER_PATH }, searchTime(es).options), 'body.queries');
    return responses.map((r, n): SegmentCount | QueryProblem =>
      'error' in r ? problemOf(refusedBySearchIndex(fieldOf(n), r, log)) : isPartial(r) ? problemOf(new SearchTimeoutError(fieldOf(n))) : countOf(r),
    );
  }

  /** A problem answered for another place of the request: its errors name `field` instead. */
  const at = (result: SegmentCount | QueryProblem, field: string): SegmentCount | QueryProblem =>
    'status' in result ? { ...result, errors: result.errors.map((e) => ({ ...e, field })) } : result;

  async function count(
    workspaceId: string,
    queries: readonly (Condition | AppError)[],
    fieldOf: (index: number) => string,
    countOptions: CountOptions = {},
  ): Promise<(SegmentCount | QueryProblem)[]> {
    const results: (SegmentCount | QueryProblem | Promise<SegmentCount | QueryProblem>)[] = queries.map((q) =>
      q instanceof AppError ? problemOf(q) : { total: 0, sendable: { email: 0, phone: 0 } },
    );
    // Too big is decided on the whole request; only what goes to Elasticsearch is charged (below).
    checkSearchCost(countCost(queries.filter((q): q is Condition => !(q instanceof AppError))), 'body.queries');
    // Read before anything is searched: a count is stored under the state it can at most be as new as.
    const state = cache?.enabled ? options.stateOf?.(workspaceId) : undefined;
    const toSearch: { i: number; tree: Condition; body: ReturnType<typeof countBody>; key: string }[] = [];
    const twins: [number, number][] = [];
    const joined: { i: number; flight: Promise<SegmentCount | undefined> }[] = [];
    const now = Date.now();
    queries.forEach((q, i) => {
      if (q instanceof AppError) return;
      const body = countBody(es, alias, workspaceId, q, 0, now);
      // A digest, not the query itself: a saved segment expanded inside a query can be tens of kilobytes.
      const key = createHash('sha256').update(workspaceId).update('\u0000').update(JSON.stringify(body.body.query)).digest('base64');
      if (state !== undefined && !countOptions.fresh) {
        const cached = cache!.get(key, state);
        if (cached) {
          results[i] = cached;
          outcome('hit', 1);
          return;
        }
        const flight = cache!.pending(key, state);
        if (flight) {
          joined.push({ i, flight });
          outcome('coalesced', 1);
          return;
        }
      }
      // The same query twice in one request is searched once.
      const twin = toSearch.find((t) => t.key === key);
      if (twin) twins.push([i, twin.i]);
      else toSearch.push({ i, tree: q, body, key });
    });
    outcome(state === undefined ? 'uncached' : 'miss', toSearch.length);
    if (toSearch.length > 0) {
      // Charged to this request's key before anyone may join its searches: a refusal (429) is its own.
      await chargeSearchCost(countCost(toSearch.map((t) => t.tree)), 'body.queries');
      const answered = search(toSearch, (n) => fieldOf(toSearch[n]!.i));
      toSearch.forEach((t, n) => {
        const one = answered.then((all) => all[n]!);
        results[t.i] = one;
        if (state === undefined) return;
        // What others may join: a count, or undefined when this one failed (they then search on their
        // own, so a problem or an error always names the request and field that met it).
        const shared = one.then(
          (value) => ('status' in value ? undefined : value),
          () => undefined,
        );
        cache!.track(t.key, state, shared);
        void shared.then((value) => {
          if (value && countOptions.keep !== false) cache!.set(t.key, state, value);
        });
      });
    }
    for (const { i, flight } of joined) {
      results[i] = flight.then(async (value) => value ?? (await count(workspaceId, [queries[i]!], () => fieldOf(i), { fresh: true }))[0]!);
    }
    for (const [i, twin] of twins) results[i] = Promise.resolve(results[twin]!).then((value) => at(value, fieldOf(i)));
    return Promise.all(results);
  }

  return { count };
}

export async function previewSegment(es: EsClient, alias: string, workspaceId: string, tree: Condition, limit: number) {
  await chargeSearchCost(queryCost(tree), 'body');
  const { header, body } = countBody(es, alias, workspaceId, tree, limit);
  const response = completeOrThrow(
    await withinSearchTime(es, () => es.search({ index: header.index, routing: header.routing, ...body }, searchTime(es).options)),
  );
  const contacts = response.hits.hits.map((h) => memberJsonRow(h._source as Record<string, unknown>, PREVIEW_ROW, NO_TAG_NAMES));
  return { ...countOf(response as unknown as estypes.MsearchMultiSearchItem), contacts };
}
