import { mergeCustomFields } from './custom-field-values';

const definitions = new Map([
  ['plan', 'string'],
  ['seats', 'number'],
  ['renewal', 'date'],
  ['vip', 'boolean'],
] as const);

describe('mergeCustomFields', () => {
  test.each([
    ['a string', { plan: 'pro' }, { plan: 'pro' }],
    ['a string with line breaks (a note)', { plan: 'pro\nsince May' }, { plan: 'pro\nsince May' }],
    ['a number, zero and negative included', { seats: -0.5 }, { seats: -0.5 }],
    ['a calendar date stays a date', { renewal: '2028-02-29' }, { renewal: '2028-02-29' }],
    ['a date-time becomes UTC ISO', { renewal: '2027-01-31T10:00:00+02:00' }, { renewal: '2027-01-31T08:00:00.000Z' }],
    ['a boolean', { vip: false }, { vip: false }],
    ['null removes the key', { plan: null }, {}],
  ] as const)('accepts %s', (_what, changes, expected) => {
    expect(mergeCustomFields(definitions, { plan: 'basic' }, { ...changes }, 'body.customFields')).toEqual({
      fields: { ...('plan' in changes ? {} : { plan: 'basic' }), ...expected },
    });
  });

  test.each([
    [{ plan: 5 }, 'body.customFields.plan', 'must be a string'],
    [{ plan: 'x'.repeat(1001) }, 'body.customFields.plan', 'must be at most 1000 characters'],
    [{ plan: 'pro\u202e' }, 'body.customFields.plan', expect.stringMatching(/^must not contain/)],
    [{ plan: 'p\u200bro' }, 'body.customFields.plan', expect.stringMatching(/^must not contain/)],
    [{ plan: 'pro\u0007' }, 'body.customFields.plan', 'must not contain control characters'],
    [{ seats: '12' }, 'body.customFields.seats', 'must be a number'],
    [{ vip: 'yes' }, 'body.customFields.vip', 'must be true or false'],
    [{ renewal: '2027-02-29' }, 'body.customFields.renewal', 'must be a real calendar date'],
    [{ renewal: '31/01/2027' }, 'body.customFields.renewal', 'must be an ISO 8601 date (2026-11-24) or date-time (2026-11-24T10:00:00Z)'],
    [{ renewal: true }, 'body.customFields.renewal', 'must be an ISO 8601 date (2026-11-24) or date-time (2026-11-24T10:00:00Z)'],
    [{ colour: 'red' }, 'body.customFields.colour', 'is not a custom field defined in this workspace'],
  ])('refuses %j', (changes, field, rule) => {
    expect(mergeCustomFields(definitions, {}, changes as never, 'body.customFields')).toEqual({ problems: [{ field, rule }] });
  });
});

describe('custom dates hold the years segment dates hold (1000 to 9999)', () => {
  const RULE = 'must be a date in the years 1000 to 9999';
  test.each([
    ['year 0', '0000-01-01', RULE],
    ['year 999', '0999-12-31', RULE],
    ['year 10000 as a date-time', '+010000-01-01T00:00:00Z', 'must be an ISO 8601 date (2026-11-24) or date-time (2026-11-24T10:00:00Z)'],
    ['year 0 as a date-time', '0000-06-01T00:00:00Z', RULE],
    ['a date-time that is year 10000 in UTC', '9999-12-31T23:00:00-02:00', RULE],
  ])('refuses %s', (_what, renewal, rule) => {
    expect(mergeCustomFields(definitions, {}, { renewal }, 'body.customFields')).toEqual({ problems: [{ field: 'body.customFields.renewal', rule }] });
  });

  test.each([
    ['1000-01-01', '1000-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('accepts %s', (renewal, stored) => {
    expect(mergeCustomFields(definitions, {}, { renewal }, 'body.customFields')).toEqual({ fields: { renewal: stored } });
  });
});

test('merging keeps "__proto__", "constructor" and "prototype" already stored as own keys', () => {
  // As pg parses jsonb: JSON.parse makes "__proto__" an own key.
  const current = JSON.parse('{"__proto__":"old","constructor":"c"}');
  const merged = mergeCustomFields(
    new Map([
      ['constructor', 'string'],
      ['prototype', 'number'],
    ] as const),
    current,
    { constructor: null, prototype: 2 },
  );
  expect('fields' in merged && Object.entries(merged.fields)).toEqual([
    ['__proto__', 'old'],
    ['prototype', 2],
  ]);
});
