// From what a client sends (a JSON tree with tag ids, or text with tag names) to a tree the
// compilers take: checked against the model's rules, tags resolved to this workspace's ids,
// custom fields typed by this workspace's definitions, saved segment references checked (they
// exist, no cycles) and, for evaluation, expanded inline. Every refusal is a 400 naming the field
// and the rule.
import {
  checkCondition,
  Condition,
  conditionProblems,
  isUuid,
  type LeafCondition,
  normalizeCondition,
  parseSegmentWithSpans,
  printSegment,
  type CustomFieldType,
  type Queryable,
  SEGMENT_LIMITS,
  SegmentSyntaxError,
  type SpanTree,
} from '@segmenter/shared';
import { AppError, FieldProblem, NotFoundError, ValidationError } from '../errors/app-error';
import { TAG_DELETE_JOB } from '../tags/tags-service';
import type { ResolutionContext } from './resolution-context';
import type { SegmentQuery } from './segment-schemas';
import { brokenSegmentConflict, dependentsOf, labelKeysOf, leavesOf, mapLeaves, tagIdsOf } from './segment-dependencies';
import { labelKeysInUse, listSegments, SegmentBreak, SegmentRow, tagsBeingDeleted } from './segments-store';

export interface ConditionInput {
  condition?: unknown;
  text?: string;
}

/** A condition parsed and checked, its tags not resolved yet; `field` names it in later errors. */
interface ParsedCondition {
  tree: Condition;
  tagsBy: 'id' | 'name';
  field: string;
  /** Text only: where each node of `tree` was written, in its shape (the parser makes no group of one, so normalising keeps the shape). */
  spans?: SpanTree;
}

/**
 * Custom-field definitions that are not there: the parser reads definitions only for a `custom:`
 * condition (and to suggest a name in an error), and any look at these marks them read. A text
 * that never looked parses the same as with the workspace's definitions, so it is answered without
 * reading them; one that looked is parsed again with them.
 */
class UnreadDefinitions extends Map<string, CustomFieldType> {
  read = false;
  private look(): void {
    this.read = true;
  }
  override get(key: string): CustomFieldType | undefined {
    this.look();
    return super.get(key);
  }
  override has(key: string): boolean {
    this.look();
    return super.has(key);
  }
  override get size(): number {
    this.look();
    return super.size;
  }
  override keys(): MapIterator<string> {
    this.look();
    return super.keys();
  }
  override values(): MapIterator<CustomFieldType> {
    this.look();
    return super.values();
  }
  override entries(): MapIterator<[string, CustomFieldType]> {
    this.look();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, CustomFieldType]> {
    return this.entries();
  }
  override forEach(callback: (value: CustomFieldType, key: string, map: Map<string, CustomFieldType>) => void, thisArg?: unknown): void {
    this.look();
    super.forEach(callback, thisArg);
  }
}

/** The text's tree (and where each node was written), or its syntax error; other errors are bugs and thrown. */
function parseText(text: string, customFieldTypes: ReadonlyMap<string, CustomFieldType>): { tree: Condition; spans: SpanTree } | { error: SegmentSyntaxError } {
  try {
    return parseSegmentWithSpans(text, { customFieldTypes });
  } catch (err) {
    if (!(err instanceof SegmentSyntaxError)) throw err;
    return { error: err };
  }
}

/**
 * Parses the input (exactly one of condition or text) into a checked, canonical tree. The
 * workspace's custom-field definitions are read only for an input that names a custom field.
 */
