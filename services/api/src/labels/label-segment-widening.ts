// The form a saved segment holds while a label hygiene job with updateSegments runs: it matches a
// contact the job moves the same before and after its chunk, so the indexer's membership events
// (evaluated per contact change against the segments as they are) report no one twice.
import type { Condition, LabelCondition } from '@segmenter/shared';

/**
 * A rename of key `from` to `to`, during the job: each condition on `from` also looks at `to`.
 * A contact moved has the value under one key before and under the other after, so:
 * - `=`, `IN`, `PREFIX`, `EXISTS` and (both needing the key) `!=`, `NOT IN` hold on either key:
 *   `(from op ...) OR (to op ...)`;
 * - `NOT EXISTS` must hold on both: `(from NOT EXISTS) AND (to NOT EXISTS)`.
 * Once no contact carries `from`, each form means the condition on `to` alone (the final rewrite
 * then moves no one). A contact that already had `to` keeps its value there; what it loses with
 * `from` moves it as any label removal does.
 */
export function widenLabelRenameIn(tree: Condition, from: string, to: string): Condition {
  return spliceLeaves(tree, (leaf) => {
    if (leaf.kind !== 'label' || leaf.key !== from) return leaf;
    const both: [LabelCondition, LabelCondition] = [leaf, { ...leaf, key: to }];
    return leaf.op === 'not_exists' ? { kind: 'and', conditions: both } : { kind: 'or', conditions: both };
  });
}

/**
 * A merge of values `from` of label `key` into `to`, during the job: a condition listing whole
 * values lists each merged value it names together with `to` (`= FB` becomes `IN [FB, facebook]`,
 * `!= FB` becomes `NOT IN [FB, facebook]`). A contact moved from FB to facebook then matches alike
 * before and after; one moved from `fb` into a segment of `FB` alone genuinely joins it (the final
 * form, `= facebook`, holds it) and its event says so. Only values the condition names are kept:
 * listing every merged value would move `fb` contacts in silently, when the segment is widened.
 */
export function widenLabelMergeIn(tree: Condition, key: string, from: readonly string[], to: string): Condition {
  return spliceLeaves(tree, (leaf) => {
    if (leaf.kind !== 'label' || leaf.key !== key || !leaf.values.some((v) => from.includes(v))) return leaf;
    if (leaf.op === 'eq' || leaf.op === 'in') return { ...leaf, op: 'in', values: [...new Set([...leaf.values, to])] };
    if (leaf.op === 'neq' || leaf.op === 'not_in') return { ...leaf, op: 'not_in', values: [...new Set([...leaf.values, to])] };
    // A prefix is the user's pattern (left as written, its members follow the values); exists and
    // not_exists name no value.
    return leaf;
  });
}

/**
 * Applies `visit` to every leaf; a group a leaf becomes is spliced into a parent group of the same
 * kind (`a OR (b OR b')` is `a OR b OR b'`), so widening nests no deeper than it must. Stored trees
 * are checked to SEGMENT_LIMITS.depth levels, so the recursion is bounded.
 */
function spliceLeaves(tree: Condition, visit: (leaf: Condition) => Condition): Condition {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every leaf kind is visited alike (see the default)
  switch (tree.kind) {
    case 'and':
    case 'or': {
      const kind = tree.kind;
      const conditions = tree.conditions.flatMap((c) => {
        const mapped = spliceLeaves(c, visit);
        return mapped !== c && c.kind !== kind && mapped.kind === kind ? mapped.conditions : [mapped];
      });
      return { kind, conditions };
    }
    case 'not':
      return { kind: 'not', condition: spliceLeaves(tree.condition, visit) };
    default:
      return visit(tree);
  }
}
