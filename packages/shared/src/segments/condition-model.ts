// The segment condition model: a tree of groups (and, or, not) over leaf conditions. One zod
// schema is the contract for the API (JSON trees), the text parser's output, and both compilers
// (Elasticsearch and SQL). Semantics every compiler follows (docs/segment-language.md):
//   - Negative operators (!=, NOT IN, none of, did not) need the value to exist where it makes
//     sense: `label:tier != gold` matches contacts that HAVE the label tier with another value,
//     not contacts without it; `NOT label:tier = gold` matches both.
//   - Text equality is exact except for first and last names (case-insensitive, as indexed);
//     contains and starts with are case-insensitive on every text field.
//   - Relative dates count whole UTC days: "in the last 30 days" starts at midnight UTC 30 days ago;
//     months are calendar months (3 months before May 31 is February 28/29). Engagement windows too.
//   - Values are normalised as contact writes store them before a tree is compiled or stored
//     (emails lower-cased, phones in E.164, countries upper-cased): normalizeConditionValues.
import { z } from 'zod';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES, EMAIL_STATUSES, LabelKey, LabelValue, PHONE_STATUSES, SubscriptionCategory } from '../domain/contact-domain';
import { COUNTRY_RULE, normalizeCountry, normalizeEmail, normalizePhone, PHONE_RULE } from '../domain/contact-normalisers';
import { ENGAGEMENT_RANKS } from '../search-index/contacts-index';

export const SEGMENT_LIMITS = {
  /** Nesting of groups (and, or, not), the root counting as 1. */
  depth: 8,
  /** Leaf conditions in one tree (after saved segments are expanded). */
  conditions: 200,
  /** Values in one IN list or tag list. */
  values: 500,
  /** Values in the whole tree (each becomes a clause in Elasticsearch, which caps clauses). */
  totalValues: 2000,
  /** N in relative dates (days). */
  days: 36_500,
  /** N in relative dates (months). */
  months: 1200,
  /**
   * Characters (UTF-16 units) in a pattern value: CONTAINS, STARTS WITH, label prefix. Elasticsearch
   * builds an automaton from it, case-insensitive for text: measured on Elasticsearch 8, CONTAINS
   * fails past 314 characters (any alphabet, escaped `*` and `?` included) and a 1,000-character
   * STARTS WITH takes 250-400 ms; at 100 either takes about 10 ms. A third of the limit is the margin.
   */
  patternLength: 100,
  /** Pattern conditions in one tree (after saved segments are expanded): each builds an automaton. */
  patternConditions: 20,
} as const;

/** Operators whose value is a pattern Elasticsearch turns into an automaton (the expensive leaves). */
const PATTERN_OPS: ReadonlySet<string> = new Set(['contains', 'starts_with', 'prefix']);

/** Whether a leaf matches by pattern (CONTAINS, STARTS WITH, label prefix): the leaves that cost. */
export const isPatternLeaf = (node: Condition): boolean =>
  (node.kind === 'text' || node.kind === 'custom' || node.kind === 'label') && PATTERN_OPS.has(node.op);

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

/** Profile fields compared as text. */
export const TEXT_FIELDS = ['email', 'phone', 'first_name', 'last_name', 'city', 'region', 'postal_code', 'country', 'timezone', 'language', 'source'] as const;
/** Text fields that compare case-insensitively for equality (indexed with a lowercase normalizer). */
export const CASE_INSENSITIVE_FIELDS: readonly string[] = ['first_name', 'last_name'];
export const NUMBER_FIELDS = ['email_rating'] as const;
export const DATE_FIELDS = ['created_at', 'updated_at', 'consent_at'] as const;

const values = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must hold at least one value').max(SEGMENT_LIMITS.values, `must hold at most ${SEGMENT_LIMITS.values} values`);
const text = z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters');
/** A real calendar date (2026-02-30 is refused), years 1000 to 9999. */
export const isRealDate = (s: string) => {
  const time = /^[1-9]\d{3}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN;
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(s);
};
const isoDate = z.string().refine(isRealDate, 'must be a real date like 2026-11-24');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const days = z.number().int('must be a whole number').min(0, 'must be at least 0').max(SEGMENT_LIMITS.days, `must be at most ${SEGMENT_LIMITS.days}`);
const months = z.number().int('must be a whole number').min(0, 'must be at least 0').max(SEGMENT_LIMITS.months, `must be at most ${SEGMENT_LIMITS.months}`);

