// From what a client sends (a JSON tree with tag ids, or text with tag names) to a tree the
// compilers take: checked against the model's rules, tags resolved to this workspace's ids,
// custom fields typed by this workspace's definitions, saved segment references checked (they
// exist, no cycles) and, for evaluation, expanded inline. Every refusal is a 400 naming the field
// and the rule.
import {
  checkCondition,
  Condition,
  conditionProblems,
  normalizeCondition,
  parseSegment,
  printSegment,
  SEGMENT_LIMITS,
  SegmentSyntaxError,
} from '@segmenter/shared';
import type { PoolClient } from 'pg';
import { FieldProblem, NotFoundError, ValidationError } from '../errors/app-error';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { brokenSegmentConflict, dependentsOf, labelKeysOf, leavesOf, mapLeaves, tagIdsOf } from './segment-dependencies';
import { findSegment, listSegments, SegmentBreak } from './segments-store';
import { TAG_DELETE_JOB } from '../tags/tags-service';

type Queryable = Pick<PoolClient, 'query'>;

export interface ConditionInput {
  condition?: unknown;
  text?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses the input (exactly one of condition or text) into a checked, canonical tree. */
async function parseInput(client: Queryable, workspaceId: string, input: ConditionInput, at: string): Promise<{ tree: Condition; tagsBy: 'id' | 'name' }> {
  if ((input.condition === undefined) === (input.text === undefined)) {
    throw new ValidationError([{ field: at, rule: 'must hold either condition (a JSON tree) or text (the segment language), not both' }]);
  }
  const definitions = await loadDefinitions(client, workspaceId);
  if (input.text !== undefined) {
    let tree: Condition;
    try {
      tree = parseSegment(input.text, { customFieldTypes: definitions }) as Condition;
    } catch (err) {
      if (!(err instanceof SegmentSyntaxError)) throw err;
      throw new ValidationError([{ field: `${at}.text`, rule: err.message }]);
    }
    // The parser reads numbers, days and names the model bounds (1e400, 10^20 days, channel
    // "mail"): the same schema as JSON input decides, so nothing unchecked reaches a compiler.
    const checked = checkCondition(tree, `${at}.text`);
    if ('problems' in checked) throw new ValidationError(checked.problems.map((p) => ({ field: `${at}.text`, rule: `${p.field.slice(`${at}.text`.length + 1) || 'condition'}: ${p.rule}` })));
    return { tree: normalizeCondition(lowerCaseIds(checked.tree)), tagsBy: 'name' };
  }
  const checked = checkCondition(input.condition, `${at}.condition`);
  if ('problems' in checked) throw new ValidationError(checked.problems);
  const problems: FieldProblem[] = [];
  for (const leaf of leavesOf(checked.tree)) {
    if (leaf.kind === 'custom' && definitions.get(leaf.key) !== leaf.type) {
      const declared = definitions.get(leaf.key);
      problems.push({ field: `${at}.condition`, rule: declared ? `custom field ${leaf.key} is a ${declared} field, not ${leaf.type}` : `custom field ${leaf.key} is not defined in this workspace` });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { tree: normalizeCondition(lowerCaseIds(checked.tree)), tagsBy: 'id' };
}

/** Ids compare lower-cased everywhere (a UUID typed in capitals is the same segment). */
const lowerCaseIds = (tree: Condition) => mapLeaves(tree, (leaf) => (leaf.kind === 'segment' ? { ...leaf, segmentId: leaf.segmentId.toLowerCase() } : leaf));

/** Tag names (text) or ids (JSON) to this workspace's tag ids; unknown ones are named in a 400. */
async function resolveTags(client: Queryable, workspaceId: string, tree: Condition, tagsBy: 'id' | 'name', field: string): Promise<Condition> {
  const refs = tagIdsOf(tree);
  if (refs.length === 0) return tree;
  const { rows } =
    tagsBy === 'name'
      ? await client.query('select id, name from tags where workspace_id = $1 and name = any($2::text[])', [workspaceId, refs])
      : await client.query('select id, name from tags where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, refs.filter((r) => UUID.test(r))]);
  const idOf = new Map<string, string>(rows.map((r) => [tagsBy === 'name' ? r.name : r.id, r.id]));
  const unknown = refs.filter((r) => !idOf.has(tagsBy === 'name' ? r : r.toLowerCase()));
  if (unknown.length > 0) {
    throw new ValidationError([{ field, rule: `names tags that do not exist in this workspace: ${unknown.map((u) => JSON.stringify(u)).join(', ')}` }]);
  }
  return mapLeaves(tree, (leaf) => (leaf.kind === 'tag' ? { ...leaf, tags: leaf.tags.map((t) => idOf.get(tagsBy === 'name' ? t : t.toLowerCase())!) } : leaf));
}

/** How long a chain of saved segment references may be (A uses B uses C ...). */
export const MAX_REFERENCE_CHAIN = 16;

/** The saved segments a tree refers to, directly. */
export const referencedSegments = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'segment' ? [l.segmentId] : [])))];

