// Contact request and response shapes: the same zod schemas validate requests, type the code and
// (later) generate the OpenAPI document. Normalisation happens here, once: emails lower-cased,
// phones to E.164, languages to canonical BCP 47.
import { z } from 'zod';
import {
  ContactSource,
  COUNTRY_RULE,
  CustomFieldKey,
  CustomFieldValue,
  EmailStatus,
  LIMITS,
  normalizeCountry,
  normalizeEmail,
  normalizePhone,
  PHONE_RULE,
  PhoneStatus,
  SubscriptionCategory,
  TagName,
  userKeyRecord,
  visibleText,
  VisibleTextOptions,
} from '@segmenter/shared';
import { LabelMap } from '../labels/label-schemas';
import { ContactIdList } from '../tags/tag-schemas';

/** An ISO 8601 date-time with offset, in years Postgres and Elasticsearch both store. */
export const Timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).refine((t) => {
  const year = new Date(t).getUTCFullYear();
  return year >= 1900 && year <= 9999;
}, 'must be between the years 1900 and 9999');

/**
 * Profile text (names, address fields, reasons): trimmed, and only characters people can see
 * (visible-text.ts). `lineBreaks` for the one multi-line field, the street ("1 Main St\nFlat 2").
 */
const text = (max: number, options: VisibleTextOptions = {}) =>
  visibleText(z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`), options);

/**
 * Custom field values by key; null clears a field. Keys follow CustomFieldKey, so "constructor"
 * and "prototype" are fields like any other and "__proto__" is refused by name (z.record would
 * drop it silently). Whether a key is defined, and its type, is checked by custom-field-values.ts.
 */
const CustomFieldChanges = userKeyRecord(CustomFieldKey, CustomFieldValue.nullable(), { noun: 'custom fields', maxEntries: LIMITS.customFieldsPerWorkspace });

export const Email = z.string().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be a valid email address')).transform(normalizeEmail);

export const Phone = z
  .string()
  .trim()
  .max(32, 'must be at most 32 characters')
  .transform((raw, ctx) => {
    // The one normaliser segment conditions use too (packages/shared contact-normalisers).
    const e164 = normalizePhone(raw);
    if (e164 !== undefined) return e164;
    ctx.addIssue({ code: 'custom', message: PHONE_RULE });
    return z.NEVER;
  });

const Timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length <= 64;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');

export const Language = z.string().transform((tag, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical && tag.length <= 35) return canonical;
  } catch {
    // fall through
  }
  ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag such as en or pt-BR' });
  return z.NEVER;
});

const Address = z.strictObject({
  street: text(200, { lineBreaks: true }).nullable().optional(),
  city: text(100).nullable().optional(),
  region: text(100).nullable().optional(),
  postalCode: text(20).nullable().optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, COUNTRY_RULE)
    .transform((c) => normalizeCountry(c)!)
    .nullable()
    .optional(),
});

const SubscriptionCategories = z
  .array(SubscriptionCategory)
  .max(LIMITS.subscriptionCategories, `must hold at most ${LIMITS.subscriptionCategories} categories`)
  .transform((cs) => [...new Set(cs)].sort());

/** Every field a client may write; null clears an optional field. */
const contactFields = {
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  firstName: text(100).nullable().optional(),
  lastName: text(100).nullable().optional(),
  address: Address.optional(),
  timezone: Timezone.nullable().optional(),
  language: Language.nullable().optional(),
  subscriptionCategories: SubscriptionCategories.optional(),
  source: ContactSource.optional(),
  consentAt: Timestamp.nullable().optional(),
  customFields: CustomFieldChanges.optional(),
  emailRating: z.number().int('must be a whole number').min(0, 'must be at least 0').max(100, 'must be at most 100').nullable().optional(),
};

export const ContactFields = z.strictObject(contactFields);
export type ContactFields = z.infer<typeof ContactFields>;

const needsEmailOrPhone = { message: 'a contact needs an email or a phone', path: ['email'] };

/** A client's clock may run a little ahead of ours; a minute of it is not "the future". */
const CREATED_AT_CLOCK_SKEW_MS = 60_000;
/** When a contact was first seen, for contacts migrated from another system: never in the future. */
const CreatedAt = Timestamp.refine((t) => Date.parse(t) <= Date.now() + CREATED_AT_CLOCK_SKEW_MS, 'must not be in the future');

export const LABELS_MODES = ['merge', 'replace'] as const;

/**
 * What every contact write may carry besides its fields: tags (added, never removed, by name or
 * id), labels (merged into the contact's labels, or replacing them all), channel statuses (with
 * the reason kept in the status history) and, when the write creates the contact, its created
 * date. Create, upsert, batch upsert and import all accept these, with the same rules.
 */
const contactWriteExtras = {
  tags: z.array(TagName).max(100, 'must hold at most 100 tags').optional(),
  tagIds: z
    .array(z.uuid('must be a tag id (UUID)').transform((id) => id.toLowerCase()))
    .max(100, 'must hold at most 100 tags')
    .optional(),
  labels: LabelMap.optional(),
  labelsMode: z.enum(LABELS_MODES).optional(),
  emailStatus: EmailStatus.optional(),
  phoneStatus: PhoneStatus.optional(),
  statusReason: text(500).optional(),
  createdAt: CreatedAt.optional(),
};

/** One contact write as the writer takes it: validated fields plus tags, labels, statuses and created date. */
export const ContactWrite = z.strictObject({ ...contactFields, ...contactWriteExtras });
export type ContactWrite = z.infer<typeof ContactWrite>;

/** `createMissing`: create the tags named in `tags` that do not exist yet (otherwise an unknown name is refused). */
const createMissing = z.boolean().optional();

export const CreateContactRequest = z
  .strictObject({ ...contactFields, ...contactWriteExtras, createMissing })
  .refine((c) => (c.email ?? null) !== null || (c.phone ?? null) !== null, needsEmailOrPhone);
export type CreateContactRequest = z.infer<typeof CreateContactRequest>;

export const UpdateContactRequest = ContactFields.refine((c) => Object.keys(c).length > 0, {
  message: 'must change at least one field',
});
export type UpdateContactRequest = z.infer<typeof UpdateContactRequest>;

export const MatchBy = z.enum(['email', 'phone']);
export type MatchBy = z.infer<typeof MatchBy>;

/** An upsert item: a contact write, of which the matched field is required. */
export const upsertContact = (matchBy: MatchBy) =>
  ContactWrite.superRefine((c, ctx) => {
    if ((c[matchBy] ?? null) === null) ctx.addIssue({ code: 'custom', path: [matchBy], message: `is required to match by ${matchBy}` });
  });

export const UpsertContactRequest = z.strictObject({ matchBy: MatchBy, createMissing, contact: z.unknown() });

export const BatchUpsertRequest = z.strictObject({
  matchBy: MatchBy,
  createMissing,
  // Items are validated one by one, so one bad item fails alone with its own errors.
  contacts: z.array(z.unknown()).min(1, 'must hold at least one contact').max(LIMITS.batchUpsert, `must hold at most ${LIMITS.batchUpsert} contacts`),
});

export const DeleteContactRequest = z.strictObject({ reason: text(500).optional() }).default({});
/** A one-click action's optional body: why (kept in the status history); anything else is refused. */
export const OneClickActionRequest = z.strictObject({ reason: text(500).optional() }).default({});

export const BulkStatusRequest = z.discriminatedUnion('channel', [
  z.strictObject({ contactIds: ContactIdList, channel: z.literal('email'), status: EmailStatus, reason: text(500).optional() }),
  z.strictObject({ contactIds: ContactIdList, channel: z.literal('phone'), status: PhoneStatus, reason: text(500).optional() }),
]);
export type BulkStatusRequest = z.infer<typeof BulkStatusRequest>;

export const StatusChangeRequest = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('email'), status: EmailStatus, reason: text(500).optional() }),
  z.strictObject({ channel: z.literal('phone'), status: PhoneStatus, reason: text(500).optional() }),
]);
export type StatusChangeRequest = z.infer<typeof StatusChangeRequest>;

export const ContactIdParams = z.object({ id: z.uuid('must be a contact id (UUID)').transform((id) => id.toLowerCase()) });

const LIST_SORTS = ['created', 'updated', 'email_rating'] as const;
const DELETED_SORTS = ['created', 'deleted'] as const;

const pageQuery = {
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(500, 'must be at most 500 characters').optional(),
  q: z.string().trim().min(1, 'must not be empty').max(254, 'must be at most 254 characters').optional(),
};

// The channel status filters take the statuses' own vocabulary (contact-domain.ts), so a status
// added there is filterable here without a second list.
export const ListContactsQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(LIST_SORTS).default('created'),
  emailStatus: EmailStatus.optional(),
  phoneStatus: PhoneStatus.optional(),
});
export type ListContactsQuery = z.infer<typeof ListContactsQuery>;
export const ListDeletedQuery = z.strictObject({ ...pageQuery, sort: z.enum(DELETED_SORTS).default('deleted') });
export type ListDeletedQuery = z.infer<typeof ListDeletedQuery>;

/** A snapshot page's size at most, so one page of ids is one call. */
const MAX_BATCH_GET_IDS = 1000;

export const BatchGetRequest = z
  .strictObject({
    ids: z
      .array(
        z.uuid('must be a contact id (UUID)').transform((id) => id.toLowerCase()),
        'must be an array of contact ids',
      )
      .min(1, 'must hold at least one id')
      .max(MAX_BATCH_GET_IDS, `must hold at most ${MAX_BATCH_GET_IDS} ids`),
  })
  .superRefine((body, ctx) => {
    // A repeated id is a caller's bug (its answer would be ambiguous): named where it repeats.
    const first = new Map<string, number>();
    body.ids.forEach((id, i) => {
      const at = first.get(id);
      if (at === undefined) first.set(id, i);
      else ctx.addIssue({ code: 'custom', path: ['ids', i], message: `repeats the id at body.ids.${at}` });
    });
  });
export type BatchGetRequest = z.infer<typeof BatchGetRequest>;
