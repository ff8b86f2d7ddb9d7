// Counting segments in Elasticsearch: many trees in one _msearch round trip, each answering its
// total (exact, never "10,000+") and, in the same request, how many are sendable by email and by
// phone. A preview adds the first contacts.
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, workspaceSearch } from '@segmenter/shared';
import { MemberField, memberJsonRow, sourceFieldsOf } from './member-fields';
import { AppError, FieldProblem, ValidationError } from '../errors/app-error';
import { errorIdNote, newErrorId } from '../errors/internal-failure';
import { chargeSearchCost } from '../http/rate-limits';
import { countCost, queryCost } from '../http/search-cost';
import { SearchTimeoutError, completeOrThrow, isPartial, searchTime, withinSearchTime } from '../http/search-timeouts';

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

function countBody(es: EsClient, alias: string, workspaceId: string, tree: Condition, previewSize = 0) {
  const search = workspaceSearch(alias, workspaceId, [compileToElasticsearch(tree)]);
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

/**
 * Counts every tree in one _msearch; a query that failed before (an AppError in its place) or that
 * Elasticsearch refuses answers its problem in its place, and the others are counted regardless.
 * Elasticsearch's own words are never shown to the tenant (they name index internals): the query
 * answers ours with an error id, and the log holds the raw error under the same id.
 * A query that timed out answers 503 in its place (its total would be a partial one); the request's
 * search cost is charged to its key first (429 past the budget).
 */
export async function countSegments(
  es: EsClient,
  alias: string,
  workspaceId: string,
  queries: readonly (Condition | AppError)[],
  fieldOf: (index: number) => string,
  log: Logger,
): Promise<(SegmentCount | QueryProblem)[]> {
  const runnable = queries.flatMap((q, i) => (q instanceof AppError ? [] : [{ i, tree: q }]));
  await chargeSearchCost(countCost(runnable.map((r) => r.tree)), 'body.queries');
  const searches = runnable.flatMap(({ tree }) => {
    const { header, body } = countBody(es, alias, workspaceId, tree);
    return [header, body];
  });
  const { responses } =
    runnable.length > 0
      ? await withinSearchTime(() => es.msearch({ searches, filter_path: COUNT_FILTER_PATH }, searchTime(es).options), 'body.queries')
      : { responses: [] };
  const results: (SegmentCount | QueryProblem)[] = queries.map((q) => (q instanceof AppError ? problemOf(q) : { total: 0, sendable: { email: 0, phone: 0 } }));
  responses.forEach((r, n) => {
    const { i } = runnable[n]!;
    results[i] = 'error' in r ? problemOf(refusedBySearchIndex(fieldOf(i), r, log)) : isPartial(r) ? problemOf(new SearchTimeoutError(fieldOf(i))) : countOf(r);
  });
  return results;
}

export async function previewSegment(es: EsClient, alias: string, workspaceId: string, tree: Condition, limit: number) {
  await chargeSearchCost(queryCost(tree), 'body');
  const { header, body } = countBody(es, alias, workspaceId, tree, limit);
  const response = completeOrThrow(await withinSearchTime(() => es.search({ index: header.index, routing: header.routing, ...body }, searchTime(es).options)));
  const contacts = response.hits.hits.map((h) => memberJsonRow(h._source as Record<string, unknown>, PREVIEW_ROW, NO_TAG_NAMES));
  return { ...countOf(response as unknown as estypes.MsearchMultiSearchItem), contacts };
}
