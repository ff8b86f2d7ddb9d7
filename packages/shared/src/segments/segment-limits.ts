// The bounds every segment tree is held to, in the schema, the rules and the operator table (how
// many values a list takes): each number is explained where it is declared.

export const SEGMENT_LIMITS = {
  /** Nesting of groups (and, or, not), the root counting as 1. */
  depth: 8,
  /** Leaf conditions in one tree (after saved segments are expanded). */
  conditions: 200,
  /** Values in one IN list or tag list. */
  values: 500,
  /** Values in the whole tree (each becomes a clause in Elasticsearch, which caps clauses). */
  totalValues: 2000,
  /** N in relative dates (days). */
  days: 36_500,
  /** N in relative dates (months). */
  months: 1200,
  /**
   * Characters (UTF-16 units) in a pattern value: CONTAINS, STARTS WITH, label prefix. Elasticsearch
   * builds an automaton from it, case-insensitive for text: measured on Elasticsearch 8, CONTAINS
   * fails past 314 characters (any alphabet, escaped `*` and `?` included) and a 1,000-character
   * STARTS WITH takes 250-400 ms; at 100 either takes about 10 ms. A third of the limit is the margin.
   */
  patternLength: 100,
  /** Pattern conditions in one tree (after saved segments are expanded): each builds an automaton. */
  patternConditions: 20,
} as const;
