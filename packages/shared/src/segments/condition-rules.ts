// The rules a condition tree's shape (the zod schema) cannot say: values per operator, relative
// dates, statuses per channel, and the size limits of a whole tree. Read from the operator table.
import { EMAIL_STATUSES, PHONE_STATUSES } from '../domain/contact-domain';
import { assertNever } from '../lang/assert-never';
import type { Condition } from './condition-model';
import { isRealDate } from './condition-model';
import { arityOf, CUSTOM_FIELD_KINDS, FIELD_KINDS, isPatternOperator, isRelativeOperator, OPERATORS, type Operator } from './operator-table';
import { SEGMENT_LIMITS } from './segment-limits';

/** Whether a leaf matches by pattern (CONTAINS, STARTS WITH, label prefix): the leaves that cost. */
export const isPatternLeaf = (node: Condition): boolean => 'op' in node && isPatternOperator(node.op);

/** Pattern leaves in a tree, counted without recursion (trees are depth-bounded, but cheaply so). */
export function patternLeafCount(tree: Condition): number {
  let count = 0;
  const stack: Condition[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'and' || node.kind === 'or') stack.push(...node.conditions);
    else if (node.kind === 'not') stack.push(node.condition);
    else if (isPatternLeaf(node)) count += 1;
  }
  return count;
}

/** `must be one of ...` for a status of the wrong channel (or none), undefined for a good one. */
export function statusRule(channel: 'email' | 'phone', status: string): string | undefined {
  const allowed: readonly string[] = channel === 'email' ? EMAIL_STATUSES : PHONE_STATUSES;
  return allowed.includes(status) ? undefined : `must be one of ${allowed.join(', ')} (the ${channel} statuses)`;
}

