// What a request costs in search work, in points charged to its API key's budget (rate-limits).
// Simple numbers, read from the tree: Elasticsearch's work is dominated by the number of queries
// and by pattern conditions (CONTAINS, STARTS WITH, PREFIX), each of which builds an automaton.
import { Condition, patternLeafCount } from '@segmenter/shared';

export const SEARCH_COST = {
  /** One count (or preview) query. */
  query: 1,
  /** Each CONTAINS, STARTS WITH or PREFIX condition in a query. */
  patternCondition: 5,
  /** A pass over every member (member stream, export, snapshot or action freeze): many pages. */
  memberPass: 20,
} as const;

/** A count or preview of one tree: 1 plus its pattern conditions, weighted. */
export const queryCost = (tree: Condition): number => SEARCH_COST.query + SEARCH_COST.patternCondition * patternLeafCount(tree);

/** Counting several trees at once: the sum of their costs. */
export const countCost = (trees: readonly Condition[]): number => trees.reduce((sum, tree) => sum + queryCost(tree), 0);

/** A pass over every member of a tree (or, without one, over the workspace's contacts). */
export const memberPassCost = (tree?: Condition): number => SEARCH_COST.memberPass + (tree ? SEARCH_COST.patternCondition * patternLeafCount(tree) : 0);
