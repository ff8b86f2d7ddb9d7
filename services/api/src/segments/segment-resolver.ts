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
  SegmentSyntaxError,
} from '@segmenter/shared';
import type { PoolClient } from 'pg';
import { FieldProblem, ValidationError } from '../errors/app-error';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { findSegments } from './segments-store';

type Queryable = Pick<PoolClient, 'query'>;

export interface ConditionInput {
  condition?: unknown;
  text?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function walk(tree: Condition, visit: (leaf: Condition) => Condition): Condition {
  switch (tree.kind) {
    case 'and':
    case 'or':
      return { kind: tree.kind, conditions: tree.conditions.map((c) => walk(c, visit)) };
    case 'not':
      return { kind: 'not', condition: walk(tree.condition, visit) };
    default:
      return visit(tree);
  }
}

function leaves(tree: Condition): Condition[] {
  const found: Condition[] = [];
  walk(tree, (leaf) => (found.push(leaf), leaf));
  return found;
}

/** Parses the input (exactly one of condition or text) into a checked, canonical tree. */
async function parseInput(client: Queryable, workspaceId: string, input: ConditionInput, at: string): Promise<{ tree: Condition; tagsBy: 'id' | 'name' }> {
  if ((input.condition === undefined) === (input.text === undefined)) {
    throw new ValidationError([{ field: at, rule: 'must hold either condition (a JSON tree) or text (the segment language), not both' }]);
  }
  const definitions = await loadDefinitions(client, workspaceId);
  if (input.text !== undefined) {
    let tree: Condition;
    try {
      tree = parseSegment(input.text, { customFieldTypes: definitions });
    } catch (err) {
      if (!(err instanceof SegmentSyntaxError)) throw err;
      throw new ValidationError([{ field: `${at}.text`, rule: err.message }]);
    }
    const problems = conditionProblems(tree, `${at}.text`);
    if (problems.length > 0) throw new ValidationError(problems);
    return { tree: normalizeCondition(tree), tagsBy: 'name' };
  }
  const checked = checkCondition(input.condition, `${at}.condition`);
  if ('problems' in checked) throw new ValidationError(checked.problems);
  const problems: FieldProblem[] = [];
  for (const leaf of leaves(checked.tree)) {
    if (leaf.kind === 'custom' && definitions.get(leaf.key) !== leaf.type) {
      const declared = definitions.get(leaf.key);
      problems.push({ field: `${at}.condition`, rule: declared ? `custom field ${leaf.key} is a ${declared} field, not ${leaf.type}` : `custom field ${leaf.key} is not defined in this workspace` });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { tree: normalizeCondition(checked.tree), tagsBy: 'id' };
}

/** Tag names (text) or ids (JSON) to this workspace's tag ids; unknown ones are named in a 400. */
async function resolveTags(client: Queryable, workspaceId: string, tree: Condition, tagsBy: 'id' | 'name', field: string): Promise<Condition> {
  const refs = [...new Set(leaves(tree).flatMap((l) => (l.kind === 'tag' ? l.tags : [])))];
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
  return walk(tree, (leaf) => (leaf.kind === 'tag' ? { ...leaf, tags: leaf.tags.map((t) => idOf.get(tagsBy === 'name' ? t : t.toLowerCase())!) } : leaf));
}

/** The saved segments a tree refers to, directly. */
export const referencedSegments = (tree: Condition) => [...new Set(leaves(tree).flatMap((l) => (l.kind === 'segment' ? [l.segmentId] : [])))];

/**
 * Inlines saved segment references, recursively; refuses unknown ones and cycles (`selfId`: the
 * segment being saved, which nothing it refers to may lead back to).
 */
export async function expandSegments(client: Queryable, workspaceId: string, tree: Condition, field: string, selfId?: string): Promise<Condition> {
  const names = new Map<string, string>();
  if (selfId) for (const [id, s] of await findSegments(client, workspaceId, [selfId])) names.set(id, s.name);
  const expand = async (node: Condition, path: string[]): Promise<Condition> => {
    const refs = referencedSegments(node);
    if (refs.length === 0) return node;
    const found = await findSegments(client, workspaceId, refs);
    for (const [id, s] of found) names.set(id, s.name);
    const missing = refs.filter((r) => !found.has(r));
    if (missing.length > 0) throw new ValidationError([{ field, rule: `refers to segments that do not exist in this workspace: ${missing.join(', ')}` }]);
    const expanded = new Map<string, Condition>();
    for (const ref of refs) {
      if (ref === selfId || path.includes(ref)) {
        throw new ValidationError([{ field, rule: `refers to segments in a cycle: ${[...path, ref].map((id) => names.get(id) ?? id).join(' -> ')}` }]);
      }
      expanded.set(ref, await expand(found.get(ref)!.condition, [...path, ref]));
    }
    return walk(node, (leaf) => (leaf.kind === 'segment' ? expanded.get(leaf.segmentId)! : leaf));
  };
  const result = normalizeCondition(await expand(tree, selfId ? [selfId] : []));
  const problems = conditionProblems(result, field);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ field, rule: `once saved segments are expanded, ${p.rule}` })));
  return result;
}

/** Label keys the tree names that no contact of the workspace has (saving refuses them). */
async function unknownLabelKeys(client: Queryable, workspaceId: string, tree: Condition): Promise<string[]> {
  const keys = [...new Set(leaves(tree).flatMap((l) => (l.kind === 'label' ? [l.key] : [])))];
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
  if (options.forSaving) {
    const unknown = await unknownLabelKeys(client, workspaceId, stored);
    if (unknown.length > 0) throw new ValidationError([{ field, rule: `names label keys no contact in this workspace has: ${unknown.join(', ')}` }]);
  }
  const expanded = await expandSegments(client, workspaceId, stored, field, options.selfId);
  return { stored, references: referencedSegments(stored), expanded };
}

/** The segment as text, with current tag names. */
export async function segmentText(client: Queryable, workspaceId: string, tree: Condition): Promise<string> {
  const ids = [...new Set(leaves(tree).flatMap((l) => (l.kind === 'tag' ? l.tags : [])))];
  const { rows } = ids.length > 0 ? await client.query('select id, name from tags where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, ids]) : { rows: [] };
  const names = new Map<string, string>(rows.map((r: { id: string; name: string }) => [r.id, r.name]));
  // A tag deleted since the segment was saved prints as its id (and matches no contact).
  return printSegment(tree, { tagName: (id) => names.get(id) ?? id });
}
