// Every operator of the segment language, declared once: how the text writes it, what follows it
// (and so how many values it takes), how it reads a date, and which kinds of field take it. The
// schema, the rules, the parser, the printer and the compilers all read this table.
import type { CUSTOM_FIELD_TYPES } from '../domain/contact-domain';
import { SEGMENT_LIMITS } from './segment-limits';

/**
 * What follows an operator in the text, which fixes how many values it holds: nothing (IS EMPTY),
 * one value (= gold), a list (IN [a, b]), two (BETWEEN 1 AND 5), or a relative span (IN LAST 30
 * DAYS, held in days or months, not in values).
 */
export type Operand = 'none' | 'one' | 'list' | 'range' | 'span';

export interface OperatorSpec {
  /** How the text writes it: keywords (case-insensitive when read) or a symbol; '' for none. */
  readonly text: string;
  readonly operand: Operand;
  /** On a date field: compared with calendar dates (absolute) or with a span from today (relative). */
  readonly date?: 'absolute' | 'relative';
  /** Its value is a pattern Elasticsearch turns into an automaton: the leaves that cost (bounded). */
  readonly pattern?: true;
  /** The keyword written after its span: MORE THAN 30 DAYS AGO. */
  readonly suffix?: string;
  /** On a date field, `now-30d` after it reads as this relative operator (`> now-30d` is IN LAST 30 DAYS). */
  readonly fromNow?: string;
  /** Also written `= v` (one value) on a field that has no operator written so: `email_status = active`. */
  readonly oneValue?: string;
  /** What its value is called in a syntax error, when not what the field's values are called. */
  readonly valueName?: string;
}

/**
 * The operators in the order the parser offers them when none matches ("expected = or != or
 * ..."): the order of the error messages the language has always given.
 */
export const OPERATORS = {
  eq: { text: '=', operand: 'one' },
  neq: { text: '!=', operand: 'one' },
  gt: { text: '>', operand: 'one' },
  gte: { text: '>=', operand: 'one' },
  lt: { text: '<', operand: 'one' },
  lte: { text: '<=', operand: 'one' },
  in: { text: 'IN', operand: 'list', oneValue: '=' },
  not_in: { text: 'NOT IN', operand: 'list', oneValue: '!=' },
  exists: { text: 'EXISTS', operand: 'none' },
  not_exists: { text: 'NOT EXISTS', operand: 'none' },
  prefix: { text: 'PREFIX', operand: 'one', pattern: true, valueName: 'a label value prefix' },
  contains: { text: 'CONTAINS', operand: 'one', pattern: true },
  starts_with: { text: 'STARTS WITH', operand: 'one', pattern: true },
  // Only > and <: "after" and "before" a day exclude that day, which >= and <= would not mean.
  after: { text: '>', operand: 'one', date: 'absolute', fromNow: 'in_last_days' },
  before: { text: '<', operand: 'one', date: 'absolute', fromNow: 'more_than_days_ago' },
  on: { text: '=', operand: 'one', date: 'absolute' },
  between: { text: 'BETWEEN', operand: 'range', date: 'absolute' },
  in_last_days: { text: 'IN LAST', operand: 'span', date: 'relative' },
  in_next_days: { text: 'IN NEXT', operand: 'span', date: 'relative' },
  more_than_days_ago: { text: 'MORE THAN', operand: 'span', date: 'relative', suffix: 'AGO' },
  is_true: { text: 'IS TRUE', operand: 'none' },
  is_false: { text: 'IS FALSE', operand: 'none' },
  empty: { text: 'IS EMPTY', operand: 'none' },
  not_empty: { text: 'IS NOT EMPTY', operand: 'none' },
  // Membership of a set the contact holds (tags, subscription categories): `tag:VIP`, `tag:ANY [a, b]`.
  has: { text: '', operand: 'one' },
  any: { text: 'ANY', operand: 'list' },
  all: { text: 'ALL', operand: 'list' },
  none: { text: 'NONE', operand: 'list' },
} as const satisfies Record<string, OperatorSpec>;

export type Operator = keyof typeof OPERATORS;
/** Operators that read a date field by calendar dates or by a span from today. */
export type DateOperator = { [K in Operator]: (typeof OPERATORS)[K] extends { date: string } ? K : never }[Operator];
/** Operators that read a date field by a span from today (days or calendar months). */
export type RelativeOperator = { [K in Operator]: (typeof OPERATORS)[K] extends { date: 'relative' } ? K : never }[Operator];

/** Every field type takes these, last: a value is there or not. */
const PRESENCE = ['empty', 'not_empty'] as const;

/**
 * Which operators each kind of field takes, in the order the API documents them (the JSON
 * schema's enums), and what its values are.
 */
