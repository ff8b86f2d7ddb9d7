// The form's edits of a condition tree, by path (each step an index into a group's conditions, 0
// into a NOT): replace or remove a node, wrap it in NOT or unwrap it, and the default condition of
// each kind a person can pick. Pure functions over the shared model.
import type { Condition, LeafCondition } from './segment-language';
import { assertNever, OPERATORS, type Operator } from './segment-language';

export type Path = readonly number[];

export function nodeAt(tree: Condition, path: Path): Condition {
  let node = tree;
  for (const step of path) {
    if (node.kind === 'and' || node.kind === 'or') node = node.conditions[step]!;
    else if (node.kind === 'not') node = node.condition;
    else throw new Error(`no node at ${path.join('.')}`);
  }
  return node;
}

/** The tree with the node at `path` replaced (or removed, with null); a group left empty goes too, and null means nothing is left. */
export function replaceAt(tree: Condition, path: Path, next: Condition | null): Condition | null {
  if (path.length === 0) return next;
  const [step, ...rest] = path as [number, ...number[]];
  if (tree.kind === 'and' || tree.kind === 'or') {
    const child = replaceAt(tree.conditions[step]!, rest, next);
    const conditions = tree.conditions.flatMap((c, i) => (i !== step ? [c] : child ? [child] : []));
    return conditions.length === 0 ? null : { kind: tree.kind, conditions };
  }
  if (tree.kind === 'not') {
    const child = replaceAt(tree.condition, rest, next);
    return child ? { kind: 'not', condition: child } : null;
  }
  throw new Error(`no node at ${path.join('.')}`);
}

/** Adds `node` to the group at `path`, or turns the node there into an AND of it and `node`. */
export function addTo(tree: Condition | null, path: Path, node: Condition): Condition {
  if (!tree) return node;
  const target = nodeAt(tree, path);
  const grown: Condition =
    target.kind === 'and' || target.kind === 'or'
      ? { kind: target.kind, conditions: [...target.conditions, node] }
      : { kind: 'and', conditions: [target, node] };
  return replaceAt(tree, path, grown)!;
}

export const negate = (node: Condition): Condition => (node.kind === 'not' ? node.condition : { kind: 'not', condition: node });

const today = () => new Date().toISOString().slice(0, 10);

/** The kinds the form edits, with how each is named and its first condition. */
export const FORM_KINDS = {
  tag: 'Tag',
  label: 'Label',
  text: 'Profile text',
  number: 'Number',
  date: 'Date',
  status: 'Channel status',
  sendable: 'Sendable',
} as const;
export type FormKind = keyof typeof FORM_KINDS;
export const isFormKind = (kind: string): kind is FormKind => kind in FORM_KINDS;

export function defaultCondition(kind: FormKind, names: { tags: readonly string[]; labelKeys: readonly string[] }): LeafCondition {
  switch (kind) {
    case 'tag':
      return { kind: 'tag', op: 'has', tags: [names.tags[0] ?? ''] };
    case 'label':
      return { kind: 'label', key: names.labelKeys[0] ?? '', op: 'exists', values: [] };
    case 'text':
      return { kind: 'text', field: 'email', op: 'not_empty', values: [] };
    case 'number':
      return { kind: 'number', field: 'email_rating', op: 'gte', values: [50] };
    case 'date':
      return { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 };
    case 'status':
      return { kind: 'status', channel: 'email', op: 'in', statuses: ['active'] };
    case 'sendable':
      return { kind: 'sendable', channel: 'email' };
    default:
      return assertNever(kind, 'condition kind');
  }
}

/** Values kept across an operator change, fitted to what the new operator takes. */
export function fitValues<T>(op: Operator, values: readonly T[], fill: T): T[] {
  const operand = OPERATORS[op].operand;
  switch (operand) {
    case 'none':
    case 'span':
      return [];
    case 'one':
      return [values[0] ?? fill];
    case 'list':
      return values.length > 0 ? [...values] : [fill];
    case 'range':
      return [values[0] ?? fill, values[1] ?? values[0] ?? fill];
    default:
      return assertNever(operand, 'operand');
  }
}

/** A date condition changed to `op`: its dates or its span, fitted. */
export function dateWithOperator(c: Extract<LeafCondition, { kind: 'date' }>, op: Extract<LeafCondition, { kind: 'date' }>['op']): LeafCondition {
  const operand = OPERATORS[op].operand;
  if (operand === 'span') return { kind: 'date', field: c.field, op, ...(c.months !== undefined ? { months: c.months } : { days: c.days ?? 30 }) };
  if (operand === 'none') return { kind: 'date', field: c.field, op };
  return { kind: 'date', field: c.field, op, dates: fitValues(op, c.dates ?? [], today()) };
}
