// Segment membership events for a batch of change events, published BEFORE the batch is written
// to the index. A contact's state before the batch is the one this tracker saw last, when it is
// the version just before the batch's (a version names one state; versions usually grow by one per
// change); none when the batch creates it; otherwise the indexed document, read once the previous batch is written (a real-time
// multi-get: after a start, a rebalance, a version gap such as a duplicates merge, or a contact
// not seen lately). Every state is judged at the membership clock (membership-clock.ts). The order matters: published first, a crash before
// the write replays the batch against the same documents and publishes the same transitions again
// (same keys: duplicates, never a loss); written first, a replay would find the new state already
// there and lose the transitions.
import {
  type ChangeEvent,
  type ContactDocument,
  type EsClient,
  type EventPublisher,
  type IndexOperation,
  indexOperationOf,
  type MembershipEvent,
  MEMBERSHIP_EVENT_SCHEMA_VERSION,
  membershipEventKey,
  type OutgoingMessage,
} from '@segmenter/shared';
import { contactTransitions, type ContactStep, type Transition } from './membership-transitions';
import type { SavedSegmentsCache } from './saved-segments-cache';
import type { MembershipClock } from './membership-clock';

export interface MembershipTrackerOptions {
  es: EsClient;
  /** The read alias: the state a contact had is what searches saw. */
  alias: string;
  segments: SavedSegmentsCache;
  publisher: EventPublisher;
  topic: string;
  /** The instant changes are judged at: the last finished re-evaluation's (membership-clock.ts). */
  clock: MembershipClock;
  /** Contacts whose last seen state is kept (only the fields segments read), least recently seen dropped first. */
  recentStates?: number;
}

/** A contact's last seen state, valid while its workspace's watch is the generation it was projected for. */
interface RecentState {
  generation: number;
  document: ContactDocument;
}

/** A least-recently-used map: a Map keeps insertion order, so re-inserting on use moves a key to the end. */
class RecentStates {
  private readonly states = new Map<string, RecentState>();
  constructor(private readonly capacity: number) {}
  get(contactId: string): RecentState | undefined {
    const state = this.states.get(contactId);
    if (state) {
      this.states.delete(contactId);
      this.states.set(contactId, state);
    }
    return state;
  }
  set(contactId: string, state: RecentState): void {
    this.states.delete(contactId);
    this.states.set(contactId, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }
}

const project = (document: ContactDocument, fields: readonly (keyof ContactDocument)[]): ContactDocument =>
  Object.fromEntries(fields.filter((f) => document[f] !== undefined).map((f) => [f, document[f]])) as unknown as ContactDocument;

export interface TrackedBatchContext {
  /** Each event's operation, when the caller built them already. */
  operationOf?: (event: ChangeEvent) => IndexOperation | undefined;
  /** Resolves once the index holds everything before this batch: awaited before reading any state from it. */
  indexCaughtUp?: () => Promise<unknown>;
}

export interface TrackedBatch {
  contacts: number;
  transitions: number;
  /** Contacts whose state before the batch was read from the index (not seen lately). */
  readFromIndex: number;
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
  const { es, alias, segments, publisher, topic, clock } = options;
  const recent = new RecentStates(options.recentStates ?? 100_000);

  /** The indexed documents of these contacts (absent: never indexed), only the fields segments read. */
  async function documentsBefore(contacts: { workspaceId: string; contactId: string }[], fields: string[]): Promise<Map<string, ContactDocument>> {
    if (contacts.length === 0) return new Map();
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
  return async function publishTransitions(events: readonly ChangeEvent[], batch: TrackedBatchContext = {}): Promise<TrackedBatch> {
    const operationOf = batch.operationOf ?? indexOperationOf;
    const stepsOf = new Map<string, { workspaceId: string; contactId: string; steps: ContactStep[]; createdAt?: number }>();
    for (const event of events) {
      const operation = operationOf(event);
      if (!operation) continue;
      const key = `${operation.workspaceId}/${operation.contactId}`;
      const entry = stepsOf.get(key) ?? { workspaceId: operation.workspaceId, contactId: operation.contactId, steps: [] };
      entry.steps.push({ document: operation.document, occurredAt: event.occurredAt });
      // The version a contact was created at: no state came before it.
      if (event.type === 'contact.upserted' && event.created) entry.createdAt = operation.version;
      stepsOf.set(key, entry);
    }
    if (stepsOf.size === 0) return { contacts: 0, transitions: 0, readFromIndex: 0 };
    const watched = await segments.segmentsOf([...new Set([...stepsOf.values()].map((c) => c.workspaceId))]);
    const contacts = [...stepsOf.values()].filter((c) => watched.has(c.workspaceId));
    if (contacts.length === 0) return { contacts: 0, transitions: 0, readFromIndex: 0 };

    // The state before each contact's first step: the one seen last when it is just before it (or
    // newer: then every step is stale), else the index's.
    const before = new Map<string, ContactDocument | undefined>();
    const unknown: typeof contacts = [];
    for (const contact of contacts) {
      const first = Math.min(...contact.steps.map((s) => s.document.version));
      // Created in this batch: nothing to read (an import into a workspace with segments would
      // otherwise read every new contact from the index, after waiting for the slice before).
      if (contact.createdAt === first) {
        before.set(contact.contactId, undefined);
        continue;
      }
      const seen = recent.get(contact.contactId);
      if (seen && seen.generation === watched.get(contact.workspaceId)!.generation && seen.document.version >= first - 1)
        before.set(contact.contactId, seen.document);
      else unknown.push(contact);
    }
    if (unknown.length > 0) {
      await batch.indexCaughtUp?.();
      const fields = [...new Set(unknown.flatMap((c) => watched.get(c.workspaceId)!.fields))];
      for (const [id, document] of await documentsBefore(unknown, fields)) before.set(id, document);
    }

    const at = await clock.now();
    const messages: OutgoingMessage[] = [];
    const newest: [string, RecentState][] = [];
    for (const contact of contacts) {
      const watch = watched.get(contact.workspaceId)!;
      const indexed = before.get(contact.contactId);
      const state = indexed && indexed.workspace_id === contact.workspaceId ? indexed : undefined;
      for (const t of contactTransitions(watch, state, contact.steps, at)) messages.push(membershipMessage(contact.workspaceId, t, 'change'));
      const last = contact.steps.reduce((a, b) => (b.document.version > a.document.version ? b : a)).document;
      const kept = state && state.version >= last.version ? state : project(last, watch.fields);
      newest.push([contact.contactId, { generation: watch.generation, document: kept }]);
    }
    if (messages.length > 0) await publisher.publish(topic, messages);
    // Only once published: a batch retried after a failed publish must start from the same states.
    for (const [id, state] of newest) recent.set(id, state);
    return { contacts: contacts.length, transitions: messages.length, readFromIndex: unknown.length };
  };
}

export type PublishTransitions = ReturnType<typeof createMembershipTracker>;