/** Membership of a set the contact holds (tags, subscription categories): one, any, all or none. */
const MEMBERSHIP_OPS = ['has', 'any', 'all', 'none'] as const;

export const TagCondition = z.strictObject({
  kind: z.literal('tag'),
  /** has: the one tag; any / all / none: of the list. */
  op: z.enum(MEMBERSHIP_OPS),
  /** Tag ids once resolved (saved segments store ids so renames show); names as typed before. */
  tags: values(z.string().min(1).max(100)),
});

export const LabelCondition = z.strictObject({
  kind: z.literal('label'),
  key: LabelKey,
  op: z.enum(['eq', 'neq', 'in', 'not_in', 'exists', 'not_exists', 'prefix']),
  /** One value for eq, neq, prefix; several for in, not_in; none for exists, not_exists. */
  values: z.array(LabelValue).max(SEGMENT_LIMITS.values),
});

export const TextCondition = z.strictObject({
  kind: z.literal('text'),
  field: z.enum(TEXT_FIELDS),
  op: z.enum(['eq', 'neq', 'in', 'contains', 'starts_with', 'empty', 'not_empty']),
  values: z.array(text).max(SEGMENT_LIMITS.values),
});

const comparison = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty']);

export const NumberCondition = z.strictObject({
  kind: z.literal('number'),
  field: z.enum(NUMBER_FIELDS),
  op: comparison,
  values: z.array(finite).max(2),
});

/** Absolute (a calendar date, UTC) or relative (whole days from today, UTC). */
export const DateCondition = z.strictObject({
  kind: z.literal('date'),
  field: z.enum(DATE_FIELDS),
  op: z.enum(['before', 'after', 'on', 'between', 'in_last_days', 'more_than_days_ago', 'in_next_days', 'empty', 'not_empty']),
  dates: z.array(isoDate).max(2).optional(),
  /** Relative operators count days or calendar months: exactly one of the two. */
  days: days.optional(),
  months: months.optional(),
});

export const StatusCondition = z.strictObject({
  kind: z.literal('status'),
  channel: z.enum(['email', 'phone']),
  op: z.enum(['in', 'not_in']),
  statuses: values(z.enum([...new Set([...EMAIL_STATUSES, ...PHONE_STATUSES])] as [string, ...string[]])),
});

export const SendableCondition = z.strictObject({ kind: z.literal('sendable'), channel: z.enum(['email', 'phone']) });

