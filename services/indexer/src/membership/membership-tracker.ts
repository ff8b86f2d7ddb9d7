// Segment membership events for a batch of change events, published BEFORE the batch is written
// to the index. The state before the batch is the indexed document (a real-time multi-get), so the
// order matters: published first, a crash before the write replays the batch against the same
// documents and publishes the same transitions again (same keys: duplicates, never a loss);
// written first, a replay would find the new state already there and lose the transitions.
import {
  type ChangeEvent,
  type ContactDocument,
  type EsClient,
  type EventPublisher,
  indexOperationOf,
  type MembershipEvent,
  MEMBERSHIP_EVENT_SCHEMA_VERSION,
  membershipEventKey,
  type OutgoingMessage,
} from '@segmenter/shared';
import { contactTransitions, type ContactStep, type Transition } from './membership-transitions';
import type { SavedSegmentsCache } from './saved-segments-cache';
import { fieldsToFetch, type WatchedSegment } from './watched-segments';

export interface MembershipTrackerOptions {
  es: EsClient;
  /** The read alias: the state a contact had is what searches saw. */
  alias: string;
  segments: SavedSegmentsCache;
  publisher: EventPublisher;
  topic: string;
  now?: () => Date;
}

export interface TrackedBatch {
  contacts: number;
  transitions: number;
}

/** The Kafka message of a transition: keyed by contact id, so one contact's transitions stay in order. */
export function membershipMessage(workspaceId: string, t: Transition, cause: MembershipEvent['cause']): OutgoingMessage {
  const event: MembershipEvent = {
    schemaVersion: MEMBERSHIP_EVENT_SCHEMA_VERSION,
    type: t.type,
    eventKey: membershipEventKey({ ...t, cause }),
    workspaceId,
    segmentId: t.segmentId,
    contactId: t.contactId,
    contactVersion: t.contactVersion,
    cause,
    occurredAt: t.occurredAt,
  };
  return { key: t.contactId, value: JSON.stringify(event), headers: { 'event-type': t.type, 'schema-version': String(MEMBERSHIP_EVENT_SCHEMA_VERSION) } };
}

export function createMembershipTracker(options: MembershipTrackerOptions) {
  const { es, alias, segments, publisher, topic } = options;
  const now = options.now ?? (() => new Date());

  /** The indexed documents of these contacts (absent: never indexed), only the fields segments read. */
  async function documentsBefore(contacts: { workspaceId: string; contactId: string }[], fields: string[]): Promise<Map<string, ContactDocument>> {
    const answer = await es.mget<ContactDocument>({
      index: alias,
      docs: contacts.map((c) => ({ _id: c.contactId, routing: c.workspaceId })),
      _source_includes: fields,
      realtime: true,
    });
    const found = new Map<string, ContactDocument>();
    for (const doc of answer.docs) {
      if ('error' in doc && doc.error) throw new Error(`reading the indexed state of ${doc._id} failed: ${doc.error.reason ?? doc.error.type}`);
      // Ids are UUIDs, but the workspace is checked anyway: a document of another workspace is never a state of this one.
      if ('found' in doc && doc.found && doc._source) found.set(doc._id, doc._source);
    }
    return found;
  }

  /** Computes and publishes the batch's transitions; resolves once Kafka has acknowledged them all. */
  return async function publishTransitions(events: readonly ChangeEvent[]): Promise<TrackedBatch> {
    const stepsOf = new Map<string, { workspaceId: string; contactId: string; steps: ContactStep[] }>();
    for (const event of events) {
      const operation = indexOperationOf(event);
      if (!operation) continue;
      const key = `${operation.workspaceId}/${operation.contactId}`;
      const entry = stepsOf.get(key) ?? { workspaceId: operation.workspaceId, contactId: operation.contactId, steps: [] };
      entry.steps.push({ document: operation.document, occurredAt: event.occurredAt });
      stepsOf.set(key, entry);
    }
    if (stepsOf.size === 0) return { contacts: 0, transitions: 0 };
    const watched = await segments.segmentsOf([...new Set([...stepsOf.values()].map((c) => c.workspaceId))]);
    const contacts = [...stepsOf.values()].filter((c) => watched.has(c.workspaceId));
    if (contacts.length === 0) return { contacts: 0, transitions: 0 };

    const before = await documentsBefore(contacts, fieldsToFetch([...watched.values()].flat()));
    const at = now();
    const messages: OutgoingMessage[] = [];
    for (const contact of contacts) {
      const segmentsOfWorkspace: WatchedSegment[] = watched.get(contact.workspaceId)!;
      const indexed = before.get(contact.contactId);
      const state = indexed && indexed.workspace_id === contact.workspaceId ? indexed : undefined;
      for (const t of contactTransitions(segmentsOfWorkspace, state, contact.steps, at)) messages.push(membershipMessage(contact.workspaceId, t, 'change'));
    }
    if (messages.length > 0) await publisher.publish(topic, messages);
    return { contacts: contacts.length, transitions: messages.length };
  };
}

export type PublishTransitions = ReturnType<typeof createMembershipTracker>;
