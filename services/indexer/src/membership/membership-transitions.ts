// Which saved segments a contact entered or left, from its state before a batch and the documents
// its events in the batch build, in version order. Pure: the in-memory evaluator decides
// membership, every state is evaluated with the same clock (so only the change itself can move a
// contact; the clock's own moves are the daily re-evaluation's), and only the segments a step can
// move are evaluated: those indexed under a change key of the step (a tag added moves the segments
// naming that tag, not the 190 others), or all of them when the contact was deleted or restored.
import { type ContactDocument, matchesDocument, type MembershipEventType, PreparedDocument } from '@segmenter/shared';
import type { WatchedSegment, WorkspaceWatch } from './watched-segments';

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

const empty = (v: unknown) => v === undefined || v === null;
const same = (a: unknown, b: unknown) =>
  a === b || (empty(a) && empty(b)) || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));

/** Values of a list that are in one side only, as `${prefix}${value}` keys. */
function listChanges(prefix: string, a: readonly string[] | undefined, b: readonly string[] | undefined, into: Set<string>): void {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  for (const v of left) if (!right.has(v)) into.add(`${prefix}${v}`);
  for (const v of right) if (!left.has(v)) into.add(`${prefix}${v}`);
}

/** `key=value` terms by key. */
const labelMap = (labels: readonly string[] | undefined) => new Map((labels ?? []).map((l) => [l.slice(0, l.indexOf('=')), l] as const));

/** The change keys (watched-segments.ts) between two states of a contact, for the fields segments read. */
export function changeKeys(before: ContactDocument | undefined, after: ContactDocument, fields: readonly (keyof ContactDocument)[]): Set<string> {
  const keys = new Set<string>();
  for (const field of fields) {
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every other field compares whole (see the default)
    switch (field) {
      case 'workspace_id':
      case 'contact_id':
      case 'version':
      case 'deleted':
      case 'label_keys': // with labels
        break;
      case 'tag_ids':
        listChanges('tag:', before?.tag_ids, after.tag_ids, keys);
        break;
      case 'subscription_categories':
        listChanges('subscription:', before?.subscription_categories, after.subscription_categories, keys);
        break;
      case 'labels': {
        const a = labelMap(before?.labels);
        const b = labelMap(after.labels);
        for (const [key, term] of a) if (b.get(key) !== term) keys.add(`label:${key}`);
        for (const key of b.keys()) if (!a.has(key)) keys.add(`label:${key}`);
        break;
      }
      case 'custom_fields': {
        const a = new Map((before?.custom_fields ?? []).map((e) => [e.key, e]));
        const b = new Map((after.custom_fields ?? []).map((e) => [e.key, e]));
        for (const [key, entry] of a) if (!same(entry, b.get(key))) keys.add(`custom:${key}`);
        for (const key of b.keys()) if (!a.has(key)) keys.add(`custom:${key}`);
        break;
      }
      default:
        if (!same(before?.[field], after[field])) keys.add(field);
    }
  }
  return keys;
}

const isMember = (segment: WatchedSegment, doc: PreparedDocument | undefined, now: Date) => doc !== undefined && matchesDocument(segment.tree, doc, now);

/**
 * The transitions of one contact across `steps` (its events of a batch, any order, stale ones
 * included: a step whose version is not above the state before it is skipped, as the index skips it).
 */
export function contactTransitions(watch: WorkspaceWatch, before: ContactDocument | undefined, steps: readonly ContactStep[], now: Date): Transition[] {
  const transitions: Transition[] = [];
  let current = before;
  // Each state's lists as sets once, for every segment that looks at it.
  let currentPrepared = before && new PreparedDocument(before);
  for (const step of [...steps].sort((a, b) => a.document.version - b.document.version)) {
    const next = step.document;
    if (current && next.version <= current.version) continue;
    // A missing document is no member of anything, as a deleted one.
    const deletionChanged = (current?.deleted ?? true) !== next.deleted;
    let moved: Iterable<WatchedSegment>;
    if (deletionChanged) moved = watch.segments;
    else {
      const found = new Set<WatchedSegment>();
      for (const key of changeKeys(current, next, watch.fields)) for (const segment of watch.byKey.get(key) ?? []) found.add(segment);
      moved = found;
    }
    currentPrepared ??= current && new PreparedDocument(current);
    const nextPrepared = new PreparedDocument(next);
    for (const segment of moved) {
      const was = isMember(segment, currentPrepared, now);
      const is = isMember(segment, nextPrepared, now);
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
    currentPrepared = nextPrepared;
  }
  return transitions;
}
