// The bound on pattern values (CONTAINS, STARTS WITH, label prefix) and on pattern leaves per tree:
// the model refuses what Elasticsearch could not answer (or only slowly), from JSON and from text.
import { checkCondition } from './condition-check';
import { isPatternLeaf, patternLeafCount } from './condition-rules';
import { parseSegment } from './segment-parser';
import { SEGMENT_LIMITS } from './segment-limits';

const atBound = 'a'.repeat(SEGMENT_LIMITS.patternLength);
const pastBound = 'a'.repeat(SEGMENT_LIMITS.patternLength + 1);

describe('pattern values are bounded', () => {
  test.each([
    ['text contains', { kind: 'text', field: 'first_name', op: 'contains', values: [pastBound] }],
    ['text starts_with', { kind: 'text', field: 'city', op: 'starts_with', values: [pastBound] }],
    ['custom contains', { kind: 'custom', key: 'plan', type: 'string', op: 'contains', values: [pastBound] }],
    ['custom starts_with', { kind: 'custom', key: 'plan', type: 'string', op: 'starts_with', values: [pastBound] }],
    ['label prefix', { kind: 'label', key: 'tier', op: 'prefix', values: [pastBound] }],
  ])('%s past the bound is refused, naming the value and the rule', (_name, condition) => {
    const checked = checkCondition(condition);
    expect(checked).toEqual({
      problems: [
        { field: 'condition.values.0', rule: `must be at most ${SEGMENT_LIMITS.patternLength} characters for ${condition.op} (found ${pastBound.length})` },
      ],
    });
  });

  test('a value at the bound is accepted', () => {
    expect(checkCondition({ kind: 'text', field: 'first_name', op: 'contains', values: [atBound] })).toHaveProperty('tree');
  });

  test('characters outside the BMP count as two (UTF-16 units): the bound stays below what Elasticsearch measures in code points', () => {
    const emoji = '😀'.repeat(SEGMENT_LIMITS.patternLength / 2 + 1);
    expect(checkCondition({ kind: 'text', field: 'first_name', op: 'contains', values: [emoji] })).toHaveProperty('problems');
  });

  test('exact operators keep their own, longer limit', () => {
    expect(checkCondition({ kind: 'text', field: 'first_name', op: 'eq', values: [pastBound] })).toHaveProperty('tree');
  });

  test('the bound holds for trees written as text', () => {
    const tree = parseSegment(`first_name CONTAINS "${pastBound}"`);
    const checked = checkCondition(tree);
    expect(checked).toEqual({ problems: [expect.objectContaining({ field: 'condition.values.0' })] });
  });
});

describe('pattern leaves per tree are bounded', () => {
  const leaf = { kind: 'text', field: 'city', op: 'contains', values: ['par'] };
  test('at the bound the tree is accepted; one more is refused at the root', () => {
    const within = { kind: 'or', conditions: Array.from({ length: SEGMENT_LIMITS.patternConditions }, () => leaf) };
    expect(checkCondition(within)).toHaveProperty('tree');
    const past = { kind: 'or', conditions: [...within.conditions, { kind: 'not', condition: { kind: 'label', key: 'tier', op: 'prefix', values: ['g'] } }] };
    expect(checkCondition(past)).toEqual({
      problems: [
        {
          field: 'condition',
          rule: `holds ${SEGMENT_LIMITS.patternConditions + 1} contains, starts with and prefix conditions; at most ${SEGMENT_LIMITS.patternConditions}`,
        },
      ],
    });
  });

  test('patternLeafCount counts contains, starts_with and prefix only, through groups', () => {
    const tree = parseSegment('(city CONTAINS par OR city STARTS WITH lo) AND NOT label:tier = gold AND custom:plan CONTAINS pro AND label:src PREFIX go', {
      customFieldTypes: new Map([['plan', 'string']]),
    });
    expect(patternLeafCount(tree)).toBe(4);
    expect(isPatternLeaf({ kind: 'label', key: 'tier', op: 'eq', values: ['gold'] })).toBe(false);
  });
});
