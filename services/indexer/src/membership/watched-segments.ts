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
  /**
   * What can move a contact across it, as change keys (changeKeys in membership-transitions.ts): a
   * tag by id (`tag:<id>`), a label key (`label:<key>`), a subscription category, a custom field
   * by key, or a whole field by name (`email_status`, `created_at`, `engagement`, ...). The
   * contact's deletion moves every segment and is not listed.
   */
  keys: readonly string[];
  /** Whether membership can change with no write (relative dates, engagement windows): the daily re-evaluation covers these. */
  timeDependent: boolean;
}

/** A workspace's watched segments, indexed by the change keys that can move them. */
export interface WorkspaceWatch {
  /** New for every reading of the segments: a state kept for an older generation may lack a field the new one reads. */
  generation: number;
  segments: readonly WatchedSegment[];
  byKey: ReadonlyMap<string, readonly WatchedSegment[]>;
  /** The document fields some segment reads, plus what the tracker needs: what to read and keep of a contact. */
  fields: readonly (keyof ContactDocument)[];
}

let generations = 0;

/** A chain longer than this is refused by the api when saved; here it only guards the recursion. */
const MAX_EXPANSION_DEPTH = 64;

/** The change keys of a leaf, and the document field each key lives in. */
function leafKeys(c: LeafCondition): [key: string, field: keyof ContactDocument][] {
  switch (c.kind) {
    case 'tag':
      return c.tags.map((id) => [`tag:${id}`, 'tag_ids']);
    case 'label':
      return [
        [`label:${c.key}`, 'labels'],
        [`label:${c.key}`, 'label_keys'],
      ];
    case 'subscription':
      return c.categories.map((category) => [`subscription:${category}`, 'subscription_categories']);
    case 'custom':
      return [[`custom:${c.key}`, 'custom_fields']];
    case 'text':
    case 'number':
    case 'date':
      return [[c.field, c.field]];
    case 'status':
      return [[`${c.channel}_status`, `${c.channel}_status`]];
    case 'sendable':
      return [
        [`${c.channel}_status`, `${c.channel}_status`],
        [c.channel, c.channel],
      ];
    case 'engagement':
      return [['engagement', 'engagement']];
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
export function watchedSegments(rows: readonly SavedSegmentRow[]): WorkspaceWatch {
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
  const segments: WatchedSegment[] = [];
  const byKey = new Map<string, WatchedSegment[]>();
  const fields = new Set<keyof ContactDocument>(['workspace_id', 'contact_id', 'version', 'deleted']);
  for (const row of rows) {
    if (row.broken) continue;
    const tree = expand(row.condition, [row.id]);
    if (!tree) continue;
    const keys = new Set<string>();
    let timeDependent = false;
    leaves(tree, (leaf) => {
      for (const [key, field] of leafKeys(leaf)) {
        keys.add(key);
        fields.add(field);
      }
      timeDependent ||= leafIsTimeDependent(leaf);
    });
    const segment: WatchedSegment = { id: row.id, tree, keys: [...keys], timeDependent };
    segments.push(segment);
    for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), segment]);
  }
  return { generation: ++generations, segments, byKey, fields: [...fields] };
}
