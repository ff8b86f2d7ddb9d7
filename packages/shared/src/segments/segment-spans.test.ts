import type { Condition } from './condition-model';
import { parseSegment, parseSegmentWithSpans, type SpanTree, type TextSpan } from './segment-parser';

const customFieldTypes = new Map([
  ['score', 'number'],
  ['plan', 'string'],
] as const);
const withSpans = (text: string) => parseSegmentWithSpans(text, { customFieldTypes });

/** The text each node spans, in the tree's shape: what a client shows a number beside. */
type Written = { text: string; children?: Written[] };
const written = (source: string, spans: SpanTree): Written => ({
  text: source.slice(spans.span.start, spans.span.end),
  ...(spans.children.length > 0 ? { children: spans.children.map((c) => written(source, c)) } : {}),
});

/** Every node's span with the node it stands for (same walk as the spans' shape). */
function pairs(tree: Condition, spans: SpanTree): [Condition, TextSpan][] {
  const children = tree.kind === 'and' || tree.kind === 'or' ? tree.conditions : tree.kind === 'not' ? [tree.condition] : [];
  expect(spans.children).toHaveLength(children.length);
  return [[tree, spans.span], ...children.flatMap((c, i) => pairs(c, spans.children[i]!))];
}

/** Line and column of an offset, counted as the lexer counts them (lines split at \n, columns in UTF-16 units from 1). */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('spans: where each node of the tree was written', () => {
  test.each<{ description: string; text: string; expected: Written }>([
    { description: 'a single condition spans itself, without the whitespace around it', text: '  tag:vip \n', expected: { text: 'tag:vip' } },
    {
      description: 'an AND spans its first to its last condition; each condition its own text',
      text: 'label:tier IN [gold, silver] AND tag:"Hot Lead" AND created > now-30d',
      expected: {
        text: 'label:tier IN [gold, silver] AND tag:"Hot Lead" AND created > now-30d',
        children: [{ text: 'label:tier IN [gold, silver]' }, { text: 'tag:"Hot Lead"' }, { text: 'created > now-30d' }],
      },
    },
    {
      description: 'AND binds tighter than OR: the AND group spans its two conditions inside the OR',
      text: 'tag:a OR tag:b AND NOT tag:c',
      expected: {
        text: 'tag:a OR tag:b AND NOT tag:c',
        children: [{ text: 'tag:a' }, { text: 'tag:b AND NOT tag:c', children: [{ text: 'tag:b' }, { text: 'NOT tag:c', children: [{ text: 'tag:c' }] }] }],
      },
    },
    {
      description: 'a group in parentheses spans the parentheses',
      text: '(tag:a OR tag:b) AND city = Paris',
      expected: {
        text: '(tag:a OR tag:b) AND city = Paris',
        children: [{ text: '(tag:a OR tag:b)', children: [{ text: 'tag:a' }, { text: 'tag:b' }] }, { text: 'city = Paris' }],
      },
    },
    {
      description: 'nested parentheses: a node spans the outermost pair written around it',
      text: '((tag:a)) AND ((tag:b OR (tag:c AND tag:d)))',
      expected: {
        text: '((tag:a)) AND ((tag:b OR (tag:c AND tag:d)))',
        children: [
          { text: '((tag:a))' },
          {
            text: '((tag:b OR (tag:c AND tag:d)))',
            children: [{ text: 'tag:b' }, { text: '(tag:c AND tag:d)', children: [{ text: 'tag:c' }, { text: 'tag:d' }] }],
          },
        ],
      },
    },
    {
      description: 'the whole text in parentheses: the root spans them',
      text: '(tag:a AND tag:b)',
      expected: { text: '(tag:a AND tag:b)', children: [{ text: 'tag:a' }, { text: 'tag:b' }] },
    },
    {
      description: 'NOT spans its keyword and its operand, NOT NOT twice over',
      text: 'NOT (tag:a OR tag:b) AND not NOT custom:score >= 3',
      expected: {
        text: 'NOT (tag:a OR tag:b) AND not NOT custom:score >= 3',
        children: [
          { text: 'NOT (tag:a OR tag:b)', children: [{ text: '(tag:a OR tag:b)', children: [{ text: 'tag:a' }, { text: 'tag:b' }] }] },
          { text: 'not NOT custom:score >= 3', children: [{ text: 'NOT custom:score >= 3', children: [{ text: 'custom:score >= 3' }] }] },
        ],
      },
    },
    {
      description: 'operands that end in a list, a range, a span, a quoted string and a date all end where they are written',
      text: 'tag:ANY [a, "b c"] OR email_rating BETWEEN 1 AND 5 OR engagement:email.opened >= 2 IN LAST 3 MONTHS OR custom:plan = "pro" OR created < 2026-01-02',
      expected: {
        text: 'tag:ANY [a, "b c"] OR email_rating BETWEEN 1 AND 5 OR engagement:email.opened >= 2 IN LAST 3 MONTHS OR custom:plan = "pro" OR created < 2026-01-02',
        children: [
          { text: 'tag:ANY [a, "b c"]' },
          { text: 'email_rating BETWEEN 1 AND 5' },
          { text: 'engagement:email.opened >= 2 IN LAST 3 MONTHS' },
          { text: 'custom:plan = "pro"' },
          { text: 'created < 2026-01-02' },
        ],
      },
    },
    {
      description: 'unicode in quoted names: offsets are UTF-16 units, so a slice is the text as written',
      text: 'tag:"Café ☕" AND tag:"😀 fans" AND label:pays = "Ελλάδα"',
      expected: {
        text: 'tag:"Café ☕" AND tag:"😀 fans" AND label:pays = "Ελλάδα"',
        children: [{ text: 'tag:"Café ☕"' }, { text: 'tag:"😀 fans"' }, { text: 'label:pays = "Ελλάδα"' }],
      },
    },
  ])('$description', ({ text, expected }) => {
    const { tree, spans } = withSpans(text);
    expect(written(text, spans)).toEqual(expected);
    // The tree is parseSegment's, node for node: spans never change what is stored.
    expect(tree).toEqual(parseSegment(text, { customFieldTypes }));
  });

  test('multi-line text: each node has the line and column of its start, counted as syntax errors count them', () => {
    const text = ['tag:vip', '  AND (', '    city = "Zürich"', '    OR NOT label:tier = gold', '  )', 'OR tag:"😀"'].join('\n');
    const { spans } = withSpans(text);
    const at = (s: SpanTree) => ({ line: s.span.line, column: s.span.column, text: text.slice(s.span.start, s.span.end) });
    expect(at(spans)).toEqual({ line: 1, column: 1, text });
    const [and, lastTag] = spans.children as [SpanTree, SpanTree];
    expect(at(and)).toMatchObject({ line: 1, column: 1 });
    expect(at(and.children[1]!)).toEqual({ line: 2, column: 7, text: '(\n    city = "Zürich"\n    OR NOT label:tier = gold\n  )' });
    expect(at(and.children[1]!.children[0]!)).toEqual({ line: 3, column: 5, text: 'city = "Zürich"' });
    expect(at(and.children[1]!.children[1]!)).toEqual({ line: 4, column: 8, text: 'NOT label:tier = gold' });
    expect(at(and.children[1]!.children[1]!.children[0]!)).toEqual({ line: 4, column: 12, text: 'label:tier = gold' });
    expect(at(lastTag)).toEqual({ line: 6, column: 4, text: 'tag:"😀"' });
  });

  test('CRLF line ends: lines are counted at \\n, the \\r is whitespace', () => {
    const text = 'tag:a\r\nAND tag:b\r\n';
    const { spans } = withSpans(text);
    expect(spans.span).toEqual({ start: 0, end: 16, line: 1, column: 1 });
    expect(spans.children[1]!.span).toEqual({ start: 11, end: 16, line: 2, column: 5 });
  });

  test('columns after unicode count UTF-16 units, as the syntax errors do', () => {
    const text = 'tag:"😀" AND oops';
    expect(() => withSpans(text)).toThrow('line 1, column 14');
    expect(withSpans('tag:"😀" AND tag:b').spans.children[1]!.span).toEqual({ start: 13, end: 18, line: 1, column: 14 });
  });

  test.each([
    'tag:a',
    'tag:a AND tag:b OR tag:c AND (tag:d OR NOT tag:e)',
    'NOT NOT NOT (tag:a)',
    '(((tag:a OR tag:b) AND tag:c) OR tag:d) AND tag:e',
    '\n\n  city CONTAINS "a \\" b" AND\n\tcountry IN [FR, DE]\n',
  ])('every node: its text parses to the node itself, and its line and column are its start offset (%j)', (text) => {
    const { tree, spans } = withSpans(text);
    for (const [node, span] of pairs(tree, spans)) {
      expect(parseSegment(text.slice(span.start, span.end), { customFieldTypes })).toEqual(node);
      expect({ line: span.line, column: span.column }).toEqual(lineAndColumn(text, span.start));
    }
  });

  test('syntax errors are thrown as parseSegment throws them', () => {
    expect(() => withSpans('tag:a AND (tag:b')).toThrow(`line 1, column 17: expected ")", found the end of the text`);
  });
});
