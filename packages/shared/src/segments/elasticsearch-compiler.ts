// Condition tree -> Elasticsearch bool query, filter context only (no scoring, cacheable). The
// result is one clause for workspaceSearch(...), which adds the workspace scope; nothing here can
// widen it. Relative dates are resolved here, against the time of compiling, to concrete UTC day
// boundaries (relative-dates.ts): the same condition compiles to the same query all day, so
// Elasticsearch's request cache (which refuses queries using "now") and query cache can serve it,
// and an api-side cache can key on the query. A member stream's pages all use its first instant.
// Every operator's meaning is fixed by the SQL compiler beside it (the reference semantics); the
// differential test holds the two to the same answers.
import type { QueryClause } from '../search-index/workspace-search';
import { assertNever } from '../lang/assert-never';
import type { Condition, CustomCondition, DateCondition, LeafCondition, NumberCondition } from './condition-model';
import { isDateOperator, type DateOperator } from './operator-table';
import { dayFrom, spanAgo, spanAhead, type Span } from './relative-dates';

const and = (...filter: QueryClause[]): QueryClause => ({ bool: { filter } });
const not = (clause: QueryClause): QueryClause => ({ bool: { must_not: [clause] } });
const exists = (field: string): QueryClause => ({ exists: { field } });

/** Escapes the wildcard query's special characters in user text. */
export const escapeWildcard = (text: string) => text.replace(/[\\*?]/g, (c) => `\\${c}`);

const contains = (field: string, text: string): QueryClause => ({ wildcard: { [field]: { value: `*${escapeWildcard(text)}*`, case_insensitive: true } } });
const startsWith = (field: string, text: string): QueryClause => ({ prefix: { [field]: { value: text, case_insensitive: true } } });

/** An instant as Elasticsearch reads it in a range (epoch milliseconds would also do; ISO reads in logs). */
const iso = (ms: number) => new Date(ms).toISOString();

/** The day ranges every date operator means (UTC days; months are calendar months), relative ones from `now`. */
function dateRange(field: string, op: DateOperator, dates: string[], span: Span, now: number): QueryClause {
  const back = () => iso(spanAgo(now, span));
  switch (op) {
    case 'before':
      return { range: { [field]: { lt: dates[0] } } };
    case 'after':
      return { range: { [field]: { gte: `${dates[0]}||+1d` } } };
    case 'on':
      return { range: { [field]: { gte: dates[0], lt: `${dates[0]}||+1d` } } };
    case 'between':
      return { range: { [field]: { gte: dates[0], lt: `${dates[1]}||+1d` } } };
    case 'in_last_days':
      return { range: { [field]: { gte: back() } } };
    case 'more_than_days_ago':
      return { range: { [field]: { lt: back() } } };
    case 'in_next_days':
      return { range: { [field]: { gte: iso(dayFrom(now, 0)), lt: iso(spanAhead(now, span)) } } };
    default:
      return assertNever(op, 'date operator');
  }
}

function comparison(field: string, op: NumberCondition['op'], values: (string | number)[]): QueryClause {
  switch (op) {
    case 'eq':
      return { term: { [field]: values[0]! } };
    case 'neq':
      return and(exists(field), not({ term: { [field]: values[0]! } }));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [op]: values[0] } } };
    case 'between':
      return { range: { [field]: { gte: values[0], lte: values[1] } } };
    case 'empty':
      return not(exists(field));
    case 'not_empty':
      return exists(field);
    default:
      return assertNever(op, 'comparison');
  }
}

function custom(c: CustomCondition, now: number): QueryClause {
  const field = `custom_fields.${c.type}`;
  const entry = (...filter: QueryClause[]): QueryClause => ({
    nested: { path: 'custom_fields', query: and({ term: { 'custom_fields.key': c.key } }, ...filter) },
  });
  const values = c.values;
  // Date operators compare whole UTC days; BETWEEN compares numbers on a number field.
  if (isDateOperator(c.op))
    return entry(c.op === 'between' && c.type !== 'date' ? comparison(field, c.op, values) : dateRange(field, c.op, values.map(String), c, now));
  switch (c.op) {
    case 'empty':
      return not(entry(exists(field)));
    case 'not_empty':
      return entry(exists(field));
    case 'neq':
      // One entry per key: "has the field, with another value".
      return entry(exists(field), not({ term: { [field]: values[0]! } }));
    case 'in':
      return entry({ terms: { [field]: values } });
    case 'contains':
      return entry(contains(field, String(values[0])));
    case 'starts_with':
      return entry(startsWith(field, String(values[0])));
    case 'is_true':
    case 'is_false':
      return entry({ term: { [field]: c.op === 'is_true' } });
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return entry(comparison(field, c.op, values));
    default:
      return assertNever(c.op, 'operator');
  }
}