/** A custom field by its declared type; `type` is filled in from the workspace's definitions. */
export const CustomCondition = z.strictObject({
  kind: z.literal('custom'),
  key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a custom field key'),
  type: z.enum(['string', 'number', 'date', 'boolean']),
  op: z.enum(['eq', 'neq', 'in', 'contains', 'starts_with', 'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'on', 'in_last_days', 'more_than_days_ago', 'in_next_days', 'is_true', 'is_false', 'empty', 'not_empty']),
  values: z.array(z.union([text, finite])).max(SEGMENT_LIMITS.values),
  days: days.optional(),
  months: months.optional(),
});

/**
 * "Opened an email at least K times in the last N days" (K up to ENGAGEMENT_RANKS); the window is
 * N days or N calendar months, exactly one of the two, as relative dates.
 */
export const EngagementCondition = z.strictObject({
  kind: z.literal('engagement'),
  channel: z.enum(ACTIVITY_CHANNELS),
  status: z.enum(ACTIVITY_STATUSES),
  atLeast: z.number().int('must be a whole number').min(1, 'must be at least 1').max(ENGAGEMENT_RANKS, `must be at most ${ENGAGEMENT_RANKS} (the times kept per channel and status)`),
  days: days.min(1, 'must be at least 1').optional(),
  months: months.min(1, 'must be at least 1').optional(),
});

/** The contact's subscription categories (`subscription:newsletter`): as tags, one or a list. */
export const SubscriptionCondition = z.strictObject({
  kind: z.literal('subscription'),
  /** has: the one category; any / all / none: of the list. Categories match exactly, as stored. */
  op: z.enum(MEMBERSHIP_OPS),
  categories: values(SubscriptionCategory),
});

/** Membership of another saved segment: expanded before compiling; cycles are refused. */
export const SegmentCondition = z.strictObject({ kind: z.literal('segment'), segmentId: z.uuid('must be a segment id (UUID)') });

export type TagCondition = z.infer<typeof TagCondition>;
export type LabelCondition = z.infer<typeof LabelCondition>;
export type TextCondition = z.infer<typeof TextCondition>;
export type NumberCondition = z.infer<typeof NumberCondition>;
export type DateCondition = z.infer<typeof DateCondition>;
export type StatusCondition = z.infer<typeof StatusCondition>;
export type SendableCondition = z.infer<typeof SendableCondition>;
export type CustomCondition = z.infer<typeof CustomCondition>;
export type EngagementCondition = z.infer<typeof EngagementCondition>;
export type SegmentCondition = z.infer<typeof SegmentCondition>;
export type SubscriptionCondition = z.infer<typeof SubscriptionCondition>;

export type LeafCondition =
  | TagCondition
  | LabelCondition
  | TextCondition
  | NumberCondition
  | DateCondition
  | StatusCondition
  | SendableCondition
  | CustomCondition
  | EngagementCondition
  | SubscriptionCondition
  | SegmentCondition;

export type Condition = LeafCondition | { kind: 'and'; conditions: Condition[] } | { kind: 'or'; conditions: Condition[] } | { kind: 'not'; condition: Condition };

/** Each leaf's schema by its kind: checkCondition picks the branch by `kind` and reports its issues. */
const LEAF_SCHEMAS = {
  tag: TagCondition,
  label: LabelCondition,
  text: TextCondition,
  number: NumberCondition,
  date: DateCondition,
  status: StatusCondition,
  sendable: SendableCondition,
  custom: CustomCondition,
  engagement: EngagementCondition,
  subscription: SubscriptionCondition,
  segment: SegmentCondition,
} as const satisfies { [K in LeafCondition['kind']]: z.ZodType<Extract<LeafCondition, { kind: K }>> };
const GROUP_KINDS = ['and', 'or', 'not'] as const;
/** Every `kind` a JSON tree may hold. */
export const CONDITION_KINDS = [...(Object.keys(LEAF_SCHEMAS) as LeafCondition['kind'][]), ...GROUP_KINDS];

const Leaf = z.discriminatedUnion('kind', [
  TagCondition,
  LabelCondition,
  TextCondition,
  NumberCondition,
  DateCondition,
  StatusCondition,
  SendableCondition,
  CustomCondition,
  EngagementCondition,
  SubscriptionCondition,
  SegmentCondition,
]);

/** Nesting allowed in raw input before the schema recurses into it (a stack guard, well above depth). */
export const MAX_INPUT_NESTING = 64;

const groupMembers = z.array(z.lazy(() => ConditionShape)).min(1, 'must hold at least one condition').max(SEGMENT_LIMITS.conditions);

const ConditionShape: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Leaf,
    z.strictObject({ kind: z.literal('and'), conditions: groupMembers }),
    z.strictObject({ kind: z.literal('or'), conditions: groupMembers }),
    z.strictObject({ kind: z.literal('not'), condition: ConditionShape }),
  ]),
) as z.ZodType<Condition>;

/** How many values an operator takes: [min, max]. */
function arity(op: string): [number, number] {
  if (['exists', 'not_exists', 'empty', 'not_empty', 'is_true', 'is_false', 'in_last_days', 'more_than_days_ago', 'in_next_days'].includes(op)) return [0, 0];
  if (op === 'between') return [2, 2];
  if (op === 'in' || op === 'not_in') return [1, SEGMENT_LIMITS.values];
  return [1, 1];
}

