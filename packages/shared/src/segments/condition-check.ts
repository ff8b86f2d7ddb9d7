// A raw condition (a JSON tree from a request, or what the text parser produced) checked against
// the model and its rules: each problem named by its path and a rule a client can act on.
import { z } from 'zod';
import { CONDITION_KINDS, DATE_FIELDS, LEAF_SCHEMAS, NUMBER_FIELDS, TEXT_FIELDS } from './condition-model';
import type { Condition, LeafCondition } from './condition-model';
import { conditionProblems, statusRule } from './condition-rules';
import { normalizeConditionValues } from './normalize-condition';
import { SEGMENT_LIMITS } from './segment-limits';

/** Nesting allowed in raw input before the schema recurses into it (a stack guard, well above depth). */
const MAX_INPUT_NESTING = 64;

/** How deeply raw JSON nests, without recursion (so hostile input cannot exhaust the stack). */
function nestingOf(input: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[input, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(value as object)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export interface FieldProblem {
  field: string;
  rule: string;
}

const list = (values: readonly unknown[]) => values.map(String).join(', ');
/** zod's own wording ("Invalid input", "Too big: ...") is replaced; a schema's own message is kept. */
const isZodWording = (message: string) => /^(Invalid (input|option)|Too (big|small)|Unrecognized key)/.test(message);

/** The raw value at an issue's path (zod's issues leave the input out). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** One zod issue about `input` as a rule a client can act on: the allowed values, the expected type, the bound. */
function ruleOf(issue: z.core.$ZodIssue, input: unknown): string {
  if (!isZodWording(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${list(issue.values)}`;
    case 'invalid_type':
      return input === undefined
        ? 'is required'
        : `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected === 'int' ? 'whole number' : issue.expected}`;
    case 'invalid_union': {
      const branches = [...new Set(issue.errors.map((branch) => (branch[0] ? ruleOf(branch[0], valueAt(input, branch[0].path)) : 'valid')))];
      return branches.join(', or ');
    }
    case 'too_big':
    case 'too_small': {
      const [bound, limit] = issue.code === 'too_big' ? ['at most', issue.maximum] : ['at least', issue.minimum];
      if (issue.origin === 'array') return `must hold ${bound} ${String(limit)} values`;
      return issue.origin === 'string' ? `must be ${bound} ${String(limit)} characters` : `must be ${bound} ${String(limit)}`;
    }
    case 'invalid_format':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return issue.message;
  }
}

/** Profile fields a JSON tree may name in the contact JSON's camelCase (firstName, createdAt) as well. */
const MODEL_FIELDS: ReadonlySet<string> = new Set([...TEXT_FIELDS, ...NUMBER_FIELDS, ...DATE_FIELDS]);

/**
 * A leaf's `field` in the model's name: `firstName` (the contact JSON's spelling) reads as
 * `first_name`, as the text language reads it, so a client never has to know two spellings.
 */
function withModelFieldName(node: Record<string, unknown>): Record<string, unknown> {
  if (typeof node.field !== 'string' || MODEL_FIELDS.has(node.field)) return node;
  const snake = node.field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return MODEL_FIELDS.has(snake) ? { ...node, field: snake } : node;
}

/**
 * One node of raw input against the model, picking the schema by `kind` so a problem is reported
 * where it is (`condition.conditions.1.statuses.0: must be one of ...`), not as the outer union's
 * "Invalid input". Recursion is bounded: checkCondition measured the nesting first.
 */
function parseNode(input: unknown, at: string, problems: FieldProblem[]): Condition | undefined {
  const kinds = `must be one of ${CONDITION_KINDS.join(', ')}`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.push({ field: at, rule: `must be a condition: an object whose kind ${kinds}` });
    return undefined;
  }
  const node = input as Record<string, unknown>;
  const kind = node.kind;
  if (kind === 'and' || kind === 'or' || kind === 'not') {
    const members = kind === 'not' ? 'condition' : 'conditions';
    for (const key of Object.keys(node)) {
      if (key !== 'kind' && key !== members) problems.push({ field: `${at}.${key}`, rule: `is not a field of a ${kind} condition (kind, ${members})` });
    }
    if (kind === 'not') {
      if (node.condition === undefined) problems.push({ field: `${at}.condition`, rule: 'is required' });
      const inner = node.condition === undefined ? undefined : parseNode(node.condition, `${at}.condition`, problems);
      return inner && { kind, condition: inner };
    }
    const raw = node.conditions;
    if (!Array.isArray(raw)) {
      problems.push({ field: `${at}.conditions`, rule: raw === undefined ? 'is required' : 'must be an array of conditions' });
      return undefined;
    }
    if (raw.length === 0) problems.push({ field: `${at}.conditions`, rule: 'must hold at least one condition' });
    if (raw.length > SEGMENT_LIMITS.conditions) {
      problems.push({ field: `${at}.conditions`, rule: `must hold at most ${SEGMENT_LIMITS.conditions} conditions` });
      return undefined;
    }
    const conditions = raw.map((c, i) => parseNode(c, `${at}.conditions.${i}`, problems));
    return conditions.every((c) => c !== undefined) && raw.length > 0 ? { kind, conditions: conditions as Condition[] } : undefined;
  }
  if (typeof kind !== 'string' || !Object.hasOwn(LEAF_SCHEMAS, kind)) {
    problems.push({ field: at, rule: kind === undefined ? `needs a kind, which ${kinds}` : `kind ${kinds}` });
    return undefined;
  }
  const schema = LEAF_SCHEMAS[kind as LeafCondition['kind']] as z.ZodType<LeafCondition>;
  const parsed = schema.safeParse(withModelFieldName(node));
  if (parsed.success) return parsed.data;
  const fieldOf = (issue: z.core.$ZodIssue) => [at, ...issue.path.map(String)].join('.');
  // A value of the wrong type is that one problem: not also its bounds (zod checks both).
  const wrongType = new Set(parsed.error.issues.filter((i) => i.code === 'invalid_type').map(fieldOf));
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue);
    if (issue.code !== 'invalid_type' && wrongType.has(field)) continue;
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys((schema as unknown as z.ZodObject).shape).join(', ');
      for (const key of issue.keys) problems.push({ field: `${field}.${key}`, rule: `is not a field of a ${kind} condition (${allowed})` });
    } else if (kind === 'status' && issue.path[0] === 'statuses' && issue.path.length === 2 && (node.channel === 'email' || node.channel === 'phone')) {
      // The schema accepts either channel's statuses; name this channel's.
      problems.push({ field, rule: statusRule(node.channel, String(valueAt(input, issue.path))) ?? ruleOf(issue, valueAt(input, issue.path)) });
    } else problems.push({ field, rule: ruleOf(issue, valueAt(input, issue.path)) });
  }
  return undefined;
}

/**
 * Parses and checks a tree (JSON, or what the text parser produced) against the model and its
 * rules, and normalises its values as writes store them (a phone that is no phone is a problem).
 */
export function checkCondition(input: unknown, path = 'condition'): { tree: Condition } | { problems: FieldProblem[] } {
  if (nestingOf(input, MAX_INPUT_NESTING) > MAX_INPUT_NESTING) return { problems: [{ field: path, rule: `nests deeper than ${SEGMENT_LIMITS.depth} levels` }] };
  const shapeProblems: FieldProblem[] = [];
  const parsed = parseNode(input, path, shapeProblems);
  if (!parsed || shapeProblems.length > 0) return { problems: shapeProblems };
  const problems = conditionProblems(parsed, path);
  const tree = normalizeConditionValues(parsed, path, (p) => problems.push(p));
  return problems.length > 0 ? { problems } : { tree };
}
