import { compileToElasticsearch, Condition, EsClient, parseSegment, parseSegmentWithSpans, printSegment } from '@segmenter/shared';
import pino from 'pino';
import { AppError, ValidationError } from '../errors/app-error';
import { explainSegment, MAX_EXPLAIN_SEARCHES } from './segment-explain';
import type { QueryToExplain } from './segment-resolver';
import type { SegmentRow } from './segments-store';

const WORKSPACE = 'ws-1';
const log = pino({ level: 'silent' });

/**
 * An Elasticsearch client that answers each search of one _msearch with `totalOf(body)` and
 * records the request, as the bulk helper's tests inject a connection.
 */
function fakeEs(totalOf: (body: Record<string, any>, n: number) => number | { status: number; error: unknown }) {
  const calls: { searches: Record<string, any>[] }[] = [];
  const es = {
    msearch: async (request: { searches: Record<string, any>[] }) => {
      calls.push(request);
      const bodies = request.searches.filter((_, i) => i % 2 === 1);
      return {
        responses: bodies.map((body, n) => {
          const total = totalOf(body, n);
          return typeof total === 'number' ? { status: 200, timed_out: false, _shards: { failed: 0 }, hits: { total: { value: total } } } : total;
        }),
      };
    },
  } as unknown as EsClient;
  return { es, calls };
}

const textQuery = (text: string): QueryToExplain => {
  const { tree, spans } = parseSegmentWithSpans(text);
  return { stored: tree, spans, savedSegments: new Map(), field: 'body.query.text' };
};
const print = async (node: Condition) => printSegment(node);

/** Totals by the segment each search counts (its text), '' for the workspace's contacts. */
function totalsByText(totals: Record<string, number>) {
  const byQuery = new Map(
    Object.entries(totals).map(([text, total]) => [text === '' ? '[]' : JSON.stringify([compileToElasticsearch(parseSegment(text))]), total]),
  );
  return (body: Record<string, any>) => {
    const key = JSON.stringify(body.query.bool.filter.slice(2));
    if (!byQuery.has(key)) throw new Error(`no total for ${key}`);
    return byQuery.get(key)!;
  };
}

