// The change events every write commits to the outbox and the relay publishes to Kafka, keyed by
// the aggregate (contact id, or tag id for tag events). Contact events carry the contact's full
// snapshot and version, so the indexer never reads Postgres back: an event alone builds the
// document, and the version orders it. Documented for consumers in docs/events.md.
import { z } from 'zod';
import { CustomFieldValue, EmailStatus, PhoneStatus } from '../domain/contact-domain';
import { userKeyRecord } from '../domain/user-key-record';

export const CONTACT_EVENT_SCHEMA_VERSION = 1;

const timestamp = z.iso.datetime({ offset: true });

// Label and custom-field keys come from users: not z.record, which drops a "__proto__" key, so a
// label the api stored would be missing from the document the indexer builds from this event.
const Labels = userKeyRecord(z.string(), z.string(), { noun: 'labels' });
const CustomFields = userKeyRecord(z.string(), CustomFieldValue, { noun: 'custom fields' });

export const ContactAddress = z.object({
  street: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});

export const ContactSnapshot = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  address: ContactAddress,
  timezone: z.string().nullable(),
  language: z.string().nullable(),
  subscriptionCategories: z.array(z.string()),
  source: z.string(),
  consentAt: timestamp.nullable(),
  customFields: CustomFields,
  emailStatus: EmailStatus,
  phoneStatus: PhoneStatus,
  emailRating: z.number().int().min(0).max(100).nullable(),
  /** Tag ids, sorted: tags are referenced by id so a rename touches no contact. */
  tagIds: z.array(z.uuid()),
  labels: Labels,
  /**
   * Per `channel.status`, the most recent activity times, newest first (at most 10). Optional so
   * events written before engagement was indexed still parse.
   */
  engagement: z.record(z.string().regex(/^[a-z]+\.[a-z_]+$/), z.array(timestamp).max(10)).optional(), // statuses may hold "_" (spam_report)
  createdAt: timestamp,
  updatedAt: timestamp,
  deletedAt: timestamp.nullable(),
  /** Strictly increasing per contact on every change to the indexed document. */
  version: z.number().int().positive(),
});
export type ContactSnapshot = z.infer<typeof ContactSnapshot>;

const envelope = {
  schemaVersion: z.literal(CONTACT_EVENT_SCHEMA_VERSION),
  /** The outbox row id: unique, and handy for tracing an event from Postgres to the index. */
  eventId: z.string().regex(/^\d+$/),
  occurredAt: timestamp,
  workspaceId: z.uuid(),
};
const contactEnvelope = { ...envelope, contactId: z.uuid(), contact: ContactSnapshot };

export const ContactUpserted = z.object({ ...contactEnvelope, type: z.literal('contact.upserted'), created: z.boolean() });
export const ContactDeleted = z.object({ ...contactEnvelope, type: z.literal('contact.deleted'), reason: z.string().nullable() });
export const ContactRestored = z.object({ ...contactEnvelope, type: z.literal('contact.restored') });
/** Erasure carries no personal data: just enough to replace the document by a tombstone. */
export const ContactErased = z.object({ ...envelope, type: z.literal('contact.erased'), contactId: z.uuid(), version: z.number().int().positive() });
export const ContactTagsAdded = z.object({ ...contactEnvelope, type: z.literal('contact.tags_added'), tagIds: z.array(z.uuid()).min(1) });
export const ContactTagsRemoved = z.object({ ...contactEnvelope, type: z.literal('contact.tags_removed'), tagIds: z.array(z.uuid()).min(1) });
export const ContactLabelsSet = z.object({ ...contactEnvelope, type: z.literal('contact.labels_set'), labels: Labels });
export const ContactLabelsRemoved = z.object({ ...contactEnvelope, type: z.literal('contact.labels_removed'), keys: z.array(z.string()).min(1) });
/** New activities changed the contact's engagement summary (which bumps its version). */
export const ContactEngagementRecorded = z.object({
  ...contactEnvelope,
  type: z.literal('contact.engagement_recorded'),
  activities: z.number().int().positive(),
});
export const TagRenamed = z.object({ ...envelope, type: z.literal('tag.renamed'), tagId: z.uuid(), name: z.string(), previousName: z.string() });
export const TagDeleted = z.object({ ...envelope, type: z.literal('tag.deleted'), tagId: z.uuid(), name: z.string() });

export const ChangeEvent = z.discriminatedUnion('type', [
  ContactUpserted,
  ContactDeleted,
  ContactRestored,
  ContactErased,
  ContactTagsAdded,
  ContactTagsRemoved,
  ContactLabelsSet,
  ContactLabelsRemoved,
  ContactEngagementRecorded,
  TagRenamed,
  TagDeleted,
]);
export type ChangeEvent = z.infer<typeof ChangeEvent>;
export type ContactSnapshotEvent = Extract<ChangeEvent, { contact: ContactSnapshot }>;

/** The Kafka key of an event: events of one aggregate stay in one partition, in order. */
export function aggregateIdOf(event: ChangeEvent): string {
  return 'tagId' in event ? event.tagId : event.contactId;
}

/** Parses a Kafka message value; throws a ZodError (or SyntaxError) for a poison message. */
export function parseChangeEvent(value: Buffer | string | null): ChangeEvent {
  if (value === null) throw new Error('empty message value');
  return ChangeEvent.parse(JSON.parse(value.toString()));
}
