// Which saved segments a contact entered or left, from its indexed document before a batch and the
// documents its events in the batch build, in version order. Pure: the in-memory evaluator decides
// membership, every state is evaluated with the same clock (so only the change itself can move a
// contact; the clock's own moves are the daily re-evaluation's), and a segment is evaluated only
// when the step changed a field it reads (or the contact's deletion).
import { type ContactDocument, matchesDocument, type MembershipEventType } from '@segmenter/shared';
import type { WatchedSegment } from './watched-segments';

export interface ContactStep {
  document: ContactDocument;
  /** When the change was committed (the event's occurredAt). */
  occurredAt: string;
}

export interface Transition {
  type: MembershipEventType;
  segmentId: string;
  contactId: string;
  contactVersion: number;
  occurredAt: string;
}

function fieldChanged(before: ContactDocument | undefined, after: ContactDocument, field: keyof ContactDocument): boolean {
  const a = before?.[field];
  const b = after[field];
  if (a === b) return false;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // A missing field and null mean the same to every condition ("empty").
    return !((a === undefined || a === null) && (b === undefined || b === null));
  }
  return JSON.stringify(a) !== JSON.stringify(b);
}

const isMember = (segment: WatchedSegment, doc: ContactDocument | undefined, now: Date) => doc !== undefined && matchesDocument(segment.tree, doc, now);

/**
 * The transitions of one contact across `steps` (its events of a batch, any order, stale ones
 * included: a step whose version is not above the state before it is skipped, as the index skips it).
 */
export function contactTransitions(
  segments: readonly WatchedSegment[],
  before: ContactDocument | undefined,
  steps: readonly ContactStep[],
  now: Date,
): Transition[] {
  const transitions: Transition[] = [];
  const watchedFields = new Set(segments.flatMap((s) => [...s.reads]));
  let current = before;
  for (const step of [...steps].sort((a, b) => a.document.version - b.document.version)) {
    const next = step.document;
    if (current && next.version <= current.version) continue;
    // A missing document is no member of anything, as a deleted one.
    const deletionChanged = (current?.deleted ?? true) !== next.deleted;
    const changed = new Set([...watchedFields].filter((f) => fieldChanged(current, next, f)));
    if (!deletionChanged && changed.size === 0) {
      current = next;
      continue;
    }
    for (const segment of segments) {
      if (!deletionChanged && ![...segment.reads].some((f) => changed.has(f))) continue;
      const was = isMember(segment, current, now);
      const is = isMember(segment, next, now);
      if (was === is) continue;
      transitions.push({
        type: is ? 'segment.entered' : 'segment.exited',
        segmentId: segment.id,
        contactId: next.contact_id,
        contactVersion: next.version,
        occurredAt: step.occurredAt,
      });
    }
    current = next;
  }
  return transitions;
}