function dates(c: DateCondition, now: number): QueryClause {
  if (c.op === 'empty') return not(exists(c.field));
  if (c.op === 'not_empty') return exists(c.field);
  return dateRange(c.field, c.op, c.dates ?? [], c, now);
}

/** has / any / all / none of `values` in a keyword array field (tag ids, subscription categories). */
function membership(field: string, op: 'has' | 'any' | 'all' | 'none', values: string[]): QueryClause {
  if (op === 'has') return { term: { [field]: values[0]! } };
  if (op === 'any') return { terms: { [field]: values } };
  if (op === 'all') return and(...values.map((v) => ({ term: { [field]: v } })));
  return not({ terms: { [field]: values } });
}

function leaf(c: LeafCondition, now: number): QueryClause {
  switch (c.kind) {
    case 'tag':
      return membership('tag_ids', c.op, c.tags);
    case 'label': {
      const pair = (v: string) => `${c.key}=${v}`;
      const hasKey: QueryClause = { term: { label_keys: c.key } };
      switch (c.op) {
        case 'eq':
          return { term: { labels: pair(c.values[0]!) } };
        case 'neq':
          return and(hasKey, not({ term: { labels: pair(c.values[0]!) } }));
        case 'in':
          return { terms: { labels: c.values.map(pair) } };
        case 'not_in':
          return and(hasKey, not({ terms: { labels: c.values.map(pair) } }));
        case 'exists':
          return hasKey;
        case 'not_exists':
          return not(hasKey);
        case 'prefix':
          return { prefix: { labels: pair(c.values[0]!) } };
        default:
          return assertNever(c, 'operator');
      }
    }
    case 'text':
      switch (c.op) {
        case 'in':
          return { terms: { [c.field]: c.values } };
        case 'contains':
          return contains(c.field, c.values[0]!);
        case 'starts_with':
          return startsWith(c.field, c.values[0]!);
        case 'eq':
        case 'neq':
        case 'empty':
        case 'not_empty':
          // eq / neq: names are indexed lower-cased, and a term query on them is normalised too.
          return comparison(c.field, c.op, c.values);
        default:
          return assertNever(c, 'operator');
      }
    case 'number':
      return comparison(c.field, c.op, c.values);
    case 'date':
      return dates(c, now);
    case 'status': {
      const statuses = { terms: { [`${c.channel}_status`]: c.statuses } };
      return c.op === 'in' ? statuses : not(statuses);
    }
    case 'sendable':
      return and({ term: { [`${c.channel}_status`]: 'active' } }, exists(c.channel));
    case 'custom':
      return custom(c, now);
    case 'engagement':
      // The K-th most recent time of this channel and status is within the last N days.
      return {
        nested: {
          path: 'engagement',
          query: and(
            { term: { 'engagement.channel': c.channel } },
            { term: { 'engagement.status': c.status } },
            { term: { 'engagement.rank': c.atLeast } },
            { range: { 'engagement.at': { gte: iso(spanAgo(now, c)) } } },
          ),
        },
      };
    case 'subscription':
      return membership('subscription_categories', c.op, c.categories);
    case 'segment':
      throw new Error('saved segment references must be expanded before compiling');
    default:
      return assertNever(c, 'condition');
  }
}

export interface CompileOptions {
  /** The time relative dates are resolved against (epoch ms or a Date); the time of compiling when absent. */
  now?: number | Date;
}

export function compileToElasticsearch(tree: Condition, options: CompileOptions = {}): QueryClause {
  const now = options.now === undefined ? Date.now() : Number(options.now);
  const compile = (node: Condition): QueryClause => {
    if (node.kind === 'and') return and(...node.conditions.map(compile));
    if (node.kind === 'or') return { bool: { should: node.conditions.map(compile), minimum_should_match: 1 } };
    if (node.kind === 'not') return not(compile(node.condition));
    return leaf(node, now);
  };
  return compile(tree);
}