async function parseInput(context: ResolutionContext, input: ConditionInput, at: string): Promise<ParsedCondition> {
  if ((input.condition === undefined) === (input.text === undefined)) {
    throw new ValidationError([{ field: at, rule: 'must hold either condition (a JSON tree) or text (the segment language), not both' }]);
  }
  if (input.text !== undefined) {
    const unread = new UnreadDefinitions();
    let parsed = parseText(input.text, unread);
    if (unread.read) parsed = parseText(input.text, await context.definitions());
    if ('error' in parsed) throw new ValidationError([{ field: `${at}.text`, rule: parsed.error.message }]);
    // The parser reads numbers, days and names the model bounds (1e400, 10^20 days, channel
    // "mail"): the same schema as JSON input decides, so nothing unchecked reaches a compiler.
    const checked = checkCondition(parsed.tree, `${at}.text`);
    if ('problems' in checked)
      throw new ValidationError(
        checked.problems.map((p) => ({ field: `${at}.text`, rule: `${p.field.slice(`${at}.text`.length + 1) || 'condition'}: ${p.rule}` })),
      );
    return { tree: normalizeCondition(lowerCaseIds(checked.tree)), tagsBy: 'name', field: `${at}.text`, spans: parsed.spans };
  }
  const checked = checkCondition(input.condition, `${at}.condition`);
  if ('problems' in checked) throw new ValidationError(checked.problems);
  const problems: FieldProblem[] = [];
  const customLeaves = leavesOf(checked.tree).filter((leaf) => leaf.kind === 'custom');
  const definitions = customLeaves.length > 0 ? await context.definitions() : new Map<string, CustomFieldType>();
  for (const leaf of customLeaves) {
    if (definitions.get(leaf.key) !== leaf.type) {
      const declared = definitions.get(leaf.key);
      problems.push({
        field: `${at}.condition`,
        rule: declared ? `custom field ${leaf.key} is a ${declared} field, not ${leaf.type}` : `custom field ${leaf.key} is not defined in this workspace`,
      });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { tree: normalizeCondition(lowerCaseIds(checked.tree)), tagsBy: 'id', field: `${at}.condition` };
}

/** Ids compare lower-cased everywhere (a UUID typed in capitals is the same segment). */
const lowerCaseIds = (tree: Condition) => mapLeaves(tree, (leaf) => (leaf.kind === 'segment' ? { ...leaf, segmentId: leaf.segmentId.toLowerCase() } : leaf));

/** The refs of a JSON tree that can be tag ids at all, lower-cased (the others are unknown without asking). */
const tagIdRefs = (refs: readonly string[]) => refs.filter((r) => isUuid(r)).map((r) => r.toLowerCase());

/** Tag names (text) or ids (JSON) to this workspace's tag ids; unknown ones are named in a 400. */
async function resolveTags(context: ResolutionContext, { tree, tagsBy, field }: ParsedCondition): Promise<Condition> {
  const refs = tagIdsOf(tree);
  if (refs.length === 0) return tree;
  const key = (ref: string) => (tagsBy === 'name' ? ref : ref.toLowerCase());
  const idOf = new Map<string, string>();
  if (tagsBy === 'name') for (const [name, id] of await context.tagIdsByName(refs)) idOf.set(name, id);
  else for (const id of (await context.tagNamesById(tagIdRefs(refs))).keys()) idOf.set(id, id);
  const unknown = refs.filter((r) => !idOf.has(key(r)));
  if (unknown.length > 0) {
    throw new ValidationError([{ field, rule: `names tags that do not exist in this workspace: ${unknown.map((u) => JSON.stringify(u)).join(', ')}` }]);
  }
  return mapLeaves(tree, (leaf) => (leaf.kind === 'tag' ? { ...leaf, tags: leaf.tags.map((t) => idOf.get(key(t))!) } : leaf));
}

/** How long a chain of saved segment references may be (A uses B uses C ...). */
const MAX_REFERENCE_CHAIN = 16;

/** The saved segments a tree refers to, directly. */
const referencedSegments = (tree: Condition) => [...new Set(leavesOf(tree).flatMap((l) => (l.kind === 'segment' ? [l.segmentId] : [])))];

/**
 * Inlines saved segment references from `segments` (id -> stored tree), counting leaves and depth
 * as it goes and stopping at the limits: references can multiply (A = B OR B, B = C OR C, ...), so
 * the expansion must never be built first and measured after. Throws ValidationError.
 */
export function expandFrom(
  segments: ReadonlyMap<string, { id: string; name: string; condition: Condition; broken?: SegmentBreak | null }>,
  tree: Condition,
  field: string,
  selfId?: string,
): Condition {
  let leafCount = 0;
  const nameOf = (id: string) => segments.get(id)?.name ?? id;
  const expand = (node: Condition, path: string[], depth: number): Condition => {
    if (depth > SEGMENT_LIMITS.depth)
      throw new ValidationError([{ field, rule: `once saved segments are expanded, nests deeper than ${SEGMENT_LIMITS.depth} levels` }]);
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every leaf kind but references is kept alike (see the default)
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
        if (path.length - (selfId ? 1 : 0) >= MAX_REFERENCE_CHAIN)
          throw new ValidationError([
            { field, rule: `refers to saved segments more than ${MAX_REFERENCE_CHAIN} deep (a segment using one that uses another, and so on)` },
          ]);
        const target = segments.get(node.segmentId);
        if (!target) throw new ValidationError([{ field, rule: `refers to segments that do not exist in this workspace: ${node.segmentId}` }]);
        if (node.segmentId === selfId || path.includes(node.segmentId)) {
          throw new ValidationError([{ field, rule: `refers to segments in a cycle: ${[...path, node.segmentId].map(nameOf).join(' -> ')}` }]);
        }
        // A broken segment matches no one for what it lost: evaluating it (or anything using it)
        // would give a wrong number, so it is refused, naming what is missing.
        if (target.broken)
          throw brokenSegmentConflict(
            { id: node.segmentId, name: target.name, broken: target.broken },
            field,
            path.length > 0 ? nameOf(path[path.length - 1]!) : undefined,
          );
        // A group of one is the condition itself, so the reference costs no depth of its own.
        return expand(target.condition, [...path, node.segmentId], depth);
      }
      default:
        if (++leafCount > SEGMENT_LIMITS.conditions) {
          throw new ValidationError([{ field, rule: `once saved segments are expanded, holds more than ${SEGMENT_LIMITS.conditions} conditions` }]);
        }
        // Every other leaf is kept as it is; `satisfies` stops a new group kind from passing as one.
        return node satisfies LeafCondition;
    }
  };
  const result = normalizeCondition(expand(tree, selfId ? [selfId] : [], 1));
  const problems = conditionProblems(result, field);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ field, rule: `once saved segments are expanded, ${p.rule}` })));
  return result;
}

