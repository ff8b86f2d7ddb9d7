// The resolution context reads each thing at most once per request, however many queries use it,
// and resolving many queries through it answers exactly what resolving each one alone answers.
import type { Condition } from '@segmenter/shared';
import { AppError } from '../errors/app-error';
import { createResolutionContext, ResolutionStores } from './resolution-context';
import { treeOfQuery, treesOfQueries } from './segment-resolver';
import type { SegmentQuery } from './segment-schemas';
import type { SegmentRow } from './segments-store';

const WORKSPACE = '00000000-0000-4000-8000-000000000001';
const tags = Array.from({ length: 20 }, (_, i) => ({ id: `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`, name: `Tag ${i}` }));
const segmentId = (n: number) => `00000000-0000-4000-8000-2000000000${String(n).padStart(2, '0')}`;
const saved = (n: number, name: string, condition: Condition, broken: SegmentRow['broken'] = null): SegmentRow => ({
  id: segmentId(n),
  name,
  description: null,
  condition,
  referencesSegments: condition.kind === 'segment' ? [condition.segmentId] : [],
  broken,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
});
const segments = [
  saved(1, 'Tagged', { kind: 'tag', op: 'has', tags: [tags[0]!.id] }),
  saved(2, 'Uses tagged', { kind: 'segment', segmentId: segmentId(1) }),
  saved(
    3,
    'Broken',
    { kind: 'tag', op: 'has', tags: ['00000000-0000-4000-8000-300000000000'] },
    {
      reason: 'tag "Gone" was deleted',
      missing: [{ kind: 'tag', id: '00000000-0000-4000-8000-300000000000', name: 'Gone' }],
      since: '2024-01-02T00:00:00.000Z',
    },
  ),
];

/** Store functions over the data above that count their calls (the db is never used). */
function countingStores() {
  const calls = { loadDefinitions: 0, tagsByNames: 0, tagsByIds: 0, listSegments: 0, findSegment: 0 };
  const stores: ResolutionStores = {
    loadDefinitions: async () => (
      calls.loadDefinitions++,
      new Map([
        ['plan', 'string'],
        ['score', 'number'],
      ] as const)
    ),
    tagsByNames: async (_db, _ws, names) => (calls.tagsByNames++, tags.filter((t) => names.includes(t.name))),
    tagsByIds: async (_db, _ws, ids) => (calls.tagsByIds++, tags.filter((t) => ids.includes(t.id))),
    listSegments: async () => (calls.listSegments++, segments),
    findSegment: async (_db, _ws, id) => (calls.findSegment++, segments.find((s) => s.id === id)),
  };
  return { calls, context: () => createResolutionContext(WORKSPACE, { query: () => Promise.reject(new Error('no SQL in this test')) }, stores) };
}

/** Queries of every kind a count holds: tags by name and by id, custom fields, saved segments, and refusals. */
const QUERIES: { description: string; query: SegmentQuery }[] = [
  { description: 'tags by name, a custom field, a saved segment', query: { text: `tag:"Tag 3" AND custom:plan = pro AND segment:${segmentId(2)}` } },
  { description: 'another tag by name and a number field', query: { text: 'tag:"Tag 7" OR custom:score > 5' } },
  { description: 'a tag by id (capitals)', query: { condition: { kind: 'tag', op: 'has', tags: [tags[5]!.id.toUpperCase()] } } },
  { description: 'a saved segment by id', query: { segmentId: segmentId(1) } },
  { description: 'a saved segment using another', query: { segmentId: segmentId(2) } },
  { description: 'labels only', query: { text: 'label:tier = gold' } },
  { description: 'an unknown tag name', query: { text: 'tag:"No such tag" AND tag:"Tag 1"' } },
  { description: 'a tag id that is no UUID', query: { condition: { kind: 'tag', op: 'has', tags: ['not-a-uuid'] } } },
  { description: 'an undefined custom field', query: { condition: { kind: 'custom', key: 'missing', type: 'string', op: 'eq', values: ['x'] } } },
  { description: 'a custom field of another type', query: { condition: { kind: 'custom', key: 'plan', type: 'number', op: 'gt', values: [1] } } },
  { description: 'a syntax error', query: { text: 'tag:' } },
  { description: 'both condition and text', query: { text: 'label:a = b', condition: { kind: 'label', key: 'a', op: 'eq', values: ['b'] } } },
  { description: 'a missing saved segment', query: { segmentId: segmentId(9) } },
  { description: 'a broken saved segment', query: { segmentId: segmentId(3) } },
  { description: 'a reference to a broken segment', query: { text: `segment:${segmentId(3)}` } },
];

