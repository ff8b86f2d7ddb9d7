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
// Operators come from the operator table; the rules zod cannot say are in condition-rules.ts.
import { z } from 'zod';
import {
  ACTIVITY_CHANNELS,
  ACTIVITY_STATUSES,
  CUSTOM_FIELD_TYPES,
  EMAIL_STATUSES,
  LabelKey,
  LabelValue,
  PHONE_STATUSES,
  SubscriptionCategory,
} from '../domain/contact-domain';
import { type ColumnOf, CONTACT_FIELD_NAMES, CONTACT_FIELDS, contactColumnsWith, type FieldsWhere } from '../domain/contact-fields';
import type { estypes } from '../elasticsearch/es-client';
import { ENGAGEMENT_RANKS } from '../domain/engagement-ranks';
import { CUSTOM_OPERATORS, FIELD_KINDS } from './operator-table';
import { SEGMENT_LIMITS } from './segment-limits';

/** Profile fields compared as text (from the contact field table, in its order). */
export const TEXT_FIELDS: readonly TextField[] = contactColumnsWith({ segment: 'text' });
type TextField = ColumnOf<FieldsWhere<{ segment: 'text' }>>;
/** Text fields that compare case-insensitively for equality: those indexed with a lowercase normalizer. */
export const CASE_INSENSITIVE_FIELDS: readonly string[] = CONTACT_FIELD_NAMES.filter((name) => {
  const index: estypes.MappingProperty | null = CONTACT_FIELDS[name].index;
  return index !== null && 'normalizer' in index && index.normalizer === 'lowercase';
}).map((name) => CONTACT_FIELDS[name].column);
export const NUMBER_FIELDS: readonly ColumnOf<FieldsWhere<{ segment: 'number' }>>[] = contactColumnsWith({ segment: 'number' });
/** Written out, not derived: the API has always listed them in this order (not the table's); a test holds it to the table. */
export const DATE_FIELDS = ['created_at', 'updated_at', 'consent_at'] as const satisfies readonly ColumnOf<FieldsWhere<{ segment: 'date' }>>[];

const values = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'must hold at least one value').max(SEGMENT_LIMITS.values, `must hold at most ${SEGMENT_LIMITS.values} values`);
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

export const TagCondition = z.strictObject({
  kind: z.literal('tag'),
  /** has: the one tag; any / all / none: of the list. */
  op: z.enum(FIELD_KINDS.membership.operators),
  /** Tag ids once resolved (saved segments store ids so renames show); names as typed before. */
  tags: values(z.string().min(1).max(100)),
});

export const LabelCondition = z.strictObject({
  kind: z.literal('label'),
  key: LabelKey,
  op: z.enum(FIELD_KINDS.label.operators),
  /** One value for eq, neq, prefix; several for in, not_in; none for exists, not_exists. */
  values: z.array(LabelValue).max(SEGMENT_LIMITS.values),
});

export const TextCondition = z.strictObject({
  kind: z.literal('text'),
  field: z.enum(TEXT_FIELDS),
  op: z.enum(FIELD_KINDS.text.operators),
  values: z.array(text).max(SEGMENT_LIMITS.values),
});

export const NumberCondition = z.strictObject({
  kind: z.literal('number'),
  field: z.enum(NUMBER_FIELDS),
  op: z.enum(FIELD_KINDS.number.operators),
  values: z.array(finite).max(2),
});

/** Absolute (a calendar date, UTC) or relative (whole days from today, UTC). */
export const DateCondition = z.strictObject({
  kind: z.literal('date'),
  field: z.enum(DATE_FIELDS),
  op: z.enum(FIELD_KINDS.date.operators),
  dates: z.array(isoDate).max(2).optional(),
  /** Relative operators count days or calendar months: exactly one of the two. */
  days: days.optional(),
  months: months.optional(),
});

export const StatusCondition = z.strictObject({
  kind: z.literal('status'),
  channel: z.enum(['email', 'phone']),
  op: z.enum(FIELD_KINDS.status.operators),
  statuses: values(z.enum([...new Set([...EMAIL_STATUSES, ...PHONE_STATUSES])] as [string, ...string[]])),
});

export const SendableCondition = z.strictObject({ kind: z.literal('sendable'), channel: z.enum(['email', 'phone']) });

/** A custom field by its declared type; `type` is filled in from the workspace's definitions. */
export const CustomCondition = z.strictObject({
  kind: z.literal('custom'),
  key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a custom field key'),
  type: z.enum(CUSTOM_FIELD_TYPES),
  op: z.enum(CUSTOM_OPERATORS),
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
  atLeast: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(ENGAGEMENT_RANKS, `must be at most ${ENGAGEMENT_RANKS} (the times kept per channel and status)`),
  days: days.min(1, 'must be at least 1').optional(),
  months: months.min(1, 'must be at least 1').optional(),
});

/** The contact's subscription categories (`subscription:newsletter`): as tags, one or a list. */
export const SubscriptionCondition = z.strictObject({
  kind: z.literal('subscription'),
  /** has: the one category; any / all / none: of the list. Categories match exactly, as stored. */
  op: z.enum(FIELD_KINDS.membership.operators),
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

/**
 * Each leaf's schema by its kind: the one list of leaf kinds. The LeafCondition union, the JSON
 * schema and checkCondition's choice of branch are read from it.
 */
export const LEAF_SCHEMAS = {
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
} as const;

/** Any leaf condition; a kind added to LEAF_SCHEMAS fails to compile until every backend handles it. */
export type LeafCondition = { [K in keyof typeof LEAF_SCHEMAS]: z.infer<(typeof LEAF_SCHEMAS)[K]> }[keyof typeof LEAF_SCHEMAS];
export type Condition =
  LeafCondition | { kind: 'and'; conditions: Condition[] } | { kind: 'or'; conditions: Condition[] } | { kind: 'not'; condition: Condition };

const GROUP_KINDS = ['and', 'or', 'not'] as const;
/** Every `kind` a JSON tree may hold. */
export const CONDITION_KINDS = [...(Object.keys(LEAF_SCHEMAS) as LeafCondition['kind'][]), ...GROUP_KINDS];

const Leaf = z.discriminatedUnion('kind', Object.values(LEAF_SCHEMAS) as unknown as [typeof TagCondition, ...(typeof TagCondition)[]]);

const groupMembers = z
  .array(z.lazy(() => ConditionTree))
  .min(1, 'must hold at least one condition')
  .max(SEGMENT_LIMITS.conditions);

export const ConditionTree: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Leaf,
    z.strictObject({ kind: z.literal('and'), conditions: groupMembers }),
    z.strictObject({ kind: z.literal('or'), conditions: groupMembers }),
    z.strictObject({ kind: z.literal('not'), condition: ConditionTree }),
  ]),
) as z.ZodType<Condition>;
