// Hostile values for the route fuzz test (test/route-fuzz.int.test.ts): wrong types, huge and
// deep values, text people cannot see, keys special to JavaScript, impossible dates, bad cursors.
import fc from 'fast-check';

/**
 * A piece of JSON text spliced into a body as is: values too deep for JSON.stringify to be
 * trusted with (10,000 nested arrays), built as text so the generator itself never recurses.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson fragments. */
export function toJsonText(value: unknown): string {
  const fragments: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawJson) {
      fragments.push(v.text);
      return `@@raw-json-${fragments.length - 1}@@`;
    }
    return v;
  });
  if (text === undefined) return 'null';
  return fragments.length === 0 ? text : text.replace(/"@@raw-json-(\d+)@@"/g, (_m, i: string) => fragments[Number(i)]!);
}

const nested = (depth: number, open: string, inner: string, close: string) => new RawJson(open.repeat(depth) + inner + close.repeat(depth));

/** A JSON object with keys that are special to JavaScript as its own keys (not a prototype change). */
const withSpecialKey = (key: string, value: unknown) => Object.fromEntries([[key, value]]);

/** Text people cannot see or that breaks naive handling: controls, bidi, zero-width, lone surrogates. */
export const ODD_TEXT = [
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  'abc\u202Eexe.txt',
  '\u2066x\u2069',
  'a\u200Bb',
  '\u200D',
  '\uFEFFname',
  '\u0085',
  '\u009F',
  '\u0007bell',
  'line\nbreak',
  'tab\there',
  '\u0000',
  'nul\u0000in the middle',
  'e\u0301',
  'Ａｄｍｉｎ',
  'שלום',
  '👩‍👩‍👧',
  '\uFFFF',
  '\uFFFD',
  '%ZZ',
  '%00',
  '${jndi:x}',
  "' or 1=1 --",
  '"; drop table contacts; --',
  '*?[',
  '\\',
  '',
  ' ',
];

/** Dates and timestamps that look right but are not, or lie outside what Postgres or JavaScript hold. */
export const ODD_DATES = [
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '2026-02-30T00:00:00.000000Z',
  '0000-01-01',
  '0000-01-01T00:00:00.000000Z',
  '10000-01-01',
  '10000-01-01T00:00:00.000000Z',
  '+275760-09-13T00:00:00.001Z',
  '-000001-01-01T00:00:00Z',
  '2026-13-01',
  '2026-00-10',
  '2026-01-01T25:00:00Z',
  '2026-01-01T00:00:00+99:00',
  '1970-01-01T00:00:00.000000Z',
  'yesterday',
  '0',
];

export const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 2 ** 64, 1e-320, -0, 0.1, 2 ** 31, -(2 ** 31) - 1, 36501, 1.5];

export const oddText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ODD_TEXT) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ODD_TEXT), fc.constantFrom('tag', 'plan', 'x')).map(([a, b]) => b + a) },
  );

/** Huge values: past every length limit, and past the body limit at times (413 is fine). */
export const hugeValue = (): fc.Arbitrary<unknown> =>
  fc.constantFrom<unknown>(
    'x'.repeat(1_001),
    'x'.repeat(20_001),
    'é'.repeat(70_000),
    new RawJson(`[${'1,'.repeat(20_000)}1]`),
    new RawJson(`[${'"a",'.repeat(10_000)}"a"]`),
    new RawJson(`{${Array.from({ length: 5_000 }, (_, i) => `"k${i}":1`).join(',')}}`),
    new RawJson(JSON.stringify('y'.repeat(3_000_000))),
  );

/** Deep values: arrays and objects nested far beyond any real request, and a 12,000-deep NOT. */
export const deepValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(10_000, 3_000, 200).map((d) => nested(d, '[', '1', ']')),
    fc.constantFrom(5_000, 200).map((d) => nested(d, '{"a":', '1', '}')),
    fc.constantFrom(12_000, 300).map((d) => nested(d, '{"kind":"not","condition":', '{"kind":"sendable","channel":"email"}', '}')),
    fc.constantFrom(5_000, 100).map((d) => nested(d, '{"kind":"and","conditions":[', '{"kind":"sendable","channel":"email"}', ']}')),
  );

