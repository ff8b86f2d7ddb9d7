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
    { description: 'names are trimmed', body: { email: 'a@b.co', firstName: ' Ada ', lastName: 'Lovelace' }, expected: { email: 'a@b.co', firstName: 'Ada', lastName: 'Lovelace' } },
    { description: 'names at the 100 character limit', body: { email: 'a@b.co', firstName: 'x'.repeat(100) }, expected: { email: 'a@b.co', firstName: 'x'.repeat(100) } },
    { description: 'shortest E.164 number', body: { phone: '+1234567' }, expected: { phone: '+1234567' } },
    { description: 'longest E.164 number', body: { phone: '+123456789012345' }, expected: { phone: '+123456789012345' } },
  ])('accepts $description', ({ body, expected }) => {
    expect(parse(body)).toEqual(expected);
  });

  test.each([
    { description: 'an invalid email', body: { email: 'ada@' }, field: 'body.email', rule: 'must be a valid email address' },
    { description: 'an email over 254 characters', body: { email: `${'a'.repeat(250)}@b.co` }, field: 'body.email', rule: 'must be at most 254 characters' },
    { description: 'a phone without +', body: { phone: '14155550123' }, field: 'body.phone', rule: 'must be an E.164 number such as +14155550123' },
    { description: 'a phone with 16 digits', body: { phone: '+1234567890123456' }, field: 'body.phone', rule: 'must be an E.164 number such as +14155550123' },
    { description: 'a phone starting with 0', body: { phone: '+0123456789' }, field: 'body.phone', rule: 'must be an E.164 number such as +14155550123' },
    { description: 'a first name of 101 characters', body: { email: 'a@b.co', firstName: 'x'.repeat(101) }, field: 'body.firstName', rule: 'must be at most 100 characters' },
    { description: 'a blank last name', body: { email: 'a@b.co', lastName: '   ' }, field: 'body.lastName', rule: 'must not be empty' },
    { description: 'neither email nor phone', body: { firstName: 'Ada' }, field: 'body.email', rule: 'a contact needs an email or a phone' },
    { description: 'an unknown field', body: { email: 'a@b.co', nickname: 'x' }, field: 'body', rule: 'Unrecognized key: "nickname"' },
    { description: 'a number for email', body: { email: 42 }, field: 'body.email', rule: 'Invalid input: expected string, received number' },
    { description: 'an array body', body: [], field: 'body', rule: 'Invalid input: expected object, received array' },
  ])('refuses $description, naming $field', ({ body, field, rule }) => {
    expect(problemsOf(body)).toContainEqual({ field, rule });
  });
});