export const FIELD_KINDS = {
  /** Tags and subscription categories. */
  membership: { value: 'text', operators: ['has', 'any', 'all', 'none'] },
  label: { value: 'text', operators: ['eq', 'neq', 'in', 'not_in', 'exists', 'not_exists', 'prefix'] },
  text: { value: 'text', operators: ['eq', 'neq', 'in', 'contains', 'starts_with', ...PRESENCE] },
  number: { value: 'number', operators: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', ...PRESENCE] },
  date: { value: 'date', operators: ['before', 'after', 'on', 'between', 'in_last_days', 'more_than_days_ago', 'in_next_days', ...PRESENCE] },
  boolean: { value: 'none', operators: ['is_true', 'is_false', ...PRESENCE] },
  /** Channel statuses (email_status, phone_status). */
  status: { value: 'status', operators: ['in', 'not_in'] },
} as const satisfies Record<string, { value: 'text' | 'number' | 'date' | 'status' | 'none'; operators: readonly Operator[] }>;

export type FieldKind = keyof typeof FIELD_KINDS;
export type OperatorOf<K extends FieldKind> = (typeof FIELD_KINDS)[K]['operators'][number];

/** A custom field's declared type, as the kind of field whose operators it takes. */
export const CUSTOM_FIELD_KINDS = { string: 'text', number: 'number', date: 'date', boolean: 'boolean' } as const satisfies Record<
  (typeof CUSTOM_FIELD_TYPES)[number],
  FieldKind
>;
type CustomKind = (typeof CUSTOM_FIELD_KINDS)[keyof typeof CUSTOM_FIELD_KINDS];

/** A custom field takes its type's operators: all of them, the presence ones last. */
export const CUSTOM_OPERATORS = [
  ...new Set(Object.values(CUSTOM_FIELD_KINDS).flatMap((kind) => FIELD_KINDS[kind].operators.filter((op) => !(PRESENCE as readonly string[]).includes(op)))),
  ...PRESENCE,
] as unknown as [OperatorOf<CustomKind>, ...OperatorOf<CustomKind>[]];

/** How many values an operator holds: [min, max] (a span is held in days or months, not values). */
export function arityOf(op: Operator): [number, number] {
  const { operand } = OPERATORS[op] as OperatorSpec;
  if (operand === 'none' || operand === 'span') return [0, 0];
  if (operand === 'range') return [2, 2];
  if (operand === 'list') return [1, SEGMENT_LIMITS.values];
  return [1, 1];
}

const spec = (op: Operator): OperatorSpec => OPERATORS[op];
export const isDateOperator = (op: Operator): op is DateOperator => spec(op).date !== undefined;
export const isRelativeOperator = (op: Operator): op is RelativeOperator => spec(op).date === 'relative';
export const isPatternOperator = (op: Operator): boolean => spec(op).pattern === true;

/** One way of writing an operator of a field kind: the text read, and what follows it. */
export interface Spelling<K extends FieldKind> {
  op: OperatorOf<K>;
  text: string;
  operand: Operand;
}

/**
 * The ways a kind of field's operators are written, in the order the parser tries and offers
 * them: the one-value forms first (`email_status = active`), then the table's order.
 */
export function spellingsOf<K extends FieldKind>(kind: K): Spelling<K>[] {
  const ops = FIELD_KINDS[kind].operators as readonly OperatorOf<K>[];
  const written = new Set(ops.map((op) => spec(op).text));
  const oneValue = ops.flatMap((op) => {
    const text = spec(op).oneValue;
    return text !== undefined && !written.has(text) ? [{ op, text, operand: 'one' as const }] : [];
  });
  const inOrder = (Object.keys(OPERATORS) as Operator[]).filter((op): op is OperatorOf<K> => (ops as readonly Operator[]).includes(op));
  return [...oneValue, ...inOrder.map((op) => ({ op, text: spec(op).text, operand: spec(op).operand }))];
}

/** What a span counts after IN LAST, IN NEXT and MORE THAN: N DAYS, N WEEKS (7 days each) or N MONTHS (calendar months). */
export const SPAN_UNITS = { DAYS: { unit: 'days', times: 1 }, WEEKS: { unit: 'days', times: 7 }, MONTHS: { unit: 'months', times: 1 } } as const;

/** Every word the table writes (IN, STARTS, WITH, AGO, DAYS, ...): a value spelled so must be quoted. */
export const OPERATOR_WORDS: readonly string[] = [
  ...new Set(
    [...Object.values(OPERATORS).flatMap((s: OperatorSpec) => [...s.text.split(' '), s.suffix ?? '']), ...Object.keys(SPAN_UNITS)].filter((w) =>
      /^[A-Z]+$/.test(w),
    ),
  ),
];