/** Objects whose own keys are special to JavaScript. */
export const specialKeyObject = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'),
      fc.constantFrom<unknown>('x', 1, {}, { polluted: true }, null, []),
    )
    .map(([key, value]) => withSpecialKey(key, value));

/** A value of the wrong type for almost any field. */
export const wrongType = (): fc.Arbitrary<unknown> =>
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, '', 'abc', '1', 'true', 'null', 'NaN', 'Infinity', [], [null], ['a', 1], {}, { a: 1 }, [{}]);

/** Any hostile value, for a field of a body. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: wrongType() },
    { weight: 4, arbitrary: oddText() },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...HUGE_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...ODD_DATES) },
    { weight: 1, arbitrary: hugeValue() },
    { weight: 1, arbitrary: deepValue() },
    { weight: 2, arbitrary: specialKeyObject() },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );

/** A list cursor made by hand: base64url JSON with odd values where the sort value and id go. */
export const oddCursor = (): fc.Arbitrary<string> => {
  const id = fc.oneof(fc.uuid(), fc.constantFrom('not-a-uuid', '', '\u0000'));
  const sort = fc.constantFrom('created', 'updated', 'email_rating', 'name', 'id', 'suppressed', '', '\u0000');
  const order = fc.constantFrom('asc', 'desc', 'sideways');
  const value = fc.oneof(fc.constantFrom<unknown>(...ODD_DATES, ...HUGE_NUMBERS, '\u0000', null, [], {}, 'x'.repeat(400)), oddText());
  const tuple = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(sort, order, value, id).map((t) => t as unknown) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.tuple(sort, order, value).map((t) => t as unknown) },
  );
  const encoded = tuple.map((t) => Buffer.from(JSON.stringify(t) ?? 'null').toString('base64url'));
  return fc.oneof(
    { weight: 5, arbitrary: encoded },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '!!!', '====', 'x'.repeat(600), 'e30') },
    { weight: 1, arbitrary: oddText() },
  );
};

const SEGMENT_WORDS = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
  'country',
  'created',
  'updated',
  'consent_at',
  'email_rating',
  'email_status',
  'phone_status',
  'sendable',
  'tag',
  'tag:',
  'label:plan',
  'label:',
  'custom:',
  'custom:score',
  'segment:',
  'AND',
  'OR',
  'NOT',
  'IN',
  'EXISTS',
  'CONTAINS',
  'STARTS_WITH',
  'BETWEEN',
  'HAS',
  'ANY',
  'ALL',
  'NONE',
  'EMPTY',
  'IS',
  '=',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '(',
  ')',
  '[',
  ']',
  ',',
  '"',
  '\\',
  '"unclosed',
  '"a\\"b"',
  '0',
  '-1',
  '1e308',
  '3.5',
  '2026-02-30',
  '0000-01-01',
  '10000-01-01',
  'days',
  'in_last_days',
  'vip',
  '\u0000',
  '\u202E',
  '\ud800',
];

/** Random segment-language texts: token soup, mostly invalid, sometimes valid, at times long. */
export const segmentText = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SEGMENT_WORDS) }, { weight: 1, arbitrary: oddText() }), { minLength: 1, maxLength: 12 })
        .map((w) => w.join(' ')),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'first_name CONTAINS "ann"',
        'email_status = active AND NOT tag:vip',
        'label:plan IN [gold, silver]',
        'created BETWEEN 2026-02-30 AND 2026-03-01',
        `first_name CONTAINS "${'a'.repeat(400)}"`,
        `${'NOT '.repeat(5_000)}sendable email`,
        `${'('.repeat(5_000)}sendable email${')'.repeat(5_000)}`,
        Array.from({ length: 500 }, (_, i) => `first_name CONTAINS "v${i}"`).join(' OR '),
      ),
    },
  );
