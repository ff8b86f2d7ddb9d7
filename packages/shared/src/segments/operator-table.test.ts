// The operator table against everything that reads it: every operator of every field kind is a
// valid condition, prints with the table's spelling, parses back to the same tree, and compiles in
// Elasticsearch, in SQL and in the in-memory evaluator.
import { checkCondition } from './condition-check';
import type { Condition, LeafCondition } from './condition-model';
import { matchesDocument } from './document-evaluator';
import { compileToElasticsearch } from './elasticsearch-compiler';
import { arityOf, CUSTOM_FIELD_KINDS, CUSTOM_OPERATORS, FIELD_KINDS, OPERATORS, spellingsOf, type FieldKind, type Operator } from './operator-table';
import { parseSegment } from './segment-parser';
import { printSegment } from './segment-printer';
import { compileToSql } from './sql-compiler';

const customFieldTypes = new Map([
  ['plan', 'string'],
  ['score', 'number'],
  ['renews', 'date'],
  ['vip', 'boolean'],
] as const);

/** Values an operator holds, as many as its arity asks, of the kind's value type. */
function valuesFor(kind: FieldKind, op: Operator): (string | number)[] {
  const [count] = arityOf(op);
  const sample: Record<(typeof FIELD_KINDS)[FieldKind]['value'], (i: number) => string | number> = {
    text: (i) => `v${i}`,
    status: () => 'active',
    number: (i) => 10 * (i + 1),
    date: (i) => `2026-01-0${i + 1}`,
    none: () => 'x',
  };
  return Array.from({ length: count }, (_, i) => sample[FIELD_KINDS[kind].value](i));
}
const spanFor = (op: Operator) => (OPERATORS[op].operand === 'span' ? { days: 3 } : {});

/** One leaf per (kind, operator) the table declares: profile fields, labels, statuses, memberships and custom fields. */
function leafFor(kind: FieldKind, op: Operator): LeafCondition[] {
  const values = valuesFor(kind, op);
  const any = op as never;
  switch (kind) {
    case 'membership':
      return [
        { kind: 'tag', op: any, tags: values.map(String) },
        { kind: 'subscription', op: any, categories: values.map(String) },
      ];
    case 'label':
      return [{ kind: 'label', key: 'tier', op: any, values: values.map(String) }];
    case 'text':
      return [
        { kind: 'text', field: 'city', op: any, values: values.map(String) },
        { kind: 'custom', key: 'plan', type: 'string', op: any, values },
      ];
    case 'number':
      return [
        { kind: 'number', field: 'email_rating', op: any, values: values.map(Number) },
        { kind: 'custom', key: 'score', type: 'number', op: any, values },
      ];
    case 'date': {
      const absolute = OPERATORS[op].operand === 'none' || OPERATORS[op].operand === 'span' ? {} : { dates: values.map(String) };
      return [
        { kind: 'date', field: 'created_at', op: any, ...absolute, ...spanFor(op) },
        { kind: 'custom', key: 'renews', type: 'date', op: any, values, ...spanFor(op) },
      ];
    }
    case 'boolean':
      return [{ kind: 'custom', key: 'vip', type: 'boolean', op: any, values }];
    case 'status':
      return [{ kind: 'status', channel: 'email', op: any, statuses: values.map(String) }];
  }
}

const cases = (Object.keys(FIELD_KINDS) as FieldKind[]).flatMap((kind) =>
  FIELD_KINDS[kind].operators.flatMap((op) => leafFor(kind, op).map((leaf) => ({ kind, op: op as Operator, leaf, name: `${kind} ${op} (${leaf.kind})` }))),
);

describe('every operator in the table', () => {
  test.each(cases)('$name is valid, prints with its spelling, round-trips and compiles', ({ op, leaf }) => {
    const checked = checkCondition(leaf);
    expect(checked).toEqual({ tree: leaf });
    const text = printSegment(leaf);
    expect(text).toContain(OPERATORS[op].text);
    expect(parseSegment(text, { customFieldTypes })).toEqual(leaf);
    expect(() => compileToElasticsearch(leaf)).not.toThrow();
    expect(() => compileToSql(leaf)).not.toThrow();
    expect(() => matchesDocument(leaf, { workspace_id: 'w', contact_id: 'c', version: 1, deleted: false } as never)).not.toThrow();
  });

  test('covers every operator the table declares', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPERATORS)));
  });
});

describe('the vocabulary read from the table', () => {
  test('a custom field takes its type’s operators, in the order the API documents them', () => {
    expect(CUSTOM_OPERATORS).toEqual([
      'eq', 'neq', 'in', 'contains', 'starts_with', 'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'on',
      'in_last_days', 'more_than_days_ago', 'in_next_days', 'is_true', 'is_false', 'empty', 'not_empty',
    ]); // prettier-ignore
    for (const kind of Object.values(CUSTOM_FIELD_KINDS)) expect(CUSTOM_OPERATORS).toEqual(expect.arrayContaining([...FIELD_KINDS[kind].operators]));
  });

  test.each([
    ['status', ['=', '!=', 'IN', 'NOT IN']],
    ['label', ['=', '!=', 'IN', 'NOT IN', 'EXISTS', 'NOT EXISTS', 'PREFIX']],
    ['boolean', ['IS TRUE', 'IS FALSE', 'IS EMPTY', 'IS NOT EMPTY']],
  ] as const)('%s is written %j, one-value forms first', (kind, written) => {
    expect(spellingsOf(kind).map((s) => s.text)).toEqual(written);
  });

  test('`=` reads as a one-value IN only where the field has no = of its own', () => {
    expect(parseSegment('email_status = active')).toEqual({ kind: 'status', channel: 'email', op: 'in', statuses: ['active'] });
    expect(parseSegment('city = active')).toEqual({ kind: 'text', field: 'city', op: 'eq', values: ['active'] });
  });

  test('a value spelled like a table word is quoted, so it reads back as a value', () => {
    const tree: Condition = { kind: 'label', key: 'ago', op: 'in', values: ['STARTS', 'with', 'Months', 'none'] };
    expect(printSegment(tree)).toBe('label:"ago" IN ["STARTS", "with", "Months", "none"]');
    expect(parseSegment(printSegment(tree))).toEqual(tree);
  });
});
