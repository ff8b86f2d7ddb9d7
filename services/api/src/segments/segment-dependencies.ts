// What saved segments depend on: the tags and custom fields their conditions name, and the other
// segments they refer to. Deleting or renaming something a segment names must never break that
// segment silently: these answer "who uses it" (directly, or through a segment that uses one
// that does) and rewrite trees for renames. Pure functions over stored trees.
import type { Condition, LeafCondition } from '@segmenter/shared';
import { ConflictError, FieldProblem } from '../errors/app-error';
import type { MissingReference, SegmentBreak } from './segments-store';

/** Applies `visit` to every leaf, rebuilding the groups around them. */
export function mapLeaves(tree: Condition, visit: (leaf: Condition) => Condition): Condition {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every leaf kind is visited alike (see the default)
  switch (tree.kind) {
    case 'and':
    case 'or':
      return { kind: tree.kind, conditions: tree.conditions.map((c) => mapLeaves(c, visit)) };
    case 'not':
      return { kind: 'not', condition: mapLeaves(tree.condition, visit) };
    default:
      // Every leaf is visited alike; `satisfies` stops a new group kind from being taken for a leaf.
      return visit(tree satisfies LeafCondition);
  }
}

export function leavesOf(tree: Condition): Condition[] {
  const found: Condition[] = [];
  mapLeaves(tree, (leaf) => (found.push(leaf), leaf));
  return found;
}

export const tagIdsOf = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'tag' ? l.tags : [])))];
export const customFieldKeysOf = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'custom' ? [l.key] : [])))];
export const labelKeysOf = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'label' ? [l.key] : [])))];
export const segmentIdsOf = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'segment' ? [l.segmentId] : [])))];

/** Operators whose values are whole label values (a merge maps them); `prefix` holds the start of one. */
const WHOLE_VALUE_OPS: ReadonlySet<string> = new Set(['eq', 'neq', 'in', 'not_in']);

/**
 * Whether the tree names any of `values` of label `key`: as a whole value, or under a prefix that
 * one of them (or `to`, which contacts will then carry) starts with. `exists` and `not_exists`
 * name the key only: a merge of its values changes nothing for them.
 */
export const namesLabelValues = (tree: Condition, key: string, values: readonly string[], to?: string) =>
  leavesOf(tree).some((l) => {
    if (l.kind !== 'label' || l.key !== key) return false;
    if (WHOLE_VALUE_OPS.has(l.op)) return l.values.some((v) => values.includes(v));
    return l.op === 'prefix' && [...values, ...(to === undefined ? [] : [to])].some((v) => v.startsWith(l.values[0] ?? ''));
  });

interface SavedSegment {
  id: string;
  name: string;
  condition: Condition;
  referencesSegments: string[];
}

export interface Dependents<S> {
  /** Segments whose own condition names the thing. */
  direct: S[];
  /** Segments that refer (through any chain) to a direct one, and so depend on it too. */
  indirect: S[];
}

/** The segments that use what `names` picks out, directly or through other segments. */
export function dependentsOf<S extends SavedSegment>(all: readonly S[], names: (tree: Condition) => boolean): Dependents<S> {
  const direct = all.filter((s) => names(s.condition));
  const reached = new Set(direct.map((s) => s.id));
  // Walk references backwards until nothing new is reached (references never form cycles, but
  // the walk would stop on one anyway: a segment is added once).
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all) {
      if (!reached.has(s.id) && s.referencesSegments.some((r) => reached.has(r))) {
        reached.add(s.id);
        grew = true;
      }
    }
  }
  const directIds = new Set(direct.map((s) => s.id));
  return { direct, indirect: all.filter((s) => reached.has(s.id) && !directIds.has(s.id)) };
}

/** The 409 for deleting something saved segments use, naming each of them and how to go on. */
export function inUseConflict(what: string, field: string, dependents: Dependents<SavedSegment>): ConflictError {
  const quoted = (ss: SavedSegment[]) => ss.map((s) => `${JSON.stringify(s.name)} (${s.id})`).join(', ');
  const problems: FieldProblem[] = [
    { field, rule: `is used by saved segments ${quoted(dependents.direct)}; change them first, or pass force=true to delete anyway and mark them broken` },
  ];
  if (dependents.indirect.length > 0) problems.push({ field, rule: `is used through those by saved segments ${quoted(dependents.indirect)}` });
  return new ConflictError(`${what} is used by ${dependents.direct.length + dependents.indirect.length} saved segment(s)`, problems);
}

const describeMissing = (m: MissingReference) => (m.kind === 'tag' ? `tag ${JSON.stringify(m.name)}` : `custom field ${m.key}`);

/** The 409 for evaluating a broken segment: what is missing, and that editing the condition mends it. */
export function brokenSegmentConflict(segment: { id: string; name: string; broken: SegmentBreak }, field: string, via?: string): ConflictError {
  const missing = segment.broken.missing.map(describeMissing).join(', ');
  const where = via ? ` (used by this one through ${JSON.stringify(via)})` : '';
  return new ConflictError(`Segment ${JSON.stringify(segment.name)}${where} is broken: ${segment.broken.reason}`, [
    { field, rule: `segment ${JSON.stringify(segment.name)} names what no longer exists: ${missing}; edit its condition to mend it` },
  ]);
}

/** The tree with label key `from` renamed to `to`. */
export const renameLabelKeyIn = (tree: Condition, from: string, to: string) =>
  mapLeaves(tree, (leaf) => (leaf.kind === 'label' && leaf.key === from ? { ...leaf, key: to } : leaf));

/**
 * The tree with values `from` of label `key` replaced by `to` wherever a condition names whole
 * values (a list keeps each value once). A prefix is left as written: it is the user's pattern,
 * not a value, and rewriting it could widen or narrow it (the dry run lists such segments).
 */
export const mergeLabelValuesIn = (tree: Condition, key: string, from: readonly string[], to: string) =>
  mapLeaves(tree, (leaf) =>
    leaf.kind === 'label' && leaf.key === key && WHOLE_VALUE_OPS.has(leaf.op) && leaf.values.some((v) => from.includes(v))
      ? { ...leaf, values: [...new Set(leaf.values.map((v) => (from.includes(v) ? to : v)))] }
      : leaf,
  );

/** The tree with custom field `from` renamed to `to`. */
export const renameCustomFieldIn = (tree: Condition, from: string, to: string) =>
  mapLeaves(tree, (leaf) => (leaf.kind === 'custom' && leaf.key === from ? { ...leaf, key: to } : leaf));