/**
 * Inlines saved segment references from `segments` (id -> stored tree), counting leaves and depth
 * as it goes and stopping at the limits: references can multiply (A = B OR B, B = C OR C, ...), so
 * the expansion must never be built first and measured after. Throws ValidationError.
 */
export function expandFrom(segments: ReadonlyMap<string, { id: string; name: string; condition: Condition; broken?: SegmentBreak | null }>, tree: Condition, field: string, selfId?: string): Condition {
  let leafCount = 0;
  const nameOf = (id: string) => segments.get(id)?.name ?? id;
  const expand = (node: Condition, path: string[], depth: number): Condition => {
    if (depth > SEGMENT_LIMITS.depth) throw new ValidationError([{ field, rule: `once saved segments are expanded, nests deeper than ${SEGMENT_LIMITS.depth} levels` }]);
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, conditions: node.conditions.map((c) => expand(c, path, depth + 1)) };
      case 'not':
        return { kind: 'not', condition: expand(node.condition, path, depth + 1) };
      case 'segment': {
        // References cost no depth of their own, so their chain is bounded on its own: a chain of
        // thousands would recurse past the stack and cost seconds per count.
        // The chain counts references followed, not the segment being evaluated (the path's root when selfId is given).
        if (path.length - (selfId ? 1 : 0) >= MAX_REFERENCE_CHAIN) throw new ValidationError([{ field, rule: `refers to saved segments more than ${MAX_REFERENCE_CHAIN} deep (a segment using one that uses another, and so on)` }]);
        const target = segments.get(node.segmentId);
        if (!target) throw new ValidationError([{ field, rule: `refers to segments that do not exist in this workspace: ${node.segmentId}` }]);
        if (node.segmentId === selfId || path.includes(node.segmentId)) {
          throw new ValidationError([{ field, rule: `refers to segments in a cycle: ${[...path, node.segmentId].map(nameOf).join(' -> ')}` }]);
        }
        // A broken segment matches no one for what it lost: evaluating it (or anything using it)
        // would give a wrong number, so it is refused, naming what is missing.
        if (target.broken) throw brokenSegmentConflict({ id: node.segmentId, name: target.name, broken: target.broken }, field, path.length > 0 ? nameOf(path[path.length - 1]!) : undefined);
        // A group of one is the condition itself, so the reference costs no depth of its own.
        return expand(target.condition, [...path, node.segmentId], depth);
      }
      default:
        if (++leafCount > SEGMENT_LIMITS.conditions) {
          throw new ValidationError([{ field, rule: `once saved segments are expanded, holds more than ${SEGMENT_LIMITS.conditions} conditions` }]);
        }
        return node;
    }
  };
  const result = normalizeCondition(expand(tree, selfId ? [selfId] : [], 1));
  const problems = conditionProblems(result, field);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ field, rule: `once saved segments are expanded, ${p.rule}` })));
  return result;
}

/** Loads the workspace's saved segments and expands `tree` (see expandFrom). */
export async function expandSegments(client: Queryable, workspaceId: string, tree: Condition, field: string, selfId?: string): Promise<Condition> {
  if (referencedSegments(tree).length === 0) return expandFrom(new Map(), tree, field, selfId);
  const all = await listSegments(client, workspaceId);
  return expandFrom(new Map(all.map((s) => [s.id, s])), tree, field, selfId);
}

/**
 * After segment `changedId` changed, every segment that uses it (directly or through others) must
 * still expand within the limits; refuses the change naming the first that would not.
 */
export async function checkSegmentsUsing(client: Queryable, workspaceId: string, changedId: string, field: string): Promise<void> {
  const all = await listSegments(client, workspaceId);
  const byId = new Map(all.map((s) => [s.id, s]));
  // Who uses it, directly or through others: walked iteratively (no recursion over stored data).
  const { direct, indirect } = dependentsOf(all, (tree) => referencedSegments(tree).includes(changedId));
  for (const user of [...direct, ...indirect].filter((s) => s.id !== changedId)) {
    try {
      expandFrom(byId, user.condition, field, user.id);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError([{ field, rule: `would break segment "${user.name}", which uses this one: ${err.problems[0]!.rule}` }]);
    }
  }
}

