// Condition tree -> a parameterized SQL predicate over `contacts c` in Postgres: the reference
// semantics of the segment language, and the baseline the Elasticsearch compiler is measured and
// differentially tested against. Values only ever travel as parameters; identifiers (columns)
// come from the model's closed enums, never from input.
import { assertNever } from '../lang/assert-never';
import { CASE_INSENSITIVE_FIELDS, Condition, CustomCondition, DateCondition, LeafCondition, NumberCondition } from './condition-model';
import { isDateOperator, type DateOperator } from './operator-table';

export interface SqlPredicate {
  sql: string;
  params: unknown[];
}

/** Midnight UTC of Postgres's today, as a timestamp without zone. */
const TODAY = "date_trunc('day', now() at time zone 'UTC')";

class Params {
  private todayAt: string | undefined;
  /** `now`: the instant relative dates are resolved against; Postgres's now() when absent. */
  constructor(
    readonly values: unknown[],
    private readonly now?: Date,
  ) {}
  /** Midnight UTC of today, as a timestamp without zone: of the given instant, or of now(). */
  today(): string {
    if (this.now === undefined) return TODAY;
    this.todayAt ??= `date_trunc('day', ${this.add(this.now.toISOString(), '::timestamptz')} at time zone 'UTC')`;
    return this.todayAt;
  }
  /** Adds a value and returns its placeholder, cast when Postgres cannot infer the type. */
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/** Midnight UTC `days` from today, as timestamptz. */
const dayFromToday = (p: Params, days: number) => `((${p.today()} + make_interval(days => ${p.add(days, '::int')})) at time zone 'UTC')`;
/** Midnight UTC at the start of a calendar date (plus whole days). */
const dayOf = (p: Params, date: string, plusDays = 0) => `(((${p.add(date, '::date')} + ${plusDays})::timestamp) at time zone 'UTC')`;

/** Midnight UTC `months` calendar months from today (clamped to the month's last day, as Elasticsearch). */
const monthFromToday = (p: Params, months: number, plusDays = 0) =>
  `((${p.today()} + make_interval(months => ${p.add(months, '::int')}) + make_interval(days => ${plusDays})) at time zone 'UTC')`;

/** Midnight UTC N days or N calendar months ago. */
const spanAgo = (p: Params, span: { days?: number; months?: number }) =>
  span.months !== undefined ? monthFromToday(p, -span.months) : dayFromToday(p, -span.days!);

function dateRange(p: Params, column: string, op: DateOperator, dates: string[], span: { days?: number; months?: number }): string {
  const back = () => spanAgo(p, span);
  const ahead = () => (span.months !== undefined ? monthFromToday(p, span.months, 1) : dayFromToday(p, span.days! + 1));
  switch (op) {
    case 'before':
      return `${column} < ${dayOf(p, dates[0]!)}`;
    case 'after':
      return `${column} >= ${dayOf(p, dates[0]!, 1)}`;
    case 'on':
      return `(${column} >= ${dayOf(p, dates[0]!)} and ${column} < ${dayOf(p, dates[0]!, 1)})`;
    case 'between':
      return `(${column} >= ${dayOf(p, dates[0]!)} and ${column} < ${dayOf(p, dates[1]!, 1)})`;
    case 'in_last_days':
      return `${column} >= ${back()}`;
    case 'more_than_days_ago':
      return `${column} < ${back()}`;
    case 'in_next_days':
      return `(${column} >= ${dayFromToday(p, 0)} and ${column} < ${ahead()})`;
    default:
      return assertNever(op, 'date operator');
  }
}

const OPERATORS: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function comparison(p: Params, column: string, op: NumberCondition['op'], values: unknown[], cast: string): string {
  switch (op) {
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${column} ${OPERATORS[op]} ${p.add(values[0], cast)}`;
    case 'neq':
      return `(${column} is not null and ${column} <> ${p.add(values[0], cast)})`;
    case 'between':
      return `(${column} >= ${p.add(values[0], cast)} and ${column} <= ${p.add(values[1], cast)})`;
    case 'empty':
      return `${column} is null`;
    case 'not_empty':
      return `${column} is not null`;
    default:
      return assertNever(op, 'comparison');
  }
}

const containsText = (p: Params, column: string, text: string) => `strpos(lower(${column}), lower(${p.add(text, '::text')})) > 0`;
// left() rather than LIKE: no pattern characters to escape in user text.
const startsWithText = (p: Params, column: string, text: string) => {
  const prefix = p.add(text, '::text');
  return `left(lower(${column}), length(${prefix})) = lower(${prefix})`;
};

function custom(p: Params, c: CustomCondition): string {
  const key = p.add(c.key, '::text');
  const json = `c.custom_fields -> ${key}`;
  const typed: Record<CustomCondition['type'], string> = {
    string: `(case when jsonb_typeof(${json}) = 'string' then c.custom_fields ->> ${key} end)`,
    number: `(case when jsonb_typeof(${json}) = 'number' then (c.custom_fields ->> ${key})::double precision end)`,
    // Dates are stored as ISO strings in UTC (a date, or a date-time ending in Z).
    date: `(case when jsonb_typeof(${json}) = 'string' and (c.custom_fields ->> ${key}) ~ '^\\d{4}-\\d{2}-\\d{2}' then ((c.custom_fields ->> ${key})::timestamp at time zone 'UTC') end)`,
    boolean: `(case when jsonb_typeof(${json}) = 'boolean' then (c.custom_fields ->> ${key})::boolean end)`,
  };
  const value = typed[c.type];
  const values = c.values;
  const cast = c.type === 'number' ? '::double precision' : '::text';
  // Date operators compare whole UTC days; BETWEEN compares numbers on a number field.
  if (isDateOperator(c.op))
    return c.op === 'between' && c.type !== 'date' ? comparison(p, value, c.op, values, cast) : dateRange(p, value, c.op, values.map(String), c);
  switch (c.op) {
    case 'in':
      return `${value} = any(${p.add(values.map(String), '::text[]')})`;
    case 'contains':
      return containsText(p, value, String(values[0]));
    case 'starts_with':
      return startsWithText(p, value, String(values[0]));
    case 'is_true':
      return `${value} is true`;
    case 'is_false':
      return `${value} is false`;
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'empty':
    case 'not_empty':
      return comparison(p, value, c.op, values, cast);
    default:
      return assertNever(c.op, 'operator');
  }
}

function dates(p: Params, c: DateCondition): string {
  const column = `c.${c.field}`;
  if (c.op === 'empty') return `${column} is null`;
  if (c.op === 'not_empty') return `${column} is not null`;
  return dateRange(p, column, c.op, c.dates ?? [], c);
}

function leaf(p: Params, c: LeafCondition): string {
  switch (c.kind) {
    case 'tag': {
      const tagged = (ids: string[]) => `exists (select 1 from contact_tags t where t.contact_id = c.id and t.tag_id = any(${p.add(ids, '::uuid[]')}))`;
      if (c.op === 'has' || c.op === 'any') return tagged(c.tags);
      if (c.op === 'none') return `not ${tagged(c.tags)}`;
      return `not exists (select unnest(${p.add(c.tags, '::uuid[]')}) except select t.tag_id from contact_tags t where t.contact_id = c.id)`;
    }
    case 'label': {
      const label = (predicate: string) =>
        `exists (select 1 from contact_labels l where l.contact_id = c.id and l.key = ${p.add(c.key, '::text')}${predicate})`;
      switch (c.op) {
        case 'eq':
          return label(` and l.value = ${p.add(c.values[0], '::text')}`);
        case 'neq':
          return label(` and l.value <> ${p.add(c.values[0], '::text')}`);
        case 'in':
          return label(` and l.value = any(${p.add(c.values, '::text[]')})`);
        case 'not_in':
          return label(` and not (l.value = any(${p.add(c.values, '::text[]')}))`);
        case 'exists':
          return label('');
        case 'not_exists':
          return `not ${label('')}`;
        case 'prefix':
          return label(` and left(l.value, length(${p.add(c.values[0], '::text')})) = ${p.add(c.values[0], '::text')}`);
        default:
          return assertNever(c, 'operator');
      }
    }
    case 'text': {
      // Names compare case-insensitively: both sides through Postgres's lower(), never JS's.
      const folded = CASE_INSENSITIVE_FIELDS.includes(c.field);
      const column = folded ? `lower(c.${c.field})` : `c.${c.field}`;
      switch (c.op) {
        case 'in':
          return folded
            ? `${column} = any(array(select lower(v) from unnest(${p.add(c.values, '::text[]')}) v))`
            : `${column} = any(${p.add(c.values, '::text[]')})`;
        case 'contains':
          return containsText(p, `c.${c.field}`, c.values[0]!);
        case 'starts_with':
          return startsWithText(p, `c.${c.field}`, c.values[0]!);
        case 'eq':
        case 'neq': {
          const value = folded ? `lower(${p.add(c.values[0], '::text')})` : p.add(c.values[0], '::text');
          return c.op === 'eq' ? `${column} = ${value}` : `(${column} is not null and ${column} <> ${value})`;
        }
        case 'empty':
        case 'not_empty':
          return comparison(p, column, c.op, c.values, '::text');
        default:
          return assertNever(c, 'operator');
      }
    }
    case 'number':
      return comparison(p, `c.${c.field}`, c.op, c.values, '::double precision');
    case 'date':
      return dates(p, c);
    case 'status': {
      const inList = `c.${c.channel}_status = any(${p.add(c.statuses, '::text[]')})`;
      return c.op === 'in' ? inList : `not (${inList})`;
    }
    case 'sendable':
      return `(c.${c.channel}_status = 'active' and c.${c.channel} is not null)`;
    case 'custom':
      return custom(p, c);
    case 'engagement':
      // The reference counts the activities themselves; the index keeps the ten most recent.
      return `(select count(*) from activities a where a.contact_id = c.id and a.channel = ${p.add(c.channel, '::text')} and a.status = ${p.add(c.status, '::text')}
                and a.occurred_at >= ${spanAgo(p, c)}) >= ${p.add(c.atLeast, '::int')}`;
    case 'subscription': {
      // subscription_categories is a non-null text[] (default '{}'); && is overlap, @> contains.
      const categories = p.add(c.categories, '::text[]');
      if (c.op === 'has' || c.op === 'any') return `c.subscription_categories && ${categories}`;
      if (c.op === 'all') return `c.subscription_categories @> ${categories}`;
      return `not (c.subscription_categories && ${categories})`;
    }
    case 'segment':
      throw new Error('saved segment references must be expanded before compiling');
    default:
      return assertNever(c, 'condition');
  }
}

function compile(p: Params, tree: Condition): string {
  if (tree.kind === 'and') return `(${tree.conditions.map((c) => compile(p, c)).join(' and ')})`;
  if (tree.kind === 'or') return `(${tree.conditions.map((c) => compile(p, c)).join(' or ')})`;
  // coalesce: a comparison with a missing value is NULL in SQL, and NOT NULL is NULL; the
  // language's NOT means "does not match", which a missing value does not.
  if (tree.kind === 'not') return `not coalesce(${compile(p, tree.condition)}, false)`;
  return `coalesce(${leaf(p, tree)}, false)`;
}

/**
 * The predicate for `tree`; its placeholders start after `params` (e.g. [$1 = workspace id]),
 * which it extends. Relative dates count from Postgres's now(), or from `options.now` (a test's
 * controlled clock, or the instant the Elasticsearch query was compiled with).
 */
export function compileToSql(tree: Condition, params: unknown[] = [], options: { now?: Date } = {}): SqlPredicate {
  const p = new Params([...params], options.now);
  return { sql: compile(p, tree), params: p.values };
}

/** Ids of the workspace's live contacts matching `tree`, as one statement (relative dates from `options.now`, or now()). */
export function matchingContactsSql(workspaceId: string, tree: Condition, options: { now?: Date } = {}): SqlPredicate {
  const predicate = compileToSql(tree, [workspaceId], options);
  return { sql: `select c.id from contacts c where c.workspace_id = $1 and c.deleted_at is null and ${predicate.sql}`, params: predicate.params };
}
