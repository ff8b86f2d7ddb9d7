// Explaining a count (POST /v1/segments/explain): how many contacts each node of a segment's tree
// matches on its own; for each AND group the funnel (remaining after each condition in the order
// written, and which condition removes the most); for each OR group what each branch adds; saved
// segments shown expanded. Every number comes from one _msearch, every search compiled at one `now`.
import { compileToElasticsearch, Condition, EsClient, estypes, LeafCondition, Logger, normalizeCondition, workspaceSearch } from '@segmenter/shared';
import type { SpanTree, TextSpan } from '@segmenter/shared';
import { ValidationError } from '../errors/app-error';
import { chargeSearchCost } from '../http/rate-limits';
import { countCost, SEARCH_COST } from '../http/search-cost';
import { isPartial, SearchTimeoutError, searchTime, withinSearchTime } from '../http/search-timeouts';
import { refusedBySearchIndex } from './segment-counts';
import type { QueryToExplain } from './segment-resolver';

/**
 * Searches one explain makes at most: each condition and group once, each AND and OR group one
 * more per step of its funnel (the first k conditions together), and the workspace's contacts.
 * A 10-condition AND takes 20; 64 is a flat group of 32 conditions. Past it, the answer would cost
 * Elasticsearch as much as dozens of counts in one request: explain a part of the segment instead.
 */
export const MAX_EXPLAIN_SEARCHES = 64;

/** How many contacts remain after a condition of an AND group (the first k together), and how many it removed. */
export interface FunnelStep {
  remaining: number;
  removed: number;
}

/** How many contacts an OR group holds with a branch and those before it, and how many the branch added. */
export interface UnionStep {
  total: number;
  added: number;
}

/** One node of the explained tree, mirroring the condition. */
export interface ExplainNode {
  kind: Condition['kind'];
  /** The node in the segment language (current tag names). */
  text: string;
  /** Where the node was written, when the query was text (not inside a saved segment it names). */
  span?: TextSpan;
  /** Contacts of the workspace matching this node alone, as a count of it would answer. */
  count: number;
  /** and, or: the conditions, in order. */
  conditions?: ExplainNode[];
  /** and: after each condition in order. */
  funnel?: FunnelStep[];
  /** and: the index of the condition that removes the most (the first of equals). */
  biggestCut?: number;
  /** or: with each branch in order. */
  union?: UnionStep[];
  /** not: the negated condition. */
  condition?: ExplainNode;
  /** A saved segment reference: the segment, and its condition explained. */
  segment?: { id: string; name: string };
  expanded?: ExplainNode;
}

/** A node with search numbers in place of counts, until the one _msearch has answered. */
interface PlannedNode {
  node: Condition;
  span?: TextSpan;
  /** Index of the search that counts this node. */
  search: number;
  children: PlannedNode[];
  /** and, or: the searches of the first 1, 2, ... n conditions grouped (the last is the node itself). */
  prefixes?: number[];
  segment?: { id: string; name: string };
}

/** The search index of the workspace's contacts, from which the first condition of each AND removes. */
const EVERYONE = 0;

/**
 * The searches an explanation needs, each distinct tree once (a saved segment's reference and its
 * expansion, or a group's last prefix and the group, are one search), and the tree of them.
 */
function planExplanation(query: QueryToExplain): { root: PlannedNode; searches: (Condition | null)[] } {
  const searches: (Condition | null)[] = [null];
  const byKey = new Map<string, number>();
  const searchOf = (tree: Condition): number => {
    const normalized = normalizeCondition(tree);
    const key = JSON.stringify(normalized);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    if (searches.length >= MAX_EXPLAIN_SEARCHES)
      throw new ValidationError([
        {
          field: query.field,
          rule: `needs more than ${MAX_EXPLAIN_SEARCHES} searches to explain (one per condition and group, one per step of each AND and OR group); explain a part of it`,
        },
      ]);
    searches.push(normalized);
    byKey.set(key, searches.length - 1);
    return searches.length - 1;
  };
  /** The spans of a node's children, when the text's shape matches the tree's (it always does for text). */
  const spansOf = (spans: SpanTree | undefined, count: number) => (spans?.children.length === count ? spans.children : []);
  // Recursion is bounded: the query expanded within the depth and reference-chain limits (queryToExplain).
  const visit = (node: Condition, spans: SpanTree | undefined): { planned: PlannedNode; expanded: Condition } => {
    const span = spans?.span;
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every leaf kind but references is counted alike (see the default)
    switch (node.kind) {
      case 'and':
      case 'or': {
        const childSpans = spansOf(spans, node.conditions.length);
        const children = node.conditions.map((c, i) => visit(c, childSpans[i]));
        const expanded: Condition = { kind: node.kind, conditions: children.map((c) => c.expanded) };
        const prefixes = children.map((c, k) =>
          k === 0 ? searchOf(c.expanded) : searchOf({ kind: node.kind, conditions: children.slice(0, k + 1).map((p) => p.expanded) }),
        );
        return { planned: { node, span, search: prefixes[prefixes.length - 1]!, children: children.map((c) => c.planned), prefixes }, expanded };
      }
      case 'not': {
        const inner = visit(node.condition, spansOf(spans, 1)[0]);
        const expanded: Condition = { kind: 'not', condition: inner.expanded };
        return { planned: { node, span, search: searchOf(expanded), children: [inner.planned] }, expanded };
      }
      case 'segment': {
        // queryToExplain refused a reference to a segment that is missing or broken, or in a cycle.
        const target = query.savedSegments.get(node.segmentId)!;
        return referenceTo(node, span, target);
      }
      default:
        return { planned: { node, span, search: searchOf(node), children: [] }, expanded: node satisfies LeafCondition };
    }
  };
  const referenceTo = (node: Condition, span: TextSpan | undefined, target: { id: string; name: string; condition: Condition }) => {
    const inner = visit(target.condition, undefined);
    return {
      planned: { node, span, search: inner.planned.search, children: [inner.planned], segment: { id: target.id, name: target.name } },
      expanded: inner.expanded,
    };
  };
  const root = query.segment
    ? referenceTo({ kind: 'segment', segmentId: query.segment.id }, undefined, { ...query.segment, condition: query.stored }).planned
    : visit(query.stored, query.spans).planned;
  return { root, searches };
}

