// A workspace's saved segments as the membership tracker watches them: references expanded, and
// for each the document fields its conditions read and whether the clock alone can move a contact
// in or out. The fields let a change be checked only against the segments it can affect: a tag
// added cannot move a contact across `label:tier = gold`, so that segment is not evaluated at all.
import { type Condition, type ContactDocument, isRelativeOperator, type LeafCondition, assertNever } from '@segmenter/shared';

export interface SavedSegmentRow {
  id: string;
  workspaceId: string;
  condition: Condition;
  /** A segment that lost a tag or field it names matches no one for it: not watched (the api refuses to evaluate it too). */
  broken: boolean;
}

export interface WatchedSegment {
  id: string;
  tree: Condition;
  /** Document fields the tree reads; `deleted` is read by every segment and is not listed. */
  reads: ReadonlySet<keyof ContactDocument>;
  /** Whether membership can change with no write (relative dates, engagement windows): the daily re-evaluation covers these. */
  timeDependent: boolean;
}

/** A chain longer than this is refused by the api when saved; here it only guards the recursion. */
const MAX_EXPANSION_DEPTH = 64;

function leafReads(c: LeafCondition): (keyof ContactDocument)[] {
  switch (c.kind) {
    case 'tag':
      return ['tag_ids'];
    case 'label':
      return ['labels', 'label_keys'];
    case 'text':
    case 'number':
    case 'date':
      return [c.field];
    case 'status':
      return [`${c.channel}_status`];
    case 'sendable':
      return [`${c.channel}_status`, c.channel];
    case 'custom':
      return ['custom_fields'];
    case 'engagement':
      return ['engagement'];
    case 'subscription':
      return ['subscription_categories'];
    case 'segment':
      throw new Error('saved segment references must be expanded first');
    default:
      return assertNever(c, 'condition');
  }
}

const leafIsTimeDependent = (c: LeafCondition): boolean => c.kind === 'engagement' || ((c.kind === 'date' || c.kind === 'custom') && isRelativeOperator(c.op));

function leaves(tree: Condition, visit: (leaf: LeafCondition) => void): void {
  if (tree.kind === 'and' || tree.kind === 'or') tree.conditions.forEach((c) => leaves(c, visit));
  else if (tree.kind === 'not') leaves(tree.condition, visit);
  else visit(tree);
}

/**
 * The workspace's segments with references inlined. A segment that refers to a broken or missing
 * one (or, against what the api allows, to a cycle) is left out: the api would refuse to count it.
 */
export function watchedSegments(rows: readonly SavedSegmentRow[]): WatchedSegment[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const expand = (node: Condition, path: string[]): Condition | undefined => {
    if (node.kind === 'and' || node.kind === 'or') {
      const conditions: Condition[] = [];
      for (const c of node.conditions) {
        const expanded = expand(c, path);
        if (!expanded) return undefined;
        conditions.push(expanded);
      }
      return { kind: node.kind, conditions };
    }
    if (node.kind === 'not') {
      const condition = expand(node.condition, path);
      return condition && { kind: 'not', condition };
    }
    if (node.kind !== 'segment') return node;
    const target = byId.get(node.segmentId);
    if (!target || target.broken || path.includes(target.id) || path.length > MAX_EXPANSION_DEPTH) return undefined;
    return expand(target.condition, [...path, target.id]);
  };
  const watched: WatchedSegment[] = [];
  for (const row of rows) {
    if (row.broken) continue;
    const tree = expand(row.condition, [row.id]);
    if (!tree) continue;
    const reads = new Set<keyof ContactDocument>();
    let timeDependent = false;
    leaves(tree, (leaf) => {
      leafReads(leaf).forEach((f) => reads.add(f));
      timeDependent ||= leafIsTimeDependent(leaf);
    });
    watched.push({ id: row.id, tree, reads, timeDependent });
  }
  return watched;
}

/** Every field some watched segment reads, plus what the tracker itself needs: what to fetch of a document. */
export function fieldsToFetch(segments: readonly WatchedSegment[]): string[] {
  const fields = new Set<string>(['workspace_id', 'contact_id', 'version', 'deleted']);
  for (const s of segments) s.reads.forEach((f) => fields.add(f));
  return [...fields];
}
