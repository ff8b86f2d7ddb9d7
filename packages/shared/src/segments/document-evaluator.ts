// Condition tree evaluated against one contact's document, in memory: "which saved segments is
// this contact in" answered in one pass over the workspace's segments, with no query per segment
// (the role Elasticsearch's percolator would play; the integ-test distribution ships without the
// percolator module). Its meaning is the compilers': the differential test checks all three agree.
import type { ContactDocument, CustomFieldEntry } from '../search-index/contact-document';
import { assertNever } from '../lang/assert-never';
import { CASE_INSENSITIVE_FIELDS, Condition, CustomCondition, LeafCondition, NumberCondition } from './condition-model';
import { isDateOperator, type DateOperator } from './operator-table';
import { dayFrom, dayOf, spanAgo, spanAhead, type Span } from './relative-dates';

function inDateRange(value: number | undefined, op: DateOperator, dates: string[], span: Span, now: number): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  switch (op) {
    case 'before':
      return value < dayOf(dates[0]!);
    case 'after':
      return value >= dayOf(dates[0]!, 1);
    case 'on':
      return value >= dayOf(dates[0]!) && value < dayOf(dates[0]!, 1);
    case 'between':
      return value >= dayOf(dates[0]!) && value < dayOf(dates[1]!, 1);
    case 'in_last_days':
      return value >= spanAgo(now, span);
    case 'more_than_days_ago':
      return value < spanAgo(now, span);
    case 'in_next_days':
      return value >= dayFrom(now, 0) && value < spanAhead(now, span);
    default:
      return assertNever(op, 'date operator');
  }
}

function compare(value: number | string | boolean | null | undefined, op: NumberCondition['op'] | 'in', values: (string | number)[]): boolean {
  const present = value !== null && value !== undefined;
  switch (op) {
    case 'empty':
      return !present;
    case 'not_empty':
      return present;
    case 'eq':
      return present && value === values[0];
    case 'neq':
      return present && value !== values[0];
    case 'in':
      return present && values.includes(value as string);
    case 'gt':
      return present && (value as number) > (values[0] as number);
    case 'gte':
      return present && (value as number) >= (values[0] as number);
    case 'lt':
      return present && (value as number) < (values[0] as number);
    case 'lte':
      return present && (value as number) <= (values[0] as number);
    case 'between':
      return present && (value as number) >= (values[0] as number) && (value as number) <= (values[1] as number);
    default:
      return assertNever(op, 'comparison');
  }
}

/**
 * Lower case one code point at a time, as Elasticsearch's lowercase normalizer (Java) does:
 * no context rules (a final Σ is σ, not ς) and İ becomes i, not i + combining dot.
 */
export function foldCase(text: string): string {
  let folded = '';
  for (const ch of text) {
    if (ch === '\u0130') folded += 'i';
    else {
      const lowered = ch.toLowerCase();
      folded += [...lowered].length === 1 ? lowered : ch;
    }
  }
  return folded;
}
const lower = foldCase;

function custom(c: CustomCondition, doc: ContactDocument, now: number): boolean {
  const entry: CustomFieldEntry | undefined = doc.custom_fields?.find((e) => e.key === c.key);
  const value = entry?.[c.type];
  // Date operators compare whole UTC days; BETWEEN compares numbers on a number field.
  if (isDateOperator(c.op)) {
    if (c.op === 'between' && c.type !== 'date') return compare(value, c.op, c.values);
    return inDateRange(typeof value === 'string' ? Date.parse(value) : undefined, c.op, c.values.map(String), c, now);
  }
  switch (c.op) {
    case 'contains':
      return typeof value === 'string' && lower(value).includes(lower(String(c.values[0])));
    case 'starts_with':
      return typeof value === 'string' && lower(value).startsWith(lower(String(c.values[0])));
    case 'is_true':
      return value === true;
    case 'is_false':
      return value === false;
    case 'empty':
      return value === undefined;
    case 'not_empty':
      return value !== undefined;
    case 'eq':
    case 'neq':
    case 'in':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(value, c.op, c.values);
    default:
      return assertNever(c.op, 'operator');
  }
}

/**
 * A document with its lists as sets, built once however many conditions look: evaluating every
 * saved segment of a workspace against one contact (membership events) would otherwise build the
 * same sets once per leaf.
 */
export class PreparedDocument {
  private sets = new Map<'tag_ids' | 'labels' | 'label_keys' | 'subscription_categories', ReadonlySet<string>>();
  constructor(readonly doc: ContactDocument) {}
  setOf(field: 'tag_ids' | 'labels' | 'label_keys' | 'subscription_categories'): ReadonlySet<string> {
    let set = this.sets.get(field);
    if (!set) this.sets.set(field, (set = new Set(this.doc[field] ?? [])));
    return set;
  }
}