const RELATIVE = ['in_last_days', 'more_than_days_ago', 'in_next_days'];

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
    const count = (n: number, op: string, field = 'values') => {
      const [min, max] = arity(op);
      if (n < min || n > max) problems.push({ field: `${at}.${field}`, rule: min === max ? `must hold exactly ${min} value(s) for ${op}` : `must hold ${min} to ${max} values for ${op}` });
    };
    switch (node.kind) {
      case 'label':
      case 'text':
      case 'number':
        count(node.values.length, node.op);
        if (node.kind === 'number' && node.values.some((v) => !Number.isInteger(v) || v < 0 || v > 100)) problems.push({ field: `${at}.values`, rule: `must be whole numbers from 0 to 100 for ${node.field}` });
        if (node.op === 'between' && node.kind === 'number' && node.values[0]! > node.values[1]!) problems.push({ field: `${at}.values`, rule: 'between needs the lower bound first' });
        break;
      case 'custom': {
        count(node.values.length, node.op);
        const allowed: Record<string, string[]> = {
          string: ['eq', 'neq', 'in', 'contains', 'starts_with', 'empty', 'not_empty'],
          number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'empty', 'not_empty'],
          date: ['before', 'after', 'on', 'between', ...RELATIVE, 'empty', 'not_empty'],
          boolean: ['is_true', 'is_false', 'empty', 'not_empty'],
        };
        if (!allowed[node.type]!.includes(node.op)) problems.push({ field: `${at}.op`, rule: `${node.op} does not apply to a ${node.type} field` });
        const wrongType = node.values.find((v) => (node.type === 'number' ? typeof v !== 'number' : typeof v !== 'string'));
        if (wrongType !== undefined) problems.push({ field: `${at}.values`, rule: `must be ${node.type === 'number' ? 'numbers' : 'strings'} for a ${node.type} field` });
        if (node.type === 'date' && node.values.some((v) => typeof v !== 'string' || !isRealDate(v))) problems.push({ field: `${at}.values`, rule: 'must be real dates like 2026-11-24' });
        relativeCount(RELATIVE.includes(node.op), node);
        break;
      }
      case 'date': {
        const relative = RELATIVE.includes(node.op);
        const dates = node.dates ?? [];
        relativeCount(relative, node);
        if (!relative) count(dates.length, node.op, 'dates');
        else if (dates.length > 0) problems.push({ field: `${at}.dates`, rule: 'applies only to absolute dates' });
        if (node.op === 'between' && dates.length === 2 && dates[0]! > dates[1]!) problems.push({ field: `${at}.dates`, rule: 'between needs the earlier date first' });
        break;
      }
      case 'status':
        node.statuses.forEach((s, i) => {
          const rule = statusRule(node.channel, s);
          if (rule) problems.push({ field: `${at}.statuses.${i}`, rule });
        });
        break;
      case 'tag':
        if (node.op === 'has' && node.tags.length !== 1) problems.push({ field: `${at}.tags`, rule: 'must hold exactly one tag for has' });
        break;
      case 'subscription':
        if (node.op === 'has' && node.categories.length !== 1) problems.push({ field: `${at}.categories`, rule: 'must hold exactly one category for has' });
        break;
      case 'engagement':
        if ((node.days === undefined) === (node.months === undefined)) problems.push({ field: `${at}.days`, rule: 'engagement needs exactly one of days and months' });
        break;
      default:
        break;
    }
  };
  visit(tree, path, 1);
  let values = 0;
  const countValues = (node: Condition): void => {
    if (node.kind === 'and' || node.kind === 'or') return node.conditions.forEach(countValues);
    if (node.kind === 'not') return countValues(node.condition);
    values += 'values' in node ? node.values.length : 'tags' in node ? node.tags.length : 'statuses' in node ? node.statuses.length : 'categories' in node ? node.categories.length : 0;
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

export const ConditionTree = ConditionShape;

/** How deeply raw JSON nests, without recursion (so hostile input cannot exhaust the stack). */
export function nestingOf(input: unknown, stopAt: number): number {
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

/** `must be one of ...` for a status of the wrong channel (or none), undefined for a good one. */
export function statusRule(channel: 'email' | 'phone', status: string): string | undefined {
  const allowed: readonly string[] = channel === 'email' ? EMAIL_STATUSES : PHONE_STATUSES;
  return allowed.includes(status) ? undefined : `must be one of ${allowed.join(', ')} (the ${channel} statuses)`;
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
  for (const key of path) value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** One zod issue about `input` as a rule a client can act on: the allowed values, the expected type, the bound. */
function ruleOf(issue: z.core.$ZodIssue, input: unknown): string {
  if (!isZodWording(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${list(issue.values)}`;
    case 'invalid_type':
      return input === undefined ? 'is required' : `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected === 'int' ? 'whole number' : issue.expected}`;
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
    default:
      return issue.message;
  }
}

/**
 * One node of raw input against the model, picking the schema by `kind` so a problem is reported
 * where it is (`condition.conditions.1.statuses.0: must be one of ...`), not as the outer union's
 * "Invalid input". Recursion is bounded: checkCondition measured the nesting first.
 */
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

/** Phone fragments lose the separators people type (`+33 6 12`): stored numbers hold none. */
const PHONE_SEPARATORS = /[\s().-]/g;

/**
 * Values as contact writes store them, so a condition compares like with like: emails trimmed and
 * lower-cased, phones in E.164, countries upper-cased, for =, != and IN. CONTAINS and STARTS WITH
 * already ignore case; a phone fragment cannot be put in E.164, so it only loses its separators.
 * `onProblem` hears of values no write could store (a phone that is no phone); without it, such
 * values stay as they are (trees stored before normalisation still compile, and match nothing).
 */
export function normalizeConditionValues(tree: Condition, path = 'condition', onProblem?: (problem: FieldProblem) => void): Condition {
  const visit = (node: Condition, at: string): Condition => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, conditions: node.conditions.map((c, i) => visit(c, `${at}.conditions.${i}`)) };
      case 'not':
        return { kind: 'not', condition: visit(node.condition, `${at}.condition`) };
      case 'text':
        return { ...node, values: node.values.map((v, i) => normalizeTextValue(node.field, node.op, v, (rule) => onProblem?.({ field: `${at}.values.${i}`, rule }))) };
      default:
        return node;
    }
  };
  return visit(tree, path);
}

function normalizeTextValue(field: TextCondition['field'], op: TextCondition['op'], value: string, refuse: (rule: string) => void): string {
  const exact = op === 'eq' || op === 'neq' || op === 'in';
  switch (field) {
    case 'email':
      return exact ? normalizeEmail(value) || value : value;
    case 'phone': {
      if (!exact) return value.replace(PHONE_SEPARATORS, '') || value;
      const e164 = normalizePhone(value);
      if (e164 === undefined) refuse(`phone ${PHONE_RULE} (found ${JSON.stringify(value)})`);
      return e164 ?? value;
    }
    case 'country': {
      if (!exact) return value;
      const code = normalizeCountry(value);
      if (code === undefined) refuse(`country ${COUNTRY_RULE} (found ${JSON.stringify(value)})`);
      return code ?? value;
    }
    default:
      return value;
  }
}

/**
 * The canonical form of a tree: a group of one condition is that condition, and values are
 * normalised as writes store them (normalizeConditionValues; a value no write could store is kept
 * as it is). Trees are stored and compiled in this form, and it is the form the text syntax
 * round-trips (a parenthesised single condition reads back as the condition).
 */
export function normalizeCondition(tree: Condition): Condition {
  const flatten = (node: Condition): Condition => {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const conditions = node.conditions.map(flatten);
        return conditions.length === 1 ? conditions[0]! : { kind: node.kind, conditions };
      }
      case 'not':
        return { kind: 'not', condition: flatten(node.condition) };
      default:
        return node;
    }
  };
  return flatten(normalizeConditionValues(tree));
}