/** Expands `tree` with the workspace's saved segments, read only when it refers to any (see expandFrom). */
async function expandSegments(context: ResolutionContext, tree: Condition, field: string, selfId?: string): Promise<Condition> {
  if (referencedSegments(tree).length === 0) return expandFrom(new Map(), tree, field, selfId);
  return expandFrom(await context.savedSegments(), tree, field, selfId);
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

export interface ResolvedCondition {
  /** With tag ids and segment references: what a saved segment stores. */
  stored: Condition;
  references: string[];
  /** References expanded: what the compilers take. */
  expanded: Condition;
  /** Accepted, but worth telling the client (saving only): label keys no contact has yet. */
  warnings: FieldProblem[];
}

export async function resolveCondition(
  context: ResolutionContext,
  input: ConditionInput,
  options: { at: string; forSaving?: boolean; selfId?: string },
): Promise<ResolvedCondition> {
  const parsed = await parseInput(context, input, options.at);
  const { field } = parsed;
  const stored = await resolveTags(context, parsed);
  const warnings: FieldProblem[] = [];
  if (options.forSaving) {
    const { workspaceId, db } = context;
    // Tags whose deletion job is under way: a segment saved now would break at once.
    const deleting = await tagsBeingDeleted(db, workspaceId, TAG_DELETE_JOB, tagIdsOf(stored));
    if (deleting.length > 0)
      throw new ValidationError([{ field, rule: `names tags that are being deleted: ${deleting.map((n) => JSON.stringify(n)).join(', ')}` }]);
    // Label keys are free-form: one no contact has yet is accepted, with a warning.
    const keys = labelKeysOf(stored);
    const known = await labelKeysInUse(db, workspaceId, keys);
    const unknown = keys.filter((k) => !known.has(k));
    if (unknown.length > 0)
      warnings.push({
        field,
        rule: `names label keys no contact in this workspace has yet: ${unknown.join(', ')}; the segment matches no one on them until some contact does`,
      });
  }
  const expanded = await expandSegments(context, stored, field, options.selfId);
  return { stored, references: referencedSegments(stored), expanded, warnings };
}

/** A segment query checked as far as it can be alone: a saved segment's id, or a parsed condition. */
type ParsedQuery = { segmentId: string; at: string } | ParsedCondition;

async function parseQuery(context: ResolutionContext, query: SegmentQuery, at: string): Promise<ParsedQuery> {
  if ('segmentId' in query) return { segmentId: query.segmentId, at };
  return parseInput(context, query, at);
}

async function treeOfParsed(context: ResolutionContext, parsed: ParsedQuery): Promise<Condition> {
  if ('segmentId' in parsed) {
    const { segmentId, at } = parsed;
    const saved = await context.savedSegment(segmentId);
    if (!saved) throw new NotFoundError(`Segment ${segmentId}`);
    if (saved.broken) throw brokenSegmentConflict({ ...saved, broken: saved.broken }, `${at}.segmentId`);
    return expandSegments(context, saved.condition, `${at}.segmentId`, saved.id);
  }
  return expandSegments(context, await resolveTags(context, parsed), parsed.field);
}

/**
 * The tree a segment query stands for, ready to compile: a saved segment (expanded; a broken one,
 * or one using a broken one, is a 409 naming what is missing) or an ad hoc condition. Every
 * reader of segments (counts, previews, streams, snapshots, actions, exports) goes through here.
 */
export async function treeOfQuery(context: ResolutionContext, query: SegmentQuery, at: string): Promise<Condition> {
  return treeOfParsed(context, await parseQuery(context, query, at));
}

/** A segment query as explaining it reads it: its tree with references kept, to be explained node by node. */
export interface QueryToExplain {
  /** Tags by id, saved segment references kept (as a saved segment stores it). */
  stored: Condition;
  /** Text only: where each node of `stored` was written, in its shape. */
  spans?: SpanTree;
  /** The saved segment the query named by id, if it did (`stored` is its condition). */
  segment?: { id: string; name: string };
  /** The saved segments, by id, when `stored` refers to any (directly or through others); empty otherwise. */
  savedSegments: ReadonlyMap<string, SegmentRow>;
  /** What the query's problems name: `<at>.text`, `<at>.condition` or `<at>.segmentId`. */
  field: string;
}

/**
 * A query resolved for explaining: refused exactly as treeOfQuery refuses it (unknown tags,
 * missing or broken segments, cycles, limits once expanded), so anything it answers expands.
 */
export async function queryToExplain(context: ResolutionContext, query: SegmentQuery, at: string): Promise<QueryToExplain> {
  const parsed = await parseQuery(context, query, at);
  await treeOfParsed(context, parsed);
  const savedOf = async (tree: Condition) => (referencedSegments(tree).length > 0 ? context.savedSegments() : new Map<string, SegmentRow>());
  if ('segmentId' in parsed) {
    const saved = (await context.savedSegment(parsed.segmentId))!;
    return { stored: saved.condition, segment: { id: saved.id, name: saved.name }, savedSegments: await savedOf(saved.condition), field: `${at}.segmentId` };
  }
  const stored = await resolveTags(context, parsed);
  return { stored, spans: parsed.spans, savedSegments: await savedOf(stored), field: parsed.field };
}

/** A query's own failure, kept in its place among many; anything else is our bug. */
function asQueryProblem(err: unknown): AppError {
  if (err instanceof AppError) return err;
  throw err;
}

/**
 * The trees of many queries (a count), each standing alone: one that cannot be resolved is its
 * own problem in its place (so is one refused before, passed in as an AppError), and the others
 * resolve regardless, each refused exactly as treeOfQuery would. Every query is parsed first, so
 * the tags all of them name are read in one statement, and the saved segments in one when several
 * are named.
 */
export async function treesOfQueries(
  context: ResolutionContext,
  queries: readonly { query: SegmentQuery | AppError; at: string }[],
): Promise<(Condition | AppError)[]> {
  const parsed: (ParsedQuery | AppError)[] = [];
  for (const { query, at } of queries) parsed.push(query instanceof AppError ? query : await parseQuery(context, query, at).catch(asQueryProblem));
  const conditions = parsed.filter((p): p is ParsedCondition => !(p instanceof AppError) && !('segmentId' in p));
  const refsBy = (tagsBy: ParsedCondition['tagsBy']) => conditions.filter((c) => c.tagsBy === tagsBy).flatMap((c) => tagIdsOf(c.tree));
  const names = refsBy('name');
  const ids = tagIdRefs(refsBy('id'));
  const savedIds = new Set(parsed.flatMap((p) => (p instanceof AppError ? [] : 'segmentId' in p ? [p.segmentId] : referencedSegments(p.tree))));
  // The saved segments' list is read when several are named or a condition refers to one (its
  // expansion reads the list anyway); a lone saved segment by id is read on its own below.
  const listSaved = savedIds.size > 1 || conditions.some((c) => referencedSegments(c.tree).length > 0);
  // Independent reads, so at the same time: one round trip's wait instead of three.
  await Promise.all([
    names.length > 0 ? context.tagIdsByName(names) : undefined,
    ids.length > 0 ? context.tagNamesById(ids) : undefined,
    listSaved ? context.savedSegments() : undefined,
  ]);
  const trees: (Condition | AppError)[] = [];
  for (const p of parsed) trees.push(p instanceof AppError ? p : await treeOfParsed(context, p).catch(asQueryProblem));
  return trees;
}

/**
 * The segment as text, with current tag names. A tag deleted since (the segment is then broken)
 * prints with the name it had, never as a raw id, so the text reads as written and editing it
 * names the missing tag plainly.
 */
export async function segmentText(context: ResolutionContext, tree: Condition, broken?: SegmentBreak | null): Promise<string> {
  const ids = tagIdsOf(tree);
  const names = new Map<string, string>(ids.length > 0 ? await context.tagNamesById(ids) : []);
  for (const m of broken?.missing ?? []) if (m.kind === 'tag' && !names.has(m.id)) names.set(m.id, m.name);
  return printSegment(tree, { tagName: (id) => names.get(id) ?? 'deleted tag' });
}
