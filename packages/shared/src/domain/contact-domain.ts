// The vocabulary of contacts shared by the api (validation), the indexer (documents) and, later,
// the segment compilers: statuses, label and tag rules, limits. One definition, one place.
import { z } from 'zod';
import { isNfc, NFC_RULE, visibleText } from './visible-text';

export const EMAIL_STATUSES = ['active', 'unsubscribed', 'spam_report', 'blacklisted', 'unconfirmed'] as const;
export const EmailStatus = z.enum(EMAIL_STATUSES);
export type EmailStatus = z.infer<typeof EmailStatus>;

/** `opted_out`: the number replied STOP to an SMS (an sms `unsubscribed` activity sets it). */
export const PHONE_STATUSES = ['active', 'opted_out', 'blacklisted'] as const;
export const PhoneStatus = z.enum(PHONE_STATUSES);
export type PhoneStatus = z.infer<typeof PhoneStatus>;

/**
 * Each channel's statuses from least to most strict. Only `active` may be sent to; the statuses
 * after `unconfirmed` are suppressions, kept on the workspace's suppression list beyond the
 * contact (docs/sendability.md). When two statuses meet (a create on a suppressed address, a
 * merge), the stricter one wins.
 */
export const STATUS_STRICTNESS = {
  email: ['active', 'unconfirmed', 'unsubscribed', 'spam_report', 'blacklisted'],
  phone: ['active', 'opted_out', 'blacklisted'],
} as const satisfies { email: readonly EmailStatus[]; phone: readonly PhoneStatus[] };
export const SUPPRESSING_STATUSES = {
  email: ['unsubscribed', 'spam_report', 'blacklisted'],
  phone: ['opted_out', 'blacklisted'],
} as const satisfies { email: readonly EmailStatus[]; phone: readonly PhoneStatus[] };
export type StatusChannel = keyof typeof STATUS_STRICTNESS;

const CONTACT_SOURCES = ['api', 'import', 'form', 'order', 'event', 'integration', 'manual'] as const;
export const ContactSource = z.enum(CONTACT_SOURCES);

/** Engagement: where a message went and what happened to it (activities, engagement conditions). */
export const ACTIVITY_CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'web'] as const;
/** `spam_report`: the recipient marked the message as spam (a complaint); on email it sets the same status. */
export const ACTIVITY_STATUSES = ['delivered', 'opened', 'clicked', 'undelivered', 'unsubscribed', 'spam_report'] as const;

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'date', 'boolean'] as const;
export const CustomFieldType = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldType>;
export const CustomFieldValue = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number, true or false' });
export type CustomFieldValue = z.infer<typeof CustomFieldValue>;

export const LIMITS = {
  labelsPerContact: 50,
  labelKeyLength: 64,
  labelValueLength: 256,
  tagNameLength: 100,
  customFieldsPerWorkspace: 100,
  customFieldStringLength: 1000,
  subscriptionCategories: 50,
  batchUpsert: 1000,
  bulkContactIds: 10_000,
} as const;

const LABEL_ALPHABET = /^[A-Za-z0-9_-]+$/;
const LABEL_RULE = 'letters, digits, "_" and "-" only';

export const LabelKey = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.labelKeyLength, `must be at most ${LIMITS.labelKeyLength} characters`)
  .regex(LABEL_ALPHABET, LABEL_RULE);
/**
 * Any printable text (`/promo`, `200+`, `2024-01-15`, `google.com`), matched exactly as typed;
 * inner spaces are fine, blanks at the edges are not.
 * Keys keep the strict alphabet, so the `key=value` terms of the index stay unambiguous: the first
 * `=` always ends the key.
 */
export const LabelValue = visibleText(
  z.string().min(1, 'must not be empty').max(LIMITS.labelValueLength, `must be at most ${LIMITS.labelValueLength} characters`),
)
  // Matching is exact: `gold ` and `gold` would be two values no one can tell apart (and a CSV
  // cell is trimmed), so blanks at the edges are refused, as in tag names; so is a second way
  // to write the same letters (NFC).
  .refine((v) => v.trim() === v, 'must not start or end with white space')
  .refine(isNfc, NFC_RULE);

/** Subscription categories a contact has opted into (`newsletter`, `product-updates`), case-sensitive. */
export const SubscriptionCategory = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/**
 * Tag names are case-sensitive and kept as typed, so only what cannot be seen is refused: blanks
 * at the edges and invisible characters (visible-text.ts), so two names that look alike are one.
 */
export const TagName = visibleText(
  z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.tagNameLength, `must be at most ${LIMITS.tagNameLength} characters`)
    .refine((n) => n.trim() === n, 'must not start or end with white space')
    .refine(isNfc, NFC_RULE),
);

export const CustomFieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must start with a lower-case letter and hold at most 64 lower-case letters, digits and "_"');
