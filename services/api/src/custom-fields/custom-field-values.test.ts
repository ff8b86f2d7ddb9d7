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
    ['a number, zero and negative included', { seats: -0.5 }, { seats: -0.5 }],
    ['a calendar date stays a date', { renewal: '2028-02-29' }, { renewal: '2028-02-29' }],
    ['a date-time becomes UTC ISO', { renewal: '2027-01-31T10:00:00+02:00' }, { renewal: '2027-01-31T08:00:00.000Z' }],
    ['a boolean', { vip: false }, { vip: false }],
    ['null removes the key', { plan: null }, {}],
  ] as const)('accepts %s', (_what, changes, expected) => {
    expect(mergeCustomFields(definitions, { plan: 'basic' }, { ...changes }, 'body.customFields')).toEqual({
      fields: { ...(('plan' in changes) ? {} : { plan: 'basic' }), ...expected },
    });
  });

  test.each([
    [{ plan: 5 }, 'body.customFields.plan', 'must be a string'],
    [{ plan: 'x'.repeat(1001) }, 'body.customFields.plan', 'must be at most 1000 characters'],
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
