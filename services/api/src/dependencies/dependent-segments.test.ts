// Who depends on what, and how label hygiene rewrites the segments that name the old key or values:
// pure functions over stored trees, table-driven.
import type { Condition } from '@segmenter/shared';
import { mergeLabelValuesIn, namesLabelValues, renameLabelKeyIn } from '../segments/segment-dependencies';
import { describeDependents } from './dependent-segments';

const label = (op: string, values: string[], key = 'source') => ({ kind: 'label', key, op, values }) as Condition;
const ref = (segmentId: string) => ({ kind: 'segment', segmentId }) as Condition;
const and = (...conditions: Condition[]) => ({ kind: 'and', conditions }) as Condition;

describe('describeDependents', () => {
  const stored = (id: string, name: string, condition: Condition, referencesSegments: string[] = []) => ({
    id,
    name,
    condition,
    referencesSegments,
    broken: null,
  });
  const all = [
    stored('a', 'Z direct', label('eq', ['FB'])),
    stored('b', 'B uses a', ref('a'), ['a']),
    stored('c', 'C uses a and b', and(ref('a'), ref('b')), ['a', 'b']),
    stored('d', 'D unrelated', label('eq', ['x'], 'tier')),
    stored('e', 'A direct too', and(label('exists', []), ref('d')), ['d']),
  ];
  const uses = (tree: Condition) => JSON.stringify(tree).includes('"source"');

  test('direct ones first, then indirect ones, each by name; an indirect one names the dependents it refers to', () => {
    expect(describeDependents(all, uses).map(({ segment: _s, ...d }) => d)).toEqual([
      { id: 'e', name: 'A direct too', dependency: 'direct', via: [], broken: false },
      { id: 'a', name: 'Z direct', dependency: 'direct', via: [], broken: false },
      { id: 'b', name: 'B uses a', dependency: 'indirect', via: [{ id: 'a', name: 'Z direct' }], broken: false },
      {
        id: 'c',
        name: 'C uses a and b',
        dependency: 'indirect',
        via: [
          { id: 'b', name: 'B uses a' },
          { id: 'a', name: 'Z direct' },
        ],
        broken: false,
      },
    ]);
  });
});

describe('label hygiene in segment trees', () => {
  test.each([
    { description: 'eq on a merged value', tree: label('eq', ['FB']), names: true, merged: label('eq', ['facebook']) },
    { description: 'in keeps each value once', tree: label('in', ['FB', 'fb', 'ads']), names: true, merged: label('in', ['facebook', 'ads']) },
    { description: 'not_in', tree: label('not_in', ['Facebook']), names: true, merged: label('not_in', ['facebook']) },
    { description: 'another value', tree: label('eq', ['ads']), names: false, merged: label('eq', ['ads']) },
    { description: 'exists names the key only', tree: label('exists', []), names: false, merged: label('exists', []) },
    { description: 'a prefix a merged value starts with is named, not rewritten', tree: label('prefix', ['F']), names: true, merged: label('prefix', ['F']) },
    { description: 'a prefix the target starts with', tree: label('prefix', ['face']), names: true, merged: label('prefix', ['face']) },
    { description: 'another key', tree: label('eq', ['FB'], 'channel'), names: false, merged: label('eq', ['FB'], 'channel') },
  ])('$description', ({ tree, names, merged }) => {
    expect(namesLabelValues(tree, 'source', ['FB', 'fb', 'Facebook'], 'facebook')).toBe(names);
    expect(mergeLabelValuesIn(and(tree), 'source', ['FB', 'fb', 'Facebook'], 'facebook')).toEqual(and(merged));
  });

  test('a key rename rewrites every leaf on the key, whatever its operator, and only those', () => {
    expect(renameLabelKeyIn(and(label('exists', []), label('eq', ['x'], 'tier'), label('prefix', ['F'])), 'source', '__proto__')).toEqual(
      and(label('exists', [], '__proto__'), label('eq', ['x'], 'tier'), label('prefix', ['F'], '__proto__')),
    );
  });
});