const labelTerms = (prefix: string, values: string[]): string[] => {
  const terms: string[] = [];
  for (const v of values) terms.push(prefix + v);
  return terms;
};

/** has / any / all / none of `values` among a document's `held` (tag ids, subscription categories). */
function membership(set: ReadonlySet<string>, op: 'has' | 'any' | 'all' | 'none', values: string[]): boolean {
  // Loops, not some/every with an arrow: this runs for every segment of every change (membership events).
  let found = 0;
  for (const v of values) if (set.has(v)) found++;
  if (op === 'has' || op === 'any') return found > 0;
  if (op === 'all') return found === values.length;
  return found === 0;
}

function leaf(c: LeafCondition, prepared: PreparedDocument, now: number): boolean {
  const doc = prepared.doc;
  switch (c.kind) {
    case 'tag':
      return membership(prepared.setOf('tag_ids'), c.op, c.tags);
    case 'label': {
      const labels = prepared.setOf('labels');
      const hasKey = prepared.setOf('label_keys').has(c.key);
      const prefix = `${c.key}=`;
      switch (c.op) {
        case 'eq':
          return labels.has(prefix + c.values[0]!);
        case 'neq':
          return hasKey && !labels.has(prefix + c.values[0]!);
        case 'in':
          return membership(labels, 'any', labelTerms(prefix, c.values));
        case 'not_in':
          return hasKey && membership(labels, 'none', labelTerms(prefix, c.values));
        case 'exists':
          return hasKey;
        case 'not_exists':
          return !hasKey;
        case 'prefix': {
          const start = prefix + c.values[0]!;
          for (const l of labels) if (l.startsWith(start)) return true;
          return false;
        }
        default:
          return assertNever(c, 'operator');
      }
    }
    case 'text': {
      const raw = doc[c.field] as string | null | undefined;
      const folded = CASE_INSENSITIVE_FIELDS.includes(c.field);
      const value = raw === null || raw === undefined ? raw : folded ? lower(raw) : raw;
      const values = folded ? c.values.map(lower) : c.values;
      if (c.op === 'contains') return typeof raw === 'string' && lower(raw).includes(lower(c.values[0]!));
      if (c.op === 'starts_with') return typeof raw === 'string' && lower(raw).startsWith(lower(c.values[0]!));
      return compare(value, c.op, values);
    }
    case 'number':
      return compare(doc[c.field], c.op, c.values);
    case 'date': {
      const raw = doc[c.field];
      if (c.op === 'empty') return raw === null || raw === undefined;
      if (c.op === 'not_empty') return raw !== null && raw !== undefined;
      return inDateRange(typeof raw === 'string' ? Date.parse(raw) : undefined, c.op, c.dates ?? [], c, now);
    }
    case 'status':
      return c.statuses.includes(doc[`${c.channel}_status`] ?? '') === (c.op === 'in');
    case 'sendable':
      return doc[`${c.channel}_status`] === 'active' && doc[c.channel] !== null && doc[c.channel] !== undefined;
    case 'custom':
      return custom(c, doc, now);
    case 'engagement': {
      const from = spanAgo(now, c);
      return (doc.engagement ?? []).some((e) => e.channel === c.channel && e.status === c.status && e.rank === c.atLeast && Date.parse(e.at) >= from);
    }
    case 'subscription':
      return membership(prepared.setOf('subscription_categories'), c.op, c.categories);
    case 'segment':
      throw new Error('saved segment references must be expanded before evaluating');
    default:
      return assertNever(c, 'condition');
  }
}

// A function of the module, not a closure per call: evaluating 200 segments per change would
// otherwise allocate (and, under a bundler's keep-names, name) a closure for every one.
function evaluate(node: Condition, prepared: PreparedDocument, at: number): boolean {
  if (node.kind === 'and') {
    for (const c of node.conditions) if (!evaluate(c, prepared, at)) return false;
    return true;
  }
  if (node.kind === 'or') {
    for (const c of node.conditions) if (evaluate(c, prepared, at)) return true;
    return false;
  }
  if (node.kind === 'not') return !evaluate(node.condition, prepared, at);
  return leaf(node, prepared, at);
}

/** Whether a live contact's document matches; deleted contacts and tombstones match nothing. */
export function matchesDocument(tree: Condition, doc: ContactDocument | PreparedDocument, now: Date = new Date()): boolean {
  const prepared = doc instanceof PreparedDocument ? doc : new PreparedDocument(doc);
  if (prepared.doc.deleted) return false;
  return evaluate(tree, prepared, now.getTime());
}