/** The rules zod's shapes cannot say: value counts per operator, depth and size limits. */
export function conditionProblems(tree: Condition, path = 'condition'): { field: string; rule: string }[] {
  const problems: { field: string; rule: string }[] = [];
  let leaves = 0;
  const visit = (node: Condition, at: string, depth: number) => {
    if (depth > SEGMENT_LIMITS.depth) {
      problems.push({ field: at, rule: `nests deeper than ${SEGMENT_LIMITS.depth} levels` });
      return;
    }
    if (node.kind === 'and' || node.kind === 'or') return node.conditions.forEach((c, i) => visit(c, `${at}.conditions.${i}`, depth + 1));
    if (node.kind === 'not') return visit(node.condition, `${at}.condition`, depth + 1);
    leaves += 1;
    if (isPatternLeaf(node) && 'values' in node) {
      node.values.forEach((v, i) => {
        if (typeof v === 'string' && v.length > SEGMENT_LIMITS.patternLength) {
          problems.push({ field: `${at}.values.${i}`, rule: `must be at most ${SEGMENT_LIMITS.patternLength} characters for ${node.op} (found ${v.length})` });
        }
      });
    }
    /** Relative dates take exactly one of days and months; absolute ones neither. */
    const relativeCount = (relative: boolean, node: { op: string; days?: number; months?: number }) => {
      const given = (node.days !== undefined ? 1 : 0) + (node.months !== undefined ? 1 : 0);
      if (relative && given !== 1) problems.push({ field: `${at}.days`, rule: `${node.op} needs exactly one of days and months` });
      if (!relative && given > 0) problems.push({ field: `${at}.${node.days !== undefined ? 'days' : 'months'}`, rule: 'applies only to relative dates' });
    };
    const count = (n: number, op: Operator, field = 'values') => {
      const [min, max] = arityOf(op);
      if (n < min || n > max)
        problems.push({
          field: `${at}.${field}`,
          rule: min === max ? `must hold exactly ${min} value(s) for ${op}` : `must hold ${min} to ${max} values for ${op}`,
        });
    };
    switch (node.kind) {
      case 'label':
      case 'text':
      case 'number':
        count(node.values.length, node.op);
        if (node.kind === 'number' && node.values.some((v) => !Number.isInteger(v) || v < 0 || v > 100))
          problems.push({ field: `${at}.values`, rule: `must be whole numbers from 0 to 100 for ${node.field}` });
        if (node.op === 'between' && node.kind === 'number' && node.values[0]! > node.values[1]!)
          problems.push({ field: `${at}.values`, rule: 'between needs the lower bound first' });
        break;
      case 'custom': {
        count(node.values.length, node.op);
        const kind = FIELD_KINDS[CUSTOM_FIELD_KINDS[node.type]];
        if (!(kind.operators as readonly Operator[]).includes(node.op))
          problems.push({ field: `${at}.op`, rule: `${node.op} does not apply to a ${node.type} field` });
        const wrongType = node.values.find((v) => (kind.value === 'number' ? typeof v !== 'number' : typeof v !== 'string'));
        if (wrongType !== undefined)
          problems.push({ field: `${at}.values`, rule: `must be ${kind.value === 'number' ? 'numbers' : 'strings'} for a ${node.type} field` });
        if (kind.value === 'date' && node.values.some((v) => typeof v !== 'string' || !isRealDate(v)))
          problems.push({ field: `${at}.values`, rule: 'must be real dates like 2026-11-24' });
        relativeCount(isRelativeOperator(node.op), node);
        break;
      }
      case 'date': {
        const relative = isRelativeOperator(node.op);
        const dates = node.dates ?? [];
        relativeCount(relative, node);
        if (!relative) count(dates.length, node.op, 'dates');
        else if (dates.length > 0) problems.push({ field: `${at}.dates`, rule: 'applies only to absolute dates' });
        if (node.op === 'between' && dates.length === 2 && dates[0]! > dates[1]!)
          problems.push({ field: `${at}.dates`, rule: 'between needs the earlier date first' });
        break;
      }
      case 'status':
        node.statuses.forEach((s, i) => {
          const rule = statusRule(node.channel, s);
          if (rule) problems.push({ field: `${at}.statuses.${i}`, rule });
        });
        break;
      case 'tag':
        if (OPERATORS[node.op].operand === 'one' && node.tags.length !== 1) problems.push({ field: `${at}.tags`, rule: 'must hold exactly one tag for has' });
        break;
      case 'subscription':
        if (OPERATORS[node.op].operand === 'one' && node.categories.length !== 1)
          problems.push({ field: `${at}.categories`, rule: 'must hold exactly one category for has' });
        break;
      case 'engagement':
        if ((node.days === undefined) === (node.months === undefined))
          problems.push({ field: `${at}.days`, rule: 'engagement needs exactly one of days and months' });
        break;
      case 'sendable':
      case 'segment':
        // Nothing beyond their shape: a channel, or a segment id (expanded and checked before compiling).
        break;
      default:
        return assertNever(node, 'condition');
    }
  };
  visit(tree, path, 1);
  let values = 0;
  const countValues = (node: Condition): void => {
    if (node.kind === 'and' || node.kind === 'or') return node.conditions.forEach(countValues);
    if (node.kind === 'not') return countValues(node.condition);
    values +=
      'values' in node
        ? node.values.length
        : 'tags' in node
          ? node.tags.length
          : 'statuses' in node
            ? node.statuses.length
            : 'categories' in node
              ? node.categories.length
              : 0;
  };
  countValues(tree);
  if (values > SEGMENT_LIMITS.totalValues) problems.push({ field: path, rule: `holds ${values} values in all; at most ${SEGMENT_LIMITS.totalValues}` });
  if (leaves > SEGMENT_LIMITS.conditions) problems.push({ field: path, rule: `holds ${leaves} conditions; at most ${SEGMENT_LIMITS.conditions}` });
  const patterns = patternLeafCount(tree);
  if (patterns > SEGMENT_LIMITS.patternConditions) {
    problems.push({ field: path, rule: `holds ${patterns} contains, starts with and prefix conditions; at most ${SEGMENT_LIMITS.patternConditions}` });
  }
  return problems;
}
