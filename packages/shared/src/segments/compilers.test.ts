// The compilers' output for every operator (Elasticsearch), their safety (SQL), and the model's
// own rules. Semantics are proven by the differential test against real Postgres and
// Elasticsearch (test/segments-differential.int.test.ts); these pin the shapes.
import fc from 'fast-check';
import { PHONE_STATUSES } from '../domain/contact-domain';
import { invisibleTextProblem, isNfc } from '../domain/visible-text';
import { checkCondition } from './condition-check';
import type { Condition } from './condition-model';
import { conditionProblems } from './condition-rules';
import { normalizeCondition } from './normalize-condition';
import { SEGMENT_LIMITS } from './segment-limits';
import { compileToElasticsearch, escapeWildcard } from './elasticsearch-compiler';
import { compileToSql, matchingContactsSql } from './sql-compiler';
import { foldCase, matchesDocument } from './document-evaluator';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const not = (c: object) => ({ bool: { must_not: [c] } });
const and = (...filter: object[]) => ({ bool: { filter } });
/** The compilers' clock in these tests: the last day of a 31-day month, mid-afternoon UTC. */
const NOW = new Date('2026-03-31T15:30:00Z');

describe('Elasticsearch compiler', () => {
  test.each<[string, Condition, object]>([
    ['tag has', { kind: 'tag', op: 'has', tags: [T1] }, { term: { tag_ids: T1 } }],
    ['tag any', { kind: 'tag', op: 'any', tags: [T1, T2] }, { terms: { tag_ids: [T1, T2] } }],
    ['tag all', { kind: 'tag', op: 'all', tags: [T1, T2] }, and({ term: { tag_ids: T1 } }, { term: { tag_ids: T2 } })],
    ['tag none', { kind: 'tag', op: 'none', tags: [T1] }, not({ terms: { tag_ids: [T1] } })],
    ['label =', { kind: 'label', key: 'tier', op: 'eq', values: ['gold'] }, { term: { labels: 'tier=gold' } }],
    ['label !=', { kind: 'label', key: 'tier', op: 'neq', values: ['gold'] }, and({ term: { label_keys: 'tier' } }, not({ term: { labels: 'tier=gold' } }))],
    ['label IN', { kind: 'label', key: 'tier', op: 'in', values: ['gold', 'silver'] }, { terms: { labels: ['tier=gold', 'tier=silver'] } }],
    [
      'label NOT IN',
      { kind: 'label', key: 'tier', op: 'not_in', values: ['gold'] },
      and({ term: { label_keys: 'tier' } }, not({ terms: { labels: ['tier=gold'] } })),
    ],
    ['label EXISTS', { kind: 'label', key: 'tier', op: 'exists', values: [] }, { term: { label_keys: 'tier' } }],
    ['label NOT EXISTS', { kind: 'label', key: 'tier', op: 'not_exists', values: [] }, not({ term: { label_keys: 'tier' } })],
    ['label PREFIX', { kind: 'label', key: 'utm', op: 'prefix', values: ['fb'] }, { prefix: { labels: 'utm=fb' } }],
    ['text =', { kind: 'text', field: 'city', op: 'eq', values: ['Paris'] }, { term: { city: 'Paris' } }],
    ['text !=', { kind: 'text', field: 'city', op: 'neq', values: ['Paris'] }, and({ exists: { field: 'city' } }, not({ term: { city: 'Paris' } }))],
    ['text IN', { kind: 'text', field: 'country', op: 'in', values: ['FR', 'DE'] }, { terms: { country: ['FR', 'DE'] } }],
    [
      'text CONTAINS escapes wildcards',
      { kind: 'text', field: 'first_name', op: 'contains', values: ['a*b?'] },
      { wildcard: { first_name: { value: '*a\\*b\\?*', case_insensitive: true } } },
    ],
    ['text STARTS WITH', { kind: 'text', field: 'email', op: 'starts_with', values: ['ada'] }, { prefix: { email: { value: 'ada', case_insensitive: true } } }],
    ['text IS EMPTY', { kind: 'text', field: 'phone', op: 'empty', values: [] }, not({ exists: { field: 'phone' } })],
    ['number BETWEEN', { kind: 'number', field: 'email_rating', op: 'between', values: [10, 20] }, { range: { email_rating: { gte: 10, lte: 20 } } }],
    ['number >', { kind: 'number', field: 'email_rating', op: 'gt', values: [10] }, { range: { email_rating: { gt: 10 } } }],
    [
      'date in the last N days',
      { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 },
      { range: { created_at: { gte: '2026-03-01T00:00:00.000Z' } } },
    ],
    [
      'date in the last N months (calendar months)',
      { kind: 'date', field: 'created_at', op: 'in_last_days', months: 3 },
      { range: { created_at: { gte: '2025-12-31T00:00:00.000Z' } } },
    ],
    [
      'date in the next N months',
      { kind: 'date', field: 'consent_at', op: 'in_next_days', months: 2 },
      { range: { consent_at: { gte: '2026-03-31T00:00:00.000Z', lt: '2026-06-01T00:00:00.000Z' } } },
    ],
    [
      'date more than N days ago',
      { kind: 'date', field: 'created_at', op: 'more_than_days_ago', days: 30 },
      { range: { created_at: { lt: '2026-03-01T00:00:00.000Z' } } },
    ],
    [
      'date in the next N days',
      { kind: 'date', field: 'consent_at', op: 'in_next_days', days: 7 },
      { range: { consent_at: { gte: '2026-03-31T00:00:00.000Z', lt: '2026-04-08T00:00:00.000Z' } } },
    ],
    ['date before', { kind: 'date', field: 'created_at', op: 'before', dates: ['2026-01-01'] }, { range: { created_at: { lt: '2026-01-01' } } }],
    [
      'date after (the next day on)',
      { kind: 'date', field: 'created_at', op: 'after', dates: ['2026-01-01'] },
      { range: { created_at: { gte: '2026-01-01||+1d' } } },
    ],
    [
      'date on',
      { kind: 'date', field: 'created_at', op: 'on', dates: ['2026-01-01'] },
      { range: { created_at: { gte: '2026-01-01', lt: '2026-01-01||+1d' } } },
    ],
    [
      'date between (inclusive days)',
      { kind: 'date', field: 'created_at', op: 'between', dates: ['2026-01-01', '2026-01-31'] },
      { range: { created_at: { gte: '2026-01-01', lt: '2026-01-31||+1d' } } },
    ],
    ['status IN', { kind: 'status', channel: 'email', op: 'in', statuses: ['unsubscribed'] }, { terms: { email_status: ['unsubscribed'] } }],
    ['status NOT IN', { kind: 'status', channel: 'phone', op: 'not_in', statuses: ['blacklisted'] }, not({ terms: { phone_status: ['blacklisted'] } })],
    ['sendable by email', { kind: 'sendable', channel: 'email' }, and({ term: { email_status: 'active' } }, { exists: { field: 'email' } })],
    [
      'custom number >',
      { kind: 'custom', key: 'score', type: 'number', op: 'gt', values: [9] },
      { nested: { path: 'custom_fields', query: and({ term: { 'custom_fields.key': 'score' } }, { range: { 'custom_fields.number': { gt: 9 } } }) } },
    ],
    [
      'custom number between',
      { kind: 'custom', key: 'score', type: 'number', op: 'between', values: [1, 2] },
      { nested: { path: 'custom_fields', query: and({ term: { 'custom_fields.key': 'score' } }, { range: { 'custom_fields.number': { gte: 1, lte: 2 } } }) } },
    ],
    [
      'custom date in the next days',
      { kind: 'custom', key: 'renews', type: 'date', op: 'in_next_days', values: [], days: 7 },
      {
        nested: {
          path: 'custom_fields',
          query: and(
            { term: { 'custom_fields.key': 'renews' } },
            { range: { 'custom_fields.date': { gte: '2026-03-31T00:00:00.000Z', lt: '2026-04-08T00:00:00.000Z' } } },
          ),
        },
      },
    ],
    [
      'custom string !=',
      { kind: 'custom', key: 'plan', type: 'string', op: 'neq', values: ['pro'] },
      {
        nested: {
          path: 'custom_fields',
          query: and(
            { term: { 'custom_fields.key': 'plan' } },
            { exists: { field: 'custom_fields.string' } },
            not({ term: { 'custom_fields.string': 'pro' } }),
          ),
        },
      },
    ],
    [
      'custom boolean IS EMPTY',
      { kind: 'custom', key: 'vip', type: 'boolean', op: 'empty', values: [] },
      not({ nested: { path: 'custom_fields', query: and({ term: { 'custom_fields.key': 'vip' } }, { exists: { field: 'custom_fields.boolean' } }) } }),
    ],
    [
      'engagement',
      { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 2, days: 7 },
      {
        nested: {
          path: 'engagement',
          query: and(
            { term: { 'engagement.channel': 'email' } },
            { term: { 'engagement.status': 'opened' } },
            { term: { 'engagement.rank': 2 } },
            { range: { 'engagement.at': { gte: '2026-03-24T00:00:00.000Z' } } },
          ),
        },
      },
    ],
    [
      'engagement in the last N calendar months',
      { kind: 'engagement', channel: 'sms', status: 'clicked', atLeast: 1, months: 2 },
      {
        nested: {
          path: 'engagement',
          query: and(
            { term: { 'engagement.channel': 'sms' } },
            { term: { 'engagement.status': 'clicked' } },
            { term: { 'engagement.rank': 1 } },
            { range: { 'engagement.at': { gte: '2026-01-31T00:00:00.000Z' } } },
          ),
        },
      },
    ],
    ['subscription has', { kind: 'subscription', op: 'has', categories: ['newsletter'] }, { term: { subscription_categories: 'newsletter' } }],
    [
      'subscription any',
      { kind: 'subscription', op: 'any', categories: ['newsletter', 'offers'] },
      { terms: { subscription_categories: ['newsletter', 'offers'] } },
    ],
    [
      'subscription all',
      { kind: 'subscription', op: 'all', categories: ['newsletter', 'offers'] },
      and({ term: { subscription_categories: 'newsletter' } }, { term: { subscription_categories: 'offers' } }),
    ],
    ['subscription none', { kind: 'subscription', op: 'none', categories: ['offers'] }, not({ terms: { subscription_categories: ['offers'] } })],
    [
      'label = with printable text (key=value stays one term)',
      { kind: 'label', key: 'landing_page', op: 'eq', values: ['/promo?a=b c'] },
      { term: { labels: 'landing_page=/promo?a=b c' } },
    ],
    [
      'label PREFIX with wildcard characters (a prefix query has no pattern)',
      { kind: 'label', key: 'utm', op: 'prefix', values: ['google.*'] },
      { prefix: { labels: 'utm=google.*' } },
    ],
    [
      'or',
      {
        kind: 'or',
        conditions: [
          { kind: 'sendable', channel: 'email' },
          { kind: 'sendable', channel: 'phone' },
        ],
      },
      {
        bool: {
          should: [
            and({ term: { email_status: 'active' } }, { exists: { field: 'email' } }),
            and({ term: { phone_status: 'active' } }, { exists: { field: 'phone' } }),
          ],
          minimum_should_match: 1,
        },
      },
    ],
  ])('%s', (_name, tree, expected) => {
    expect(compileToElasticsearch(tree, { now: NOW })).toEqual(expected);
  });

  test('relative dates resolve to the same UTC day bounds all day, and move at midnight', () => {
    const tree: Condition = {
      kind: 'and',
      conditions: [
        { kind: 'date', field: 'created_at', op: 'in_last_days', days: 30 },
        { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1, days: 7 },
      ],
    };
    const at = (instant: string) => JSON.stringify(compileToElasticsearch(tree, { now: new Date(instant) }));
    expect(at('2026-03-31T00:00:00.000Z')).toBe(at('2026-03-31T23:59:59.999Z'));
    expect(at('2026-03-31T23:59:59.999Z')).not.toBe(at('2026-04-01T00:00:00.000Z'));
    expect(at('2026-04-01T00:00:00.000Z')).toContain('2026-03-02T00:00:00.000Z');
    expect(JSON.stringify(compileToElasticsearch(tree))).not.toContain('now');
  });

  test('calendar months clamp to the end of a shorter month, as Java and Postgres do', () => {
    const back = (instant: string, months: number) =>
      compileToElasticsearch({ kind: 'date', field: 'created_at', op: 'in_last_days', months }, { now: new Date(instant) });
    expect(back('2024-03-31T12:00:00Z', 1)).toEqual({ range: { created_at: { gte: '2024-02-29T00:00:00.000Z' } } });
    expect(back('2026-03-31T12:00:00Z', 1)).toEqual({ range: { created_at: { gte: '2026-02-28T00:00:00.000Z' } } });
    expect(back('2026-01-15T12:00:00Z', 2)).toEqual({ range: { created_at: { gte: '2025-11-15T00:00:00.000Z' } } });
  });

  test('saved segment references must be expanded first', () => {
    expect(() => compileToElasticsearch({ kind: 'segment', segmentId: T1 })).toThrow('expanded');
    expect(() => compileToSql({ kind: 'segment', segmentId: T1 })).toThrow('expanded');
  });

  test('wildcard escaping', () => {
    expect(escapeWildcard('a\\b*c?d')).toBe('a\\\\b\\*c\\?d');
  });
});

