// The change events a contact write commits to the outbox and the relay publishes to Kafka.
// Each event carries the contact's full snapshot and version, so the indexer never reads
// Postgres back: an event is enough to build the document, and the version orders it.
import { z } from 'zod';

export const CONTACT_EVENT_SCHEMA_VERSION = 1;

export const ContactSnapshot = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  /** Strictly increasing per contact on every change to the indexed document. */
  version: z.number().int().positive(),
});
export type ContactSnapshot = z.infer<typeof ContactSnapshot>;

const eventBase = {
  schemaVersion: z.literal(CONTACT_EVENT_SCHEMA_VERSION),
  /** The outbox row id: unique, and handy for tracing an event from Postgres to the index. */
  eventId: z.string().regex(/^\d+$/),
  occurredAt: z.iso.datetime({ offset: true }),
  workspaceId: z.uuid(),
  contactId: z.uuid(),
};

export const ContactUpserted = z.object({
  ...eventBase,
  type: z.literal('contact.upserted'),
  contact: ContactSnapshot,
});
export type ContactUpserted = z.infer<typeof ContactUpserted>;

export const ContactEvent = z.discriminatedUnion('type', [ContactUpserted]);
export type ContactEvent = z.infer<typeof ContactEvent>;
export type ContactEventType = ContactEvent['type'];

/** Parses a Kafka message value; throws a ZodError (or SyntaxError) for a poison message. */
export function parseContactEvent(value: Buffer | string | null): ContactEvent {
  if (value === null) throw new Error('empty message value');
  return ContactEvent.parse(JSON.parse(value.toString()));
}