/** Label keys the tree names that no contact of the workspace has yet (a warning when saving: keys are free-form). */
async function unknownLabelKeys(client: Queryable, workspaceId: string, tree: Condition): Promise<string[]> {
  const keys = labelKeysOf(tree);
  if (keys.length === 0) return [];
  const { rows } = await client.query('select distinct key from contact_labels where workspace_id = $1 and key = any($2::text[])', [workspaceId, keys]);
  const known = new Set(rows.map((r) => r.key));
  return keys.filter((k) => !known.has(k));
}

export interface ResolvedCondition {
  /** With tag ids and segment references: what a saved segment stores. */
  stored: Condition;
  references: string[];
  /** References expanded: what the compilers take. */
  expanded: Condition;
  /** Accepted, but worth telling the client (saving only): label keys no contact has yet. */
  warnings: FieldProblem[];
}

/** Tags named by the tree whose deletion job is under way: a segment saved now would break at once. */
async function tagsBeingDeleted(client: Queryable, workspaceId: string, tree: Condition): Promise<string[]> {
  const ids = tagIdsOf(tree);
  if (ids.length === 0) return [];
  const { rows } = await client.query(
    `select params->>'name' as name from jobs
      where workspace_id = $1 and type = $2 and status in ('queued', 'running') and params->>'tagId' = any($3::text[])`,
    [workspaceId, TAG_DELETE_JOB, ids],
  );
  return rows.map((r) => r.name);
}

export async function resolveCondition(
  client: Queryable,
  workspaceId: string,
  input: ConditionInput,
  options: { at: string; forSaving?: boolean; selfId?: string },
): Promise<ResolvedCondition> {
  const { tree, tagsBy } = await parseInput(client, workspaceId, input, options.at);
  const field = `${options.at}.${input.text !== undefined ? 'text' : 'condition'}`;
  const stored = await resolveTags(client, workspaceId, tree, tagsBy, field);
  const warnings: FieldProblem[] = [];
  if (options.forSaving) {
    const deleting = await tagsBeingDeleted(client, workspaceId, stored);
    if (deleting.length > 0) throw new ValidationError([{ field, rule: `names tags that are being deleted: ${deleting.map((n) => JSON.stringify(n)).join(', ')}` }]);
    const unknown = await unknownLabelKeys(client, workspaceId, stored);
    if (unknown.length > 0) warnings.push({ field, rule: `names label keys no contact in this workspace has yet: ${unknown.join(', ')}; the segment matches no one on them until some contact does` });
  }
  const expanded = await expandSegments(client, workspaceId, stored, field, options.selfId);
  return { stored, references: referencedSegments(stored), expanded, warnings };
}

/**
 * The tree a segment query stands for, ready to compile: a saved segment (expanded; a broken one,
 * or one using a broken one, is a 409 naming what is missing) or an ad hoc condition. Every
 * reader of segments (counts, previews, streams, snapshots, actions, exports) goes through here.
 */
export async function treeOfQuery(client: Queryable, workspaceId: string, query: { segmentId: string } | ConditionInput, at: string): Promise<Condition> {
  if ('segmentId' in query && query.segmentId !== undefined) {
    const saved = await findSegment(client, workspaceId, query.segmentId);
    if (!saved) throw new NotFoundError(`Segment ${query.segmentId}`);
    if (saved.broken) throw brokenSegmentConflict({ ...saved, broken: saved.broken }, `${at}.segmentId`);
    return expandSegments(client, workspaceId, saved.condition, `${at}.segmentId`, saved.id);
  }
  return (await resolveCondition(client, workspaceId, query as ConditionInput, { at })).expanded;
}

/**
 * The segment as text, with current tag names. A tag deleted since (the segment is then broken)
 * prints with the name it had, never as a raw id, so the text reads as written and editing it
 * names the missing tag plainly.
 */
export async function segmentText(client: Queryable, workspaceId: string, tree: Condition, broken?: SegmentBreak | null): Promise<string> {
  const ids = tagIdsOf(tree);
  const { rows } = ids.length > 0 ? await client.query('select id, name from tags where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, ids]) : { rows: [] };
  const names = new Map<string, string>(rows.map((r: { id: string; name: string }) => [r.id, r.name]));
  for (const m of broken?.missing ?? []) if (m.kind === 'tag' && !names.has(m.id)) names.set(m.id, m.name);
  return printSegment(tree, { tagName: (id) => names.get(id) ?? 'deleted tag' });
}
