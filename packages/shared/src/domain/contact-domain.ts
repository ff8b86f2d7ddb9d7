// The vocabulary of contacts shared by the api (validation), the indexer (documents) and, later,
// the segment compilers: statuses, label and tag rules, limits. One definition, one place.
import { z } from 'zod';

export const EMAIL_STATUSES = ['active', 'unsubscribed', 'spam_report', 'blacklisted', 'unconfirmed'] as const;
export const EmailStatus = z.enum(EMAIL_STATUSES);
export type EmailStatus = z.infer<typeof EmailStatus>;

export const PHONE_STATUSES = ['active', 'blacklisted'] as const;
export const PhoneStatus = z.enum(PHONE_STATUSES);
export type PhoneStatus = z.infer<typeof PhoneStatus>;

export const CONTACT_SOURCES = ['api', 'import', 'form', 'order', 'event', 'integration', 'manual'] as const;
export const ContactSource = z.enum(CONTACT_SOURCES);

/** Engagement: where a message went and what happened to it (activities, engagement conditions). */
export const ACTIVITY_CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'web'] as const;
export const ACTIVITY_STATUSES = ['delivered', 'opened', 'clicked', 'undelivered', 'unsubscribed'] as const;

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'date', 'boolean'] as const;
export const CustomFieldType = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldType>;
export const CustomFieldValue = z.union([z.string(), z.number(), z.boolean()]);
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
export const LabelValue = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.labelValueLength, `must be at most ${LIMITS.labelValueLength} characters`)
  .regex(LABEL_ALPHABET, LABEL_RULE);

/** Tag names are case-sensitive and kept as typed, so only invisible edge cases are refused. */
export const TagName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.tagNameLength, `must be at most ${LIMITS.tagNameLength} characters`)
  .refine((n) => n.trim() === n, 'must not start or end with white space')
  // eslint-disable-next-line no-control-regex
  .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'must not contain control characters');

export const CustomFieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must start with a lower-case letter and hold at most 64 lower-case letters, digits and "_"');