describe('SQL compiler', () => {
  const hostile = fc.oneof(fc.string(), fc.constantFrom("'; drop table contacts; --", '$1', '%_\\', "O'Brien"));
  const trees = fc.oneof(
    hostile.map((v) => ({ kind: 'text', field: 'city', op: 'eq', values: [v] }) as Condition),
    hostile.map((v) => ({ kind: 'text', field: 'first_name', op: 'contains', values: [v] }) as Condition),
    hostile.map((v) => ({ kind: 'custom', key: 'plan', type: 'string', op: 'starts_with', values: [v] }) as Condition),
    hostile.map((v) => ({ kind: 'tag', op: 'any', tags: [v] }) as Condition),
  );

  test('values only ever travel as parameters, numbered in order after the given ones', () => {
    fc.assert(
      fc.property(trees, (tree) => {
        const { sql, params } = compileToSql(tree, ['ws']);
        const placeholders = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
        expect(Math.max(...placeholders)).toBe(params.length);
        expect(params[0]).toBe('ws');
        const value = (tree as { values?: string[]; tags?: string[] }).values?.[0] ?? (tree as { tags: string[] }).tags[0]!;
        expect(JSON.stringify(params)).toContain(JSON.stringify(value));
        // The text does not depend on the value at all: another value gives the very same SQL.
        // (Searching the text for the value would trip on values like "name" inside "first_name".)
        const other = 'tags' in tree ? { ...tree, tags: [`${value}x`] } : { ...tree, values: [`${value}x`] };
        expect(compileToSql(other as Condition, ['ws']).sql).toBe(sql);
      }),
    );
  });

  test.each<[string, Condition, string, unknown[]]>([
    [
      'subscription has',
      { kind: 'subscription', op: 'has', categories: ['newsletter'] },
      'coalesce(c.subscription_categories && $1::text[], false)',
      [['newsletter']],
    ],
    ['subscription any', { kind: 'subscription', op: 'any', categories: ['a', 'b'] }, 'coalesce(c.subscription_categories && $1::text[], false)', [['a', 'b']]],
    ['subscription all', { kind: 'subscription', op: 'all', categories: ['a', 'b'] }, 'coalesce(c.subscription_categories @> $1::text[], false)', [['a', 'b']]],
    ['subscription none', { kind: 'subscription', op: 'none', categories: ['a'] }, 'coalesce(not (c.subscription_categories && $1::text[]), false)', [['a']]],
  ])('%s', (_name, tree, sql, params) => {
    expect(compileToSql(tree)).toEqual({ sql, params });
  });

  test('engagement windows in calendar months count from midnight UTC, as relative dates', () => {
    const { sql, params } = compileToSql({ kind: 'engagement', channel: 'email', status: 'opened', atLeast: 3, months: 2 });
    expect(sql).toContain('make_interval(months => $3::int)');
    expect(params).toEqual(['email', 'opened', -2, 3]);
  });

  test('a statement is scoped to the workspace and to live contacts', () => {
    const { sql, params } = matchingContactsSql('ws-1', { kind: 'sendable', channel: 'email' });
    expect(sql).toMatch(/^select c\.id from contacts c where c\.workspace_id = \$1 and c\.deleted_at is null and /);
    expect(params).toEqual(['ws-1']);
  });

  test('NOT of a condition on a missing value matches (NULL never leaks out of a leaf)', () => {
    const { sql } = compileToSql({ kind: 'not', condition: { kind: 'number', field: 'email_rating', op: 'gt', values: [5] } });
    expect(sql).toBe('not coalesce(coalesce(c.email_rating > $1::double precision, false), false)');
  });
});

