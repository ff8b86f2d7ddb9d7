// The widened form of a segment during a label hygiene job, checked with the in-memory evaluator
// (the one membership events use) over every label state of a small universe: for a contact the
// job moves, the widened segment answers before the move what the segment answered, and after it
// what the final rewrite answers, so its events are exactly the real difference; once no contact
// carries the old key or values, the widened and the final forms agree (narrowing moves no one).
import { type Condition, type LabelCondition, matchesDocument } from '@segmenter/shared';
import { mergeLabelValuesIn, renameLabelKeyIn } from '../segments/segment-dependencies';
import { widenLabelMergeIn, widenLabelRenameIn } from './label-segment-widening';

type Labels = Record<string, string>;
const doc = (labels: Labels) => {
  const keys = Object.keys(labels).sort();
  return { workspace_id: 'w', contact_id: 'c', version: 1, deleted: false, labels: keys.map((k) => `${k}=${labels[k]}`), label_keys: keys } as never;
};
const label = (key: string, op: LabelCondition['op'], values: string[] = []): LabelCondition => ({ kind: 'label', key, op, values });
const other = label('tier', 'eq', ['gold']);
/** Each leaf alone, negated, and in both kinds of group. */
const contexts = (leaf: Condition): Condition[] => [
  leaf,
  { kind: 'not', condition: leaf },
  { kind: 'or', conditions: [leaf, other] },
  { kind: 'and', conditions: [leaf, { kind: 'not', condition: other }] },
];
const withTier = (states: Labels[]) => states.flatMap((s) => [s, { ...s, tier: 'gold' }]);

describe('a merge of FB, fb, Facebook into facebook', () => {
  const from = ['FB', 'fb', 'Facebook'];
  const to = 'facebook';
  const leaves = [
    ...['eq', 'neq'].flatMap((op) => ['FB', 'fb', 'facebook', 'ads'].map((v) => label('source', op as 'eq', [v]))),
    ...['in', 'not_in'].flatMap((op) =>
      [
        ['FB', 'ads'],
        ['FB', 'fb'],
        ['ads', 'facebook'],
        ['FB', 'facebook'],
      ].map((vs) => label('source', op as 'in', vs)),
    ),
    label('source', 'prefix', ['F']),
    label('source', 'prefix', ['f']),
    label('source', 'exists'),
    label('source', 'not_exists'),
  ];
  const states = withTier([{}, { source: 'FB' }, { source: 'fb' }, { source: 'Facebook' }, { source: 'facebook' }, { source: 'ads' }]);
  const moved = (s: Labels) => (s.source !== undefined && from.includes(s.source) ? { ...s, source: to } : s);

  test.each(leaves.flatMap(contexts).map((tree) => [JSON.stringify(tree), tree] as const))('%s', (_, tree) => {
    const widened = widenLabelMergeIn(tree, 'source', from, to);
    const final = mergeLabelValuesIn(tree, 'source', from, to);
    for (const before of states) {
      const after = moved(before);
      if (after !== before) expect([before, matchesDocument(widened, doc(before))]).toEqual([before, matchesDocument(tree, doc(before))]);
      expect([after, matchesDocument(widened, doc(after))]).toEqual([after, matchesDocument(final, doc(after))]);
    }
  });

  test('the lists it writes', () => {
    expect(widenLabelMergeIn(label('source', 'eq', ['FB']), 'source', from, to)).toEqual(label('source', 'in', ['FB', 'facebook']));
    expect(widenLabelMergeIn(label('source', 'neq', ['fb']), 'source', from, to)).toEqual(label('source', 'not_in', ['fb', 'facebook']));
    expect(widenLabelMergeIn(label('source', 'in', ['FB', 'facebook']), 'source', from, to)).toEqual(label('source', 'in', ['FB', 'facebook']));
    expect(widenLabelMergeIn(label('source', 'eq', ['ads']), 'source', from, to)).toEqual(label('source', 'eq', ['ads']));
    expect(widenLabelMergeIn(label('medium', 'eq', ['FB']), 'source', from, to)).toEqual(label('medium', 'eq', ['FB']));
  });
});

describe('a rename of source to channel', () => {
  const leaves = [
    ...(['eq', 'neq', 'prefix'] as const).flatMap((op) => ['FB', 'web'].map((v) => label('source', op, [v]))),
    ...(['in', 'not_in'] as const).map((op) => label('source', op, ['FB', 'web'])),
    label('source', 'exists'),
    label('source', 'not_exists'),
    label('channel', 'eq', ['FB']),
  ];
  const values = [undefined, 'FB', 'web', 'x'];
  const states = withTier(values.flatMap((source) => values.map((channel) => ({ ...(source ? { source } : {}), ...(channel ? { channel } : {}) }) as Labels)));
  /** The job: the old key's value moves unless the contact has the new key, whose own value wins. */
  const moved = ({ source, ...rest }: Labels) => (source === undefined ? null : { ...rest, channel: rest.channel ?? source });

  test.each(leaves.flatMap(contexts).map((tree) => [JSON.stringify(tree), tree] as const))('%s', (_, tree) => {
    const widened = widenLabelRenameIn(tree, 'source', 'channel');
    const final = renameLabelKeyIn(tree, 'source', 'channel');
    for (const before of states) {
      const after = moved(before);
      if (after && before.channel === undefined) expect([before, matchesDocument(widened, doc(before))]).toEqual([before, matchesDocument(tree, doc(before))]);
      if (after) expect([after, matchesDocument(widened, doc(after))]).toEqual([after, matchesDocument(final, doc(after))]);
      else expect([before, matchesDocument(widened, doc(before))]).toEqual([before, matchesDocument(final, doc(before))]);
    }
  });

  test('the trees it writes: either key, both absent for NOT EXISTS, spliced into a group of the same kind', () => {
    const eq = label('source', 'eq', ['FB']);
    const renamed = label('channel', 'eq', ['FB']);
    expect(widenLabelRenameIn(eq, 'source', 'channel')).toEqual({ kind: 'or', conditions: [eq, renamed] });
    expect(widenLabelRenameIn({ kind: 'or', conditions: [eq, other] }, 'source', 'channel')).toEqual({ kind: 'or', conditions: [eq, renamed, other] });
    expect(widenLabelRenameIn({ kind: 'and', conditions: [eq, other] }, 'source', 'channel')).toEqual({
      kind: 'and',
      conditions: [{ kind: 'or', conditions: [eq, renamed] }, other],
    });
    const absent = label('source', 'not_exists');
    expect(widenLabelRenameIn({ kind: 'and', conditions: [absent, other] }, 'source', 'channel')).toEqual({
      kind: 'and',
      conditions: [absent, label('channel', 'not_exists'), other],
    });
  });
});