/** What a query answered, comparable: its tree, or its error's class, status, message and problems in order. */
const outcome = (result: Condition | AppError | unknown) =>
  result instanceof AppError ? { error: result.constructor.name, status: result.status, message: result.message, problems: result.problems } : { tree: result };

test('fifty queries read the definitions, the tags and the saved segments once each', async () => {
  const { calls, context } = countingStores();
  const queries = Array.from({ length: 50 }, (_, i) => ({ query: QUERIES[i % QUERIES.length]!.query, at: `body.queries.${i}` }));
  const trees = await treesOfQueries(context(), queries);
  expect(trees).toHaveLength(50);
  expect(calls).toEqual({ loadDefinitions: 1, tagsByNames: 1, tagsByIds: 1, listSegments: 1, findSegment: 0 });
});

test.each(QUERIES)('$description: among many, the same answer as alone', async ({ query }) => {
  const alone = await treeOfQuery(countingStores().context(), query, 'body.queries.7').catch((err: unknown) => err);
  const others = QUERIES.map((q) => ({ query: q.query, at: 'body.queries.0' }));
  const [amongMany] = await treesOfQueries(countingStores().context(), [{ query, at: 'body.queries.7' }, ...others]);
  expect(outcome(amongMany)).toEqual(outcome(alone));
  // Refusals are AppErrors in their place; nothing else is swallowed.
  if (!(alone instanceof AppError)) expect(alone).toHaveProperty('kind');
});

test('a context reads only what its queries need', async () => {
  // No custom field named, in text or in a tree: the definitions are not read.
  const labelsOnly = countingStores();
  await treesOfQueries(labelsOnly.context(), [
    { query: { text: 'label:tier = gold' }, at: 'body.queries.0' },
    { query: { condition: { kind: 'label', key: 'tier', op: 'eq', values: ['gold'] } }, at: 'body.queries.1' },
  ]);
  expect(labelsOnly.calls).toEqual({ loadDefinitions: 0, tagsByNames: 0, tagsByIds: 0, listSegments: 0, findSegment: 0 });

  const custom = countingStores();
  const [tree] = await treesOfQueries(custom.context(), [{ query: { text: 'tag:"Tag 1" AND custom:score > 5' }, at: 'body.queries.0' }]);
  expect(custom.calls).toEqual({ loadDefinitions: 1, tagsByNames: 1, tagsByIds: 0, listSegments: 0, findSegment: 0 });
  expect(tree).toMatchObject({ kind: 'and', conditions: [{ kind: 'tag' }, { kind: 'custom', key: 'score', type: 'number' }] });

  const oneSaved = countingStores();
  await treesOfQueries(oneSaved.context(), [{ query: { segmentId: segmentId(1) }, at: 'body.queries.0' }]);
  expect(oneSaved.calls).toEqual({ loadDefinitions: 0, tagsByNames: 0, tagsByIds: 0, listSegments: 0, findSegment: 1 });
});

test("a custom field misspelt in text is refused with the workspace's name for it, read for the suggestion", async () => {
  const { calls, context } = countingStores();
  const [refused] = await treesOfQueries(context(), [{ query: { text: 'custom:plam = pro' }, at: 'body.queries.0' }]);
  expect(outcome(refused)).toMatchObject({ status: 400, problems: [{ field: 'body.queries.0.text', rule: expect.stringContaining('did you mean plan?') }] });
  expect(calls.loadDefinitions).toBe(1);
});

test('tags read once are not read again, and concurrent readers share one read', async () => {
  const { calls, context } = countingStores();
  const ctx = context();
  const [a, b] = await Promise.all([ctx.tagIdsByName(['Tag 1', 'Tag 2']), ctx.tagIdsByName(['Tag 2', 'Tag 1'])]);
  expect(new Map(a)).toEqual(new Map(b));
  expect(a.get('Tag 2')).toBe(tags[2]!.id);
  expect((await ctx.tagIdsByName(['Tag 1', 'No such tag'])).size).toBe(1);
  expect((await ctx.tagIdsByName(['No such tag'])).size).toBe(0);
  expect(calls.tagsByNames).toBe(2);
});
