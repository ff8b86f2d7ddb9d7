import { parseRequestPart } from '../http/validate';
import { ValidationError } from '../errors/app-error';
import { CreateContactRequest } from './contact-schemas';

const parse = (body: unknown) => parseRequestPart(CreateContactRequest, 'body', body);

function problemsOf(body: unknown) {
  try {
    parse(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a validation error');
}

describe('CreateContactRequest', () => {
  test.each([
    { description: 'email only, normalised to lower case', body: { email: ' Ada@Example.COM ' }, expected: { email: 'ada@example.com' } },
    { description: 'phone only', body: { phone: '+14155550123' }, expected: { phone: '+14155550123' } },
    {
      description: 'names are trimmed',
      body: { email: 'a@b.co', firstName: ' Ada ', lastName: 'Lovelace' },
      expected: { email: 'a@b.co', firstName: 'Ada', lastName: 'Lovelace' },
    },
    {
      description: 'names at the 100 character limit',
      body: { email: 'a@b.co', firstName: 'x'.repeat(100) },
      expected: { email: 'a@b.co', firstName: 'x'.repeat(100) },
    },
    { description: 'a formatted phone, stored as E.164', body: { phone: '+1 (415) 555-0123' }, expected: { phone: '+14155550123' } },
    { description: 'a UK phone with spaces', body: { phone: '+44 20 7183 8750' }, expected: { phone: '+442071838750' } },
    {
      description: 'a full profile',
      body: {
        email: 'a@b.co',
        timezone: 'Europe/Paris',
        language: 'pt-br',
        address: { city: 'Paris', country: 'fr' },
        subscriptionCategories: ['news', 'deals', 'news'],
        emailRating: 0,
        consentAt: '2026-11-24T10:00:00Z',
        source: 'form',
      },
      expected: {
        email: 'a@b.co',
        timezone: 'Europe/Paris',
        language: 'pt-BR',
        address: { city: 'Paris', country: 'FR' },
        subscriptionCategories: ['deals', 'news'],
        emailRating: 0,
        consentAt: '2026-11-24T10:00:00Z',
        source: 'form',
      },
    },
    { description: 'an initial status', body: { email: 'a@b.co', emailStatus: 'unconfirmed' }, expected: { email: 'a@b.co', emailStatus: 'unconfirmed' } },
  ])('accepts $description', ({ body, expected }) => {
    expect(parse(body)).toEqual(expected);
  });

  test.each([
    { description: 'an invalid email', body: { email: 'ada@' }, field: 'body.email', rule: 'must be a valid email address' },
    { description: 'an email over 254 characters', body: { email: `${'a'.repeat(250)}@b.co` }, field: 'body.email', rule: 'must be at most 254 characters' },
    {
      description: 'a phone without a country code',
      body: { phone: '4155550123' },
      field: 'body.phone',
      rule: 'must be a valid phone number in international format, such as +14155550123',
    },
    {
      description: 'a phone too short for its country',
      body: { phone: '+1415555' },
      field: 'body.phone',
      rule: 'must be a valid phone number in international format, such as +14155550123',
    },
    {
      description: 'a phone with an unassigned country code',
      body: { phone: '+999123456789' },
      field: 'body.phone',
      rule: 'must be a valid phone number in international format, such as +14155550123',
    },
    {
      description: 'letters for a phone',
      body: { phone: 'call me' },
      field: 'body.phone',
      rule: 'must be a valid phone number in international format, such as +14155550123',
    },
    {
      description: 'an unknown time zone',
      body: { email: 'a@b.co', timezone: 'Mars/Olympus' },
      field: 'body.timezone',
      rule: 'must be an IANA time zone such as Europe/Paris',
    },
    {
      description: 'a malformed language tag',
      body: { email: 'a@b.co', language: 'english!' },
      field: 'body.language',
      rule: 'must be a BCP 47 language tag such as en or pt-BR',
    },
    {
      description: 'a three-letter country',
      body: { email: 'a@b.co', address: { country: 'FRA' } },
      field: 'body.address.country',
      rule: 'must be an ISO 3166-1 alpha-2 country code such as FR',
    },
    { description: 'a rating of 101', body: { email: 'a@b.co', emailRating: 101 }, field: 'body.emailRating', rule: 'must be at most 100' },
    { description: 'a fractional rating', body: { email: 'a@b.co', emailRating: 5.5 }, field: 'body.emailRating', rule: 'must be a whole number' },
    {
      description: 'an unknown status',
      body: { email: 'a@b.co', emailStatus: 'bounced' },
      field: 'body.emailStatus',
      rule: 'Invalid option: expected one of "active"|"unsubscribed"|"spam_report"|"blacklisted"|"unconfirmed"',
    },
    {
      description: 'a phone status that only email has',
      body: { phone: '+14155550123', phoneStatus: 'unsubscribed' },
      field: 'body.phoneStatus',
      rule: 'Invalid option: expected one of "active"|"opted_out"|"blacklisted"',
    },
    {
      description: 'a consent time without offset',
      body: { email: 'a@b.co', consentAt: '2026-11-24T10:00:00' },
      field: 'body.consentAt',
      rule: 'must be an ISO 8601 date-time with offset',
    },
    {
      description: 'a bad subscription category',
      body: { email: 'a@b.co', subscriptionCategories: ['a b'] },
      field: 'body.subscriptionCategories.0',
      rule: 'must be 1-64 letters, digits, "_" or "-"',
    },
    {
      description: 'a first name of 101 characters',
      body: { email: 'a@b.co', firstName: 'x'.repeat(101) },
      field: 'body.firstName',
      rule: 'must be at most 100 characters',
    },
    { description: 'a blank last name', body: { email: 'a@b.co', lastName: '   ' }, field: 'body.lastName', rule: 'must not be empty' },
    { description: 'neither email nor phone', body: { firstName: 'Ada' }, field: 'body.email', rule: 'a contact needs an email or a phone' },
    { description: 'an unknown field', body: { email: 'a@b.co', nickname: 'x' }, field: 'body', rule: 'Unrecognized key: "nickname"' },
    { description: 'a number for email', body: { email: 42 }, field: 'body.email', rule: 'Invalid input: expected string, received number' },
    { description: 'an array body', body: [], field: 'body', rule: 'Invalid input: expected object, received array' },
  ])('refuses $description, naming $field', ({ body, field, rule }) => {
    expect(problemsOf(body)).toContainEqual({ field, rule });
  });
});

describe('custom field keys follow the custom field key rule, "__proto__" included', () => {
  const KEY_RULE = 'key must start with a lower-case letter and hold at most 64 lower-case letters, digits and "_"';

  test('"constructor" and "prototype" are keys like any other, kept as own keys', () => {
    const parsed = parse({ email: 'a@b.co', customFields: JSON.parse('{"constructor":"c","prototype":1,"plan":null}') });
    expect(Object.entries(parsed.customFields!)).toEqual([
      ['constructor', 'c'],
      ['prototype', 1],
      ['plan', null],
    ]);
  });

  test.each([
    ['"__proto__" (z.record used to drop it silently)', '{"__proto__":"x"}', 'body.customFields.__proto__', KEY_RULE],
    ['an upper-case key', '{"Plan":"x"}', 'body.customFields.Plan', KEY_RULE],
    ['an object value', '{"plan":{"a":1}}', 'body.customFields.plan', 'value must be a string, a number, true or false'],
    [
      'more keys than a workspace may define',
      JSON.stringify(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, 1]))),
      'body.customFields',
      'must hold at most 100 custom fields',
    ],
  ])('refuses %s, naming the key', (_what, customFields, field, rule) => {
    expect(problemsOf({ email: 'a@b.co', customFields: JSON.parse(customFields) })).toEqual([{ field, rule }]);
  });
});

