// The segment language's printer: a condition tree to text such that parseSegment gives the same
// tree back (property-tested). Operators are written as the operator table spells them; fields by
// their language name; tags by name when the caller says how to name them.
import { assertNever } from '../lang/assert-never';
import type { Condition, LeafCondition } from './condition-model';
import { CUSTOM_FIELD_KINDS, FIELD_KINDS, OPERATOR_WORDS, OPERATORS, type FieldKind, type Operator, type OperatorSpec } from './operator-table';
import { DATE_FIELD_NAMES } from './segment-field-names';

const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', ...OPERATOR_WORDS]);

/** A value as a bare word when it would read back as the same word, else quoted. */
export function quote(value: string): string {
  const bare = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value) && !KEYWORDS.has(value.toUpperCase()) && !/^now-\d+[dw]$/i.test(value);
  return bare ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** How each kind of value is written: text quoted where it must be, numbers and dates as they are. */
const WRITE_VALUE: Record<(typeof FIELD_KINDS)[FieldKind]['value'], (v: string | number) => string> = {
  text: (v) => quote(String(v)),
  status: (v) => quote(String(v)),
  number: String,
  date: String,
  none: String,
};

const spanText = (span: { days?: number; months?: number }) => (span.months !== undefined ? `${span.months} MONTHS` : `${span.days} DAYS`);

/** An operator and what follows it, the values written as `kind` writes them: `IN [gold, silver]`, `IN LAST 30 DAYS`. */
function printOperator(kind: FieldKind, op: Operator, values: readonly (string | number)[], span: { days?: number; months?: number } = {}): string {
  const spec: OperatorSpec = OPERATORS[op];
  const write = WRITE_VALUE[FIELD_KINDS[kind].value];
  switch (spec.operand) {
    case 'none':
      return spec.text;
    case 'one':
      return `${spec.text} ${write(values[0]!)}`;
    case 'list':
      return `${spec.text} [${values.map(write).join(', ')}]`;
    case 'range':
      return `${spec.text} ${write(values[0]!)} AND ${write(values[1]!)}`;
    case 'span':
      return `${spec.text} ${spanText(span)}${spec.suffix !== undefined ? ` ${spec.suffix}` : ''}`;
    default:
      return assertNever(spec.operand, 'operand');
  }
}

/** `tag:VIP` (has) or `tag:ANY [a, b]`: tags and subscription categories. */
const membership = (prefix: string, op: Operator, names: string[]) =>
  OPERATORS[op].operand === 'one' ? `${prefix}:${quote(names[0]!)}` : `${prefix}:${printOperator('membership', op, names)}`;

function printLeaf(c: LeafCondition, tagName: (id: string) => string): string {
  switch (c.kind) {
    case 'tag':
      return membership('tag', c.op, c.tags.map(tagName));
    case 'label':
      return `label:${quote(c.key)} ${printOperator('label', c.op, c.values)}`;
    case 'text':
      return `${c.field} ${printOperator('text', c.op, c.values)}`;
    case 'number':
      return `${c.field} ${printOperator('number', c.op, c.values)}`;
    case 'date':
      return `${DATE_FIELD_NAMES[c.field]} ${printOperator('date', c.op, c.dates ?? [], c)}`;
    case 'status':
      return `${c.channel}_status ${printOperator('status', c.op, c.statuses)}`;
    case 'sendable':
      return `sendable:${c.channel}`;
    case 'custom':
      return `custom:${c.key} ${printOperator(CUSTOM_FIELD_KINDS[c.type], c.op, c.values, c)}`;
    case 'engagement':
      return `engagement:${c.channel}.${c.status}${c.atLeast > 1 ? ` >= ${c.atLeast}` : ''} ${printOperator('date', 'in_last_days', [], c)}`;
    case 'subscription':
      return membership('subscription', c.op, c.categories);
    case 'segment':
      return `segment:${quote(c.segmentId)}`;
    default:
      return assertNever(c, 'condition');
  }
}

/**
 * Prints a tree so that parseSegment gives it back: AND binds tighter than OR, and groups are
 * parenthesised exactly where the tree nests them (an and inside an and keeps its parentheses).
 */
export function printSegment(tree: Condition, options: { tagName?: (id: string) => string } = {}): string {
  const tagName = options.tagName ?? ((id: string) => id);
  const print = (node: Condition, top: boolean): string => {
    if (node.kind === 'and' || node.kind === 'or') {
      const inner = node.conditions.map((c) => print(c, false)).join(node.kind === 'and' ? ' AND ' : ' OR ');
      return top && node.conditions.length > 1 ? inner : `(${inner})`;
    }
    if (node.kind === 'not') return `NOT ${print(node.condition, false)}`;
    return printLeaf(node, tagName);
  };
  return print(tree, true);
}