/** All explain reads of each answer: the total, whether it is whole, or the error. */
const EXPLAIN_FILTER_PATH = ['responses.status', 'responses.error', 'responses.timed_out', 'responses._shards.failed', 'responses.hits.total.value'];

/** The first index holding the largest value. */
const indexOfMax = (values: number[]) => values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);

export interface ExplainDependencies {
  es: EsClient;
  alias: string;
  log: Logger;
}

export interface Explanation {
  tree: ExplainNode;
  /** The workspace's contacts (not deleted): what the first condition of each AND removes from. */
  contacts: number;
  /** The searches the one _msearch held. */
  searches: number;
}

/**
 * Explains a resolved query in one _msearch (size 0, exact totals, filter context, one `now`),
 * charged to the key's search cost as that many counts; `textOf` prints a node (tag names).
 * A search Elasticsearch refuses or answers in part fails the whole explanation: a number missing
 * from a funnel would make the others lie.
 */
export async function explainSegment(
  deps: ExplainDependencies,
  workspaceId: string,
  query: QueryToExplain,
  textOf: (node: Condition) => Promise<string>,
): Promise<Explanation> {
  const { es, alias, log } = deps;
  const { root, searches } = planExplanation(query);
  const trees = searches.filter((s): s is Condition => s !== null);
  await chargeSearchCost(countCost(trees) + SEARCH_COST.query, query.field);
  const now = Date.now();
  const lines = searches.flatMap((tree) => {
    const search = workspaceSearch(alias, workspaceId, tree ? [compileToElasticsearch(tree, { now })] : []);
    return [
      { index: search.index, routing: search.routing },
      { ...searchTime(es).body, size: 0, track_total_hits: true, query: search.query },
    ];
  });
  const { responses } = await withinSearchTime(
    es,
    () => es.msearch({ searches: lines, filter_path: EXPLAIN_FILTER_PATH }, searchTime(es).options),
    query.field,
  );
  const totals = responses.map((r) => {
    if ('error' in r) throw refusedBySearchIndex(query.field, r, log);
    if (isPartial(r)) throw new SearchTimeoutError(query.field);
    return (r.hits.total as estypes.SearchTotalHits).value;
  });
  const contacts = totals[EVERYONE]!;

  const explain = async (p: PlannedNode): Promise<ExplainNode> => {
    const count = totals[p.search]!;
    const node: ExplainNode = { kind: p.node.kind, text: await textOf(p.node), ...(p.span ? { span: p.span } : {}), count };
    const children: ExplainNode[] = [];
    for (const c of p.children) children.push(await explain(c));
    if (p.segment) return { ...node, segment: p.segment, expanded: children[0]! };
    if (p.node.kind === 'not') return { ...node, condition: children[0]! };
    if (!p.prefixes) return node;
    const after = p.prefixes.map((s) => totals[s]!);
    if (p.node.kind === 'and') {
      const funnel = after.map((remaining, k) => ({ remaining, removed: (k === 0 ? contacts : after[k - 1]!) - remaining }));
      return { ...node, conditions: children, funnel, biggestCut: indexOfMax(funnel.map((f) => f.removed)) };
    }
    return { ...node, conditions: children, union: after.map((total, k) => ({ total, added: total - (k === 0 ? 0 : after[k - 1]!) })) };
  };
  return { tree: await explain(root), contacts, searches: searches.length };
}