describe('profile text holds only characters people can see', () => {
  test.each([
    [
      'firstName',
      { firstName: 'Ad\u202ea' },
      'body.firstName',
      'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
    ],
    [
      'lastName',
      { lastName: 'Love\u200blace' },
      'body.lastName',
      'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
    ],
    ['a street', { address: { street: '1 Main\tSt' } }, 'body.address.street', 'must not contain control characters'],
    ['a first name (only the street is multi-line)', { firstName: 'Ann\nMarie' }, 'body.firstName', 'must not contain control characters'],
    ['a city', { address: { city: 'Par\u0085is' } }, 'body.address.city', 'must not contain control characters'],
    [
      'a region',
      { address: { region: 'Île\u00ad-de-France' } },
      'body.address.region',
      'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
    ],
    ['a postal code', { address: { postalCode: '75001\ud800' } }, 'body.address.postalCode', 'must not contain a lone UTF-16 surrogate'],
    [
      'a status reason',
      { statusReason: 'asked\u2066' },
      'body.statusReason',
      'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
    ],
    ['a tag name', { tags: ['VIP\u200d'] }, 'body.tags.0', 'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)'],
    [
      'a label value',
      { labels: { tier: 'gold\u2060' } },
      'body.labels.tier',
      'value must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)',
    ],
  ])('refuses invisible characters in %s', (_what, fields, field, rule) => {
    expect(problemsOf({ email: 'a@b.co', ...fields })).toEqual([{ field, rule }]);
  });

  test('a street keeps its line breaks', () => {
    expect(parse({ email: 'a@b.co', address: { street: '1 Main St\nFlat 2' } })).toMatchObject({ address: { street: '1 Main St\nFlat 2' } });
  });

  test('a byte order mark or blank at the edges is trimmed away, as any white space', () => {
    expect(parse({ email: 'a@b.co', firstName: '\ufeffAda ' })).toMatchObject({ firstName: 'Ada' });
  });
});