describe('explainSegment', () => {
  test('one _msearch: the workspace, each condition, each step of the funnel; size 0, exact totals, workspace-scoped, filter context', async () => {
    const { es, calls } = fakeEs(totalsByText({ '': 100, 'tag:a': 60, 'tag:b': 50, 'tag:c': 40, 'tag:a AND tag:b': 30, 'tag:a AND tag:b AND tag:c': 12 }));
    const text = 'tag:a AND tag:b AND tag:c';
    const answer = await explainSegment({ es, alias: 'contacts', log }, WORKSPACE, textQuery(text), print);

    expect(calls).toHaveLength(1);
    const lines = calls[0]!.searches;
    expect(lines).toHaveLength(2 * 6);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toEqual({ index: 'contacts', routing: WORKSPACE });
      expect(lines[i + 1]).toMatchObject({ size: 0, track_total_hits: true });
      const filter = lines[i + 1]!.query.bool.filter;
      expect(filter.slice(0, 2)).toEqual([{ term: { workspace_id: WORKSPACE } }, { term: { deleted: false } }]);
      expect(lines[i + 1]!.query.bool.must).toBeUndefined();
    }
    // The workspace's own search has no condition.
    expect(lines[1]!.query.bool.filter).toHaveLength(2);

    expect(answer.contacts).toBe(100);
    expect(answer.searches).toBe(6);
    expect(answer.tree).toEqual({
      kind: 'and',
      text,
      span: { start: 0, end: text.length, line: 1, column: 1 },
      count: 12,
      conditions: [
        { kind: 'tag', text: 'tag:a', span: { start: 0, end: 5, line: 1, column: 1 }, count: 60 },
        { kind: 'tag', text: 'tag:b', span: { start: 10, end: 15, line: 1, column: 11 }, count: 50 },
        { kind: 'tag', text: 'tag:c', span: { start: 20, end: 25, line: 1, column: 21 }, count: 40 },
      ],
      funnel: [
        { remaining: 60, removed: 40 },
        { remaining: 30, removed: 30 },
        { remaining: 12, removed: 18 },
      ],
      biggestCut: 0,
    });
  });

  test('an OR answers what each branch adds; a NOT its own count and its condition', async () => {
    const { es } = fakeEs(
      totalsByText({ '': 100, 'tag:a': 20, 'tag:b': 25, 'tag:a OR tag:b': 40, 'tag:c': 30, 'NOT tag:c': 70, 'tag:a OR tag:b OR NOT tag:c': 85 }),
    );
    const answer = await explainSegment({ es, alias: 'contacts', log }, WORKSPACE, textQuery('tag:a OR tag:b OR NOT tag:c'), print);
    expect(answer.searches).toBe(7);
    expect(answer.tree.count).toBe(85);
    expect(answer.tree.union).toEqual([
      { total: 20, added: 20 },
      { total: 40, added: 20 },
      { total: 85, added: 45 },
    ]);
    expect(answer.tree.conditions![2]).toMatchObject({ kind: 'not', text: 'NOT tag:c', count: 70, condition: { kind: 'tag', count: 30 } });
  });

  test('every search is compiled at one instant: relative dates agree across a midnight passed while building them', async () => {
    const instants = [Date.parse('2026-12-01T23:59:59.999Z'), Date.parse('2026-12-02T00:00:00.001Z')];
    const now = jest.spyOn(Date, 'now').mockImplementation(() => instants.shift() ?? Date.parse('2026-12-02T00:00:00.002Z'));
    try {
      const { es, calls } = fakeEs(() => 1);
      await explainSegment({ es, alias: 'contacts', log }, WORKSPACE, textQuery('created IN LAST 30 DAYS AND updated IN LAST 30 DAYS'), print);
      const ranges = new Set(JSON.stringify(calls[0]!.searches).match(/"gte":"[^"]+"/g));
      expect(ranges).toEqual(new Set(['"gte":"2026-11-01T00:00:00.000Z"']));
    } finally {
      now.mockRestore();
    }
  });

  test('a tree that appears twice is searched once: a saved segment and its expansion, a group and its last step', async () => {
    const saved: SegmentRow = {
      id: '11111111-1111-4111-8111-111111111111',
      name: 'Gold',
      description: null,
      condition: parseSegment('label:tier = gold AND tag:a'),
      referencesSegments: [],
      broken: null,
      createdAt: '',
      updatedAt: '',
    };
    const { es, calls } = fakeEs(() => 7);
    const query: QueryToExplain = {
      stored: parseSegment(`segment:${saved.id} OR tag:a`),
      savedSegments: new Map([[saved.id, saved]]),
      field: 'body.query.text',
    };
    const answer = await explainSegment({ es, alias: 'contacts', log }, WORKSPACE, query, print);
    // everyone, tier, a, tier AND a (= the reference), the OR: tag:a inside and outside is one search.
    expect(calls[0]!.searches).toHaveLength(2 * 5);
    expect(answer.searches).toBe(5);
    expect(answer.tree.conditions![0]).toMatchObject({
      kind: 'segment',
      segment: { id: saved.id, name: 'Gold' },
      expanded: { kind: 'and', funnel: [{ remaining: 7 }, { remaining: 7 }] },
    });
    // A saved segment's nodes were not written in this text: no spans (the query had none either).
    expect(answer.tree.conditions![0]!.expanded!.span).toBeUndefined();

    const byId = await explainSegment(
      { es, alias: 'contacts', log },
      WORKSPACE,
      { stored: saved.condition, segment: { id: saved.id, name: saved.name }, savedSegments: new Map(), field: 'body.query.segmentId' },
      print,
    );
    expect(byId.tree).toMatchObject({ kind: 'segment', segment: { id: saved.id, name: 'Gold' }, expanded: { kind: 'and' } });
    expect(byId.searches).toBe(4);
  });

  test(`at most ${MAX_EXPLAIN_SEARCHES} searches: a flat AND of 32 conditions fits, 33 is refused naming the field, before anything is searched`, async () => {
    const and = (n: number) => Array.from({ length: n }, (_, i) => `tag:t${i}`).join(' AND ');
    const { es, calls } = fakeEs(() => 1);
    expect((await explainSegment({ es, alias: 'contacts', log }, WORKSPACE, textQuery(and(32)), print)).searches).toBe(64);
    const refused = explainSegment({ es, alias: 'contacts', log }, WORKSPACE, textQuery(and(33)), print);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      problems: [{ field: 'body.query.text', rule: expect.stringContaining(`more than ${MAX_EXPLAIN_SEARCHES} searches`) }],
    });
    expect(calls).toHaveLength(1);
  });

  test('one search refused or answered in part fails the whole explanation, naming the field', async () => {
    const refusing = fakeEs((_, n) => (n === 2 ? { status: 400, error: { type: 'too_many_clauses' } } : 5));
    const refused = explainSegment({ es: refusing.es, alias: 'contacts', log }, WORKSPACE, textQuery('tag:a AND tag:b'), print);
    await expect(refused).rejects.toMatchObject({ status: 400, problems: [{ field: 'body.query.text' }] });
    const partial = {
      msearch: async () => ({ responses: [{ status: 200, timed_out: true, hits: { total: { value: 3 } } }] }),
    } as unknown as EsClient;
    const timedOut = explainSegment({ es: partial, alias: 'contacts', log }, WORKSPACE, textQuery('tag:a'), print);
    await expect(timedOut).rejects.toBeInstanceOf(AppError);
    await expect(timedOut).rejects.toMatchObject({ status: 503 });
  });
});
