// Segment membership events: a contact entered or left a saved segment. The indexer computes them
// from a contact's indexed state before and after each change (membership-transitions in the
// indexer), and the daily re-evaluation from the passing of time; both publish them on
// `<KAFKA_TOPIC_PREFIX>segment-events`, keyed by contact id. Documented in docs/events.md.
import { z } from 'zod';

export const MEMBERSHIP_EVENT_SCHEMA_VERSION = 1;

export const MEMBERSHIP_EVENT_TYPES = ['segment.entered', 'segment.exited'] as const;
export type MembershipEventType = (typeof MEMBERSHIP_EVENT_TYPES)[number];

/** What moved the contact across the boundary: a change to the contact, or the clock (relative dates, engagement windows). */
export const MEMBERSHIP_CAUSES = ['change', 'time'] as const;

export const MembershipEvent = z.object({
  schemaVersion: z.literal(MEMBERSHIP_EVENT_SCHEMA_VERSION),
  type: z.enum(MEMBERSHIP_EVENT_TYPES),
  /**
   * The same transition always gets the same key, however often it is published (a replay, a
   * second re-evaluation of the same day): consumers drop duplicates by it. See membershipEventKey.
   */
  eventKey: z.string().min(1),
  workspaceId: z.uuid(),
  segmentId: z.uuid(),
  contactId: z.uuid(),
  /** The contact's version after the change (cause change), or its current version (cause time). */
  contactVersion: z.number().int().positive(),
  cause: z.enum(MEMBERSHIP_CAUSES),
  /** When it crossed: the change's commit time (cause change), or the re-evaluation's clock (cause time). */
  occurredAt: z.iso.datetime({ offset: true }),
});
export type MembershipEvent = z.infer<typeof MembershipEvent>;

/**
 * The deduplication key. A change crosses at most once per segment per contact version, so
 * segment, contact, version and direction name it. The clock moves a contact at most once a day
 * per direction (relative dates count whole UTC days), so segment, contact, direction and the UTC
 * day of the re-evaluation name a time transition, whatever the contact's version meanwhile.
 */
export function membershipEventKey(e: Pick<MembershipEvent, 'type' | 'segmentId' | 'contactId' | 'contactVersion' | 'cause' | 'occurredAt'>): string {
  const direction = e.type === 'segment.entered' ? 'in' : 'out';
  return e.cause === 'change'
    ? `${e.segmentId}:${e.contactId}:${e.contactVersion}:${direction}`
    : `${e.segmentId}:${e.contactId}:${direction}:${e.occurredAt.slice(0, 10)}`;
}

/** Parses a Kafka message value of the segment-events topic. */
export function parseMembershipEvent(value: Buffer | string | null): MembershipEvent {
  if (value === null) throw new Error('empty message value');
  return MembershipEvent.parse(JSON.parse(value.toString()));
}