describe('model rules', () => {
  const problemsOf = (tree: unknown) => {
    const checked = checkCondition(tree);
    return 'problems' in checked ? checked.problems : [];
  };

  test.each<[string, unknown, { field: string; rule: string }[]]>([
    ['IN without values', { kind: 'label', key: 'tier', op: 'in', values: [] }, [{ field: 'condition.values', rule: 'must hold 1 to 500 values for in' }]],
    [
      '= with two values',
      { kind: 'text', field: 'city', op: 'eq', values: ['a', 'b'] },
      [{ field: 'condition.values', rule: 'must hold exactly 1 value(s) for eq' }],
    ],
    [
      'EXISTS with a value',
      { kind: 'label', key: 'tier', op: 'exists', values: ['x'] },
      [{ field: 'condition.values', rule: 'must hold exactly 0 value(s) for exists' }],
    ],
    [
      'between reversed',
      { kind: 'number', field: 'email_rating', op: 'between', values: [9, 1] },
      [{ field: 'condition.values', rule: 'between needs the lower bound first' }],
    ],
    [
      'a fractional rating',
      { kind: 'number', field: 'email_rating', op: 'gt', values: [1.5] },
      [{ field: 'condition.values', rule: 'must be whole numbers from 0 to 100 for email_rating' }],
    ],
    [
      'a rating out of range',
      { kind: 'number', field: 'email_rating', op: 'gt', values: [3_000_000_000] },
      [{ field: 'condition.values', rule: 'must be whole numbers from 0 to 100 for email_rating' }],
    ],
    [
      'a date that is not on the calendar',
      { kind: 'date', field: 'created_at', op: 'on', dates: ['2024-02-30'] },
      [{ field: 'condition.dates.0', rule: 'must be a real date like 2026-11-24' }],
    ],
    [
      'a custom date that is not on the calendar',
      { kind: 'custom', key: 'renews', type: 'date', op: 'before', values: ['2024-13-01'] },
      [{ field: 'condition.values', rule: 'must be real dates like 2026-11-24' }],
    ],
    [
      'an infinite number',
      { kind: 'custom', key: 'score', type: 'number', op: 'gt', values: [Infinity] },
      [{ field: 'condition.values.0', rule: expect.any(String) }],
    ],
    [
      'dates on a relative date',
      { kind: 'date', field: 'created_at', op: 'in_last_days', days: 3, dates: ['2026-01-01'] },
      [{ field: 'condition.dates', rule: 'applies only to absolute dates' }],
    ],
    [
      'a relative date without days',
      { kind: 'date', field: 'created_at', op: 'in_last_days' },
      [{ field: 'condition.days', rule: 'in_last_days needs exactly one of days and months' }],
    ],
    [
      'days on an absolute date',
      { kind: 'date', field: 'created_at', op: 'before', dates: ['2026-01-01'], days: 3 },
      [{ field: 'condition.days', rule: 'applies only to relative dates' }],
    ],
    [
      'a phone status that is an email status',
      { kind: 'status', channel: 'phone', op: 'in', statuses: ['unsubscribed'] },
      [{ field: 'condition.statuses.0', rule: `must be one of ${PHONE_STATUSES.join(', ')} (the phone statuses)` }],
    ],
    [
      'contains on a number field',
      { kind: 'custom', key: 'score', type: 'number', op: 'contains', values: ['1'] },
      [
        { field: 'condition.op', rule: 'contains does not apply to a number field' },
        { field: 'condition.values', rule: 'must be numbers for a number field' },
      ],
    ],
    [
      'engagement beyond the kept ranks',
      { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 11, days: 7 },
      [{ field: 'condition.atLeast', rule: 'must be at most 10 (the times kept per channel and status)' }],
    ],
    ['has with two tags', { kind: 'tag', op: 'has', tags: ['a', 'b'] }, [{ field: 'condition.tags', rule: 'must hold exactly one tag for has' }]],
    ['an empty group', { kind: 'and', conditions: [] }, [{ field: 'condition.conditions', rule: 'must hold at least one condition' }]],
    ['an unknown kind', { kind: 'zodiac', sign: 'leo' }, [{ field: 'condition', rule: expect.any(String) }]],
  ])('%s', (_name, tree, problems) => {
    expect(problemsOf(tree)).toEqual(problems);
  });

  // Point 6 of issue 11: the branch is picked by kind, and each rule names the allowed values.
  test.each<[string, unknown, { field: string; rule: string }[]]>([
    [
      'an email status that is none',
      { kind: 'status', channel: 'email', op: 'in', statuses: ['bogus'] },
      [{ field: 'condition.statuses.0', rule: 'must be one of active, unsubscribed, spam_report, blacklisted, unconfirmed (the email statuses)' }],
    ],
    [
      'an unknown kind names the kinds',
      { kind: 'zodiac' },
      [
        {
          field: 'condition',
          rule: `kind must be one of tag, label, text, number, date, status, sendable, custom, engagement, subscription, segment, and, or, not`,
        },
      ],
    ],
    ['no kind at all', { op: 'has' }, [{ field: 'condition', rule: expect.stringMatching(/^needs a kind, which must be one of tag, label, /) }]],
    ['not an object', 'tag:VIP', [{ field: 'condition', rule: expect.stringMatching(/^must be a condition: an object whose kind must be one of tag, /) }]],
    [
      'an unknown operator',
      { kind: 'label', key: 'tier', op: 'like', values: ['a'] },
      [{ field: 'condition.op', rule: 'must be one of eq, neq, in, not_in, exists, not_exists, prefix' }],
    ],
    [
      'an unknown text field',
      { kind: 'text', field: 'forename', op: 'eq', values: ['Ada'] },
      [{ field: 'condition.field', rule: expect.stringMatching(/^must be one of email, phone, first_name, /) }],
    ],
    [
      'a field the kind does not have',
      { kind: 'sendable', channel: 'email', values: [] },
      [{ field: 'condition.values', rule: 'is not a field of a sendable condition (kind, channel)' }],
    ],
    ['a missing field', { kind: 'tag', op: 'has' }, [{ field: 'condition.tags', rule: 'is required' }]],
    ['a wrong type', { kind: 'number', field: 'email_rating', op: 'eq', values: ['5'] }, [{ field: 'condition.values.0', rule: 'must be a number' }]],
    [
      'an unknown engagement channel',
      { kind: 'engagement', channel: 'fax', status: 'opened', atLeast: 1, days: 3 },
      [{ field: 'condition.channel', rule: expect.stringMatching(/^must be one of email, sms, whatsapp, push, web$/) }],
    ],
    [
      'deep in a group, the path leads there',
      {
        kind: 'and',
        conditions: [
          { kind: 'sendable', channel: 'email' },
          { kind: 'not', condition: { kind: 'status', channel: 'email', op: 'in', statuses: ['active', 'nope'] } },
        ],
      },
      [{ field: 'condition.conditions.1.condition.statuses.1', rule: expect.stringMatching(/^must be one of active, /) }],
    ],
    [
      'every problem of every branch',
      {
        kind: 'or',
        conditions: [
          { kind: 'tag', op: 'own', tags: ['a'] },
          { kind: 'sendable', channel: 'fax' },
        ],
      },
      [
        { field: 'condition.conditions.0.op', rule: 'must be one of has, any, all, none' },
        { field: 'condition.conditions.1.channel', rule: 'must be one of email, phone' },
      ],
    ],
    [
      'a group with a stray field',
      { kind: 'and', conditions: [{ kind: 'sendable', channel: 'email' }], condition: {} },
      [{ field: 'condition.condition', rule: 'is not a field of a and condition (kind, conditions)' }],
    ],
    ['a group without its list', { kind: 'or' }, [{ field: 'condition.conditions', rule: 'is required' }]],
    [
      'engagement with both days and months',
      { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1, days: 3, months: 1 },
      [{ field: 'condition.days', rule: 'engagement needs exactly one of days and months' }],
    ],
    [
      'engagement with neither',
      { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1 },
      [{ field: 'condition.days', rule: 'engagement needs exactly one of days and months' }],
    ],
    [
      'engagement over zero months',
      { kind: 'engagement', channel: 'email', status: 'opened', atLeast: 1, months: 0 },
      [{ field: 'condition.months', rule: 'must be at least 1' }],
    ],
    [
      'subscription has with two categories',
      { kind: 'subscription', op: 'has', categories: ['a', 'b'] },
      [{ field: 'condition.categories', rule: 'must hold exactly one category for has' }],
    ],
    [
      'a subscription category outside the alphabet',
      { kind: 'subscription', op: 'any', categories: ['news letter'] },
      [{ field: 'condition.categories.0', rule: 'must be 1-64 letters, digits, "_" or "-"' }],
    ],
    [
      'a label value with a control character',
      { kind: 'label', key: 'utm', op: 'eq', values: ['a\u0007b'] },
      [{ field: 'condition.values.0', rule: 'must not contain control characters' }],
    ],
    [
      'a label value with a C1 control character',
      { kind: 'label', key: 'utm', op: 'eq', values: ['a\u0085'] },
      [{ field: 'condition.values.0', rule: 'must not contain control characters' }],
    ],
    [
      'a label value with a lone surrogate',
      { kind: 'label', key: 'utm', op: 'eq', values: ['a\ud800'] },
      [{ field: 'condition.values.0', rule: 'must not contain a lone UTF-16 surrogate' }],
    ],
    [
      'too many label values',
      { kind: 'label', key: 'k', op: 'in', values: Array.from({ length: 501 }, (_, i) => `v${i}`) },
      [{ field: 'condition.values', rule: 'must hold at most 500 values' }],
    ],
    [
      'dates that are not a list',
      { kind: 'date', field: 'created_at', op: 'on', dates: '2026-01-01' },
      [{ field: 'condition.dates', rule: 'must be an array' }],
    ],
    [
      'a label value with blanks at its edges',
      { kind: 'label', key: 'utm', op: 'eq', values: [' gold'] },
      [{ field: 'condition.values.0', rule: 'must not start or end with white space' }],
    ],
    [
      'a label value past 256 characters',
      { kind: 'label', key: 'utm', op: 'eq', values: ['x'.repeat(257)] },
      [{ field: 'condition.values.0', rule: 'must be at most 256 characters' }],
    ],
    [
      'a label key keeps its alphabet',
      { kind: 'label', key: 'utm source', op: 'exists', values: [] },
      [{ field: 'condition.key', rule: 'letters, digits, "_" and "-" only' }],
    ],
    [
      'a phone that is no phone, in =',
      { kind: 'text', field: 'phone', op: 'eq', values: ['call me'] },
      [{ field: 'condition.values.0', rule: 'phone must be a valid phone number in international format, such as +14155550123 (found "call me")' }],
    ],
    [
      'a phone that is no phone, in IN',
      { kind: 'text', field: 'phone', op: 'in', values: ['+14155550123', '12'] },
      [{ field: 'condition.values.1', rule: 'phone must be a valid phone number in international format, such as +14155550123 (found "12")' }],
    ],
    [
      'a country that is no country code',
      { kind: 'text', field: 'country', op: 'neq', values: ['France'] },
      [{ field: 'condition.values.0', rule: 'country must be an ISO 3166-1 alpha-2 country code such as FR (found "France")' }],
    ],
  ])('precise: %s', (_name, tree, problems) => {
    expect(problemsOf(tree)).toEqual(problems);
  });

  test.each<[string, string[]]>([
    ['/promo', []],
    ['200+', []],
    ['2024-01-15', []],
    ['google.com', []],
    ['a=b "quoted" \\ back', []],
    ['Ünïcödé 🎉 text', []],
    ['inner spaces only', []],
    ['x'.repeat(256), []],
  ])('label value %j is accepted as it is', (value) => {
    const checked = checkCondition({ kind: 'label', key: 'k', op: 'eq', values: [value] });
    expect(checked).toEqual({ tree: { kind: 'label', key: 'k', op: 'eq', values: [value] } });
  });

  test('arbitrary printable label values are accepted; any with a control character is refused', () => {
    // Printable: no character the visible-text rule refuses (controls, format characters such as the zero-width joiner, lone surrogates).
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
      .filter((v) => invisibleTextProblem(v) === undefined && isNfc(v) && v.trim() === v);
    fc.assert(
      fc.property(printable, (value) => {
        expect(checkCondition({ kind: 'label', key: 'k', op: 'in', values: [value] })).toEqual({
          tree: { kind: 'label', key: 'k', op: 'in', values: [value] },
        });
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        printable,
        fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f),
        (value, control) => {
          expect('problems' in checkCondition({ kind: 'label', key: 'k', op: 'eq', values: [value + String.fromCharCode(control)] })).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('raw input nested far deeper than any tree is refused before the schema recurses into it', () => {
    let hostile: unknown = { kind: 'sendable', channel: 'email' };
    for (let i = 0; i < 5000; i++) hostile = { kind: 'not', condition: hostile };
    expect(problemsOf(hostile)).toEqual([{ field: 'condition', rule: `nests deeper than ${SEGMENT_LIMITS.depth} levels` }]);
  });

  test('a tree may hold at most totalValues values in all (each is a query clause)', () => {
    const many = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const tree = { kind: 'or', conditions: Array.from({ length: 7 }, () => ({ kind: 'tag', op: 'all', tags: many })) };
    expect(problemsOf(tree)).toEqual([{ field: 'condition', rule: `holds 2100 values in all; at most ${SEGMENT_LIMITS.totalValues}` }]);
  });

  test('depth and size limits are enforced with the limit in the message', () => {
    let deep: Condition = { kind: 'sendable', channel: 'email' };
    for (let i = 0; i < SEGMENT_LIMITS.depth; i++) deep = { kind: 'not', condition: deep };
    expect(conditionProblems(deep)[0]!.rule).toBe(`nests deeper than ${SEGMENT_LIMITS.depth} levels`);
    const wide: Condition = {
      kind: 'or',
      conditions: Array.from({ length: SEGMENT_LIMITS.conditions }, () => ({ kind: 'sendable', channel: 'email' }) as Condition),
    };
    expect(conditionProblems({ kind: 'and', conditions: [wide, { kind: 'sendable', channel: 'phone' }] })).toEqual([
      { field: 'condition', rule: `holds ${SEGMENT_LIMITS.conditions + 1} conditions; at most ${SEGMENT_LIMITS.conditions}` },
    ]);
  });
});

describe('one spelling: JSON trees may name profile fields as the contact JSON does (point 7 of issue 11)', () => {
  test.each<[string, string]>([
    ['firstName', 'first_name'],
    ['postalCode', 'postal_code'],
  ])('text field %s reads as %s', (typed, model) => {
    expect(checkCondition({ kind: 'text', field: typed, op: 'eq', values: ['x'] })).toEqual({ tree: { kind: 'text', field: model, op: 'eq', values: ['x'] } });
  });
  test('number and date fields too', () => {
    expect(checkCondition({ kind: 'number', field: 'emailRating', op: 'gte', values: [40] })).toEqual({
      tree: { kind: 'number', field: 'email_rating', op: 'gte', values: [40] },
    });
    expect(checkCondition({ kind: 'date', field: 'createdAt', op: 'in_last_days', days: 3 })).toEqual({
      tree: { kind: 'date', field: 'created_at', op: 'in_last_days', days: 3 },
    });
  });
  test('a name that is neither spelling is still refused, naming the allowed ones', () => {
    const result = checkCondition({ kind: 'text', field: 'firstname', op: 'eq', values: ['x'] });
    expect('problems' in result && result.problems[0]!.field).toBe('condition.field');
    expect('problems' in result && result.problems[0]!.rule).toContain('first_name');
  });
});

describe('normalisation like writes (point 8 of issue 11)', () => {
  const checked = (tree: unknown) => {
    const result = checkCondition(tree);
    if ('problems' in result) throw new Error(JSON.stringify(result.problems));
    return result.tree;
  };

  test.each<[string, Condition, Condition]>([
    [
      'emails lower-cased and trimmed for =',
      { kind: 'text', field: 'email', op: 'eq', values: [' Ada@Example.COM '] },
      { kind: 'text', field: 'email', op: 'eq', values: ['ada@example.com'] },
    ],
    [
      'emails for != and IN',
      { kind: 'text', field: 'email', op: 'in', values: ['A@X.io', 'b@x.io'] },
      { kind: 'text', field: 'email', op: 'in', values: ['a@x.io', 'b@x.io'] },
    ],
    [
      'email CONTAINS stays as typed (it ignores case already)',
      { kind: 'text', field: 'email', op: 'contains', values: ['@Example'] },
      { kind: 'text', field: 'email', op: 'contains', values: ['@Example'] },
    ],
    [
      'countries upper-cased',
      { kind: 'text', field: 'country', op: 'in', values: ['fr', 'De'] },
      { kind: 'text', field: 'country', op: 'in', values: ['FR', 'DE'] },
    ],
    [
      'country STARTS WITH stays as typed',
      { kind: 'text', field: 'country', op: 'starts_with', values: ['f'] },
      { kind: 'text', field: 'country', op: 'starts_with', values: ['f'] },
    ],
    [
      'phones to E.164',
      { kind: 'text', field: 'phone', op: 'neq', values: ['+1 (415) 555-0123'] },
      { kind: 'text', field: 'phone', op: 'neq', values: ['+14155550123'] },
    ],
    [
      'phone fragments lose their separators only',
      { kind: 'text', field: 'phone', op: 'starts_with', values: ['+33 6 12'] },
      { kind: 'text', field: 'phone', op: 'starts_with', values: ['+33612'] },
    ],
    [
      'a phone fragment of separators alone stays',
      { kind: 'text', field: 'phone', op: 'contains', values: [' - '] },
      { kind: 'text', field: 'phone', op: 'contains', values: [' - '] },
    ],
    [
      'other fields are untouched',
      { kind: 'text', field: 'city', op: 'eq', values: ['paris '] },
      { kind: 'text', field: 'city', op: 'eq', values: ['paris '] },
    ],
    [
      'inside groups',
      {
        kind: 'not',
        condition: {
          kind: 'or',
          conditions: [
            { kind: 'text', field: 'email', op: 'eq', values: ['X@Y.Z'] },
            { kind: 'sendable', channel: 'email' },
          ],
        },
      },
      {
        kind: 'not',
        condition: {
          kind: 'or',
          conditions: [
            { kind: 'text', field: 'email', op: 'eq', values: ['x@y.z'] },
            { kind: 'sendable', channel: 'email' },
          ],
        },
      },
    ],
  ])('%s', (_name, tree, expected) => {
    expect(checked(tree)).toEqual(expected);
    // The canonical form (what a stored tree goes through before compiling) normalises the same way.
    expect(normalizeCondition(tree)).toEqual(expected);
  });

  test('a stored tree with a value no write could store still compiles, unchanged (it matches nothing)', () => {
    const stored: Condition = { kind: 'text', field: 'phone', op: 'eq', values: ['call me'] };
    expect(normalizeCondition(stored)).toEqual(stored);
  });
});

describe('case folding in memory', () => {
  test.each([
    ['İlker', 'ilker'],
    ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'],
    ['Ådne', 'ådne'],
    ['MiXeD', 'mixed'],
  ])('%s folds to %s, as the index does', (text, folded) => {
    expect(foldCase(text)).toBe(folded);
  });
});

describe('in-memory dates', () => {
  const doc = (created: string) => ({ workspace_id: 'w', contact_id: 'c', version: 1, deleted: false, created_at: created });
  test('months are calendar months, clamped to the month end (3 months before May 31 is Feb 28), as Elasticsearch and Postgres', () => {
    const now = new Date('2026-05-31T15:00:00Z');
    const tree: Condition = { kind: 'date', field: 'created_at', op: 'in_last_days', months: 3 };
    expect(matchesDocument(tree, doc('2026-02-28T00:00:00.000Z'), now)).toBe(true);
    expect(matchesDocument(tree, doc('2026-02-27T23:59:59.999Z'), now)).toBe(false);
    const ahead: Condition = { kind: 'date', field: 'created_at', op: 'in_next_days', months: 1 };
    // Through the end of the day one month ahead: May 31 + 1 month = June 30, so until July 1.
    expect(matchesDocument(ahead, doc('2026-06-30T23:00:00.000Z'), now)).toBe(true);
    expect(matchesDocument(ahead, doc('2026-07-01T00:00:00.000Z'), now)).toBe(false);
  });

  test('days are UTC days: in the last 0 days is today since midnight UTC', () => {
    const now = new Date('2026-11-24T00:30:00Z');
    const today: Condition = { kind: 'date', field: 'created_at', op: 'in_last_days', days: 0 };
    expect(matchesDocument(today, doc('2026-11-24T00:00:00.000Z'), now)).toBe(true);
    expect(matchesDocument(today, doc('2026-11-23T23:59:59.999Z'), now)).toBe(false);
  });
});
