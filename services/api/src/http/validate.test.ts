// Parsing request parts: problems name the part and the field; path parameters refuse NUL
// (issue 12: `GET /v1/duplicates/email/a%00/contacts` reached Postgres and answered 500).
import { z } from 'zod';
import { ValidationError } from '../errors/app-error';
import { checkRequestPart, parseRequestPart } from './validate';

const ValueParams = z.object({ field: z.enum(['email', 'phone']), value: z.string().min(1) });

describe('checkRequestPart', () => {
  test.each([
    {
      description: 'a NUL in a free-text path parameter',
      part: 'params',
      value: { field: 'email', value: 'a\u0000b' },
      expected: [{ field: 'params.value', rule: 'must not contain the NUL character' }],
    },
    {
      description: 'a parameter breaking its schema',
      part: 'params',
      value: { field: 'fax', value: 'a' },
      expected: [{ field: 'params.field', rule: expect.any(String) }],
    },
  ])('$description is refused naming the field', ({ part, value, expected }) => {
    expect(checkRequestPart(ValueParams, part, value)).toEqual({ ok: false, problems: expected });
  });

  test('parameters without NUL parse as usual', () => {
    expect(parseRequestPart(ValueParams, 'params', { field: 'phone', value: '+14155550100' })).toEqual({ field: 'phone', value: '+14155550100' });
  });

  test('a NUL in a path parameter throws a ValidationError (a 400), not a database error', () => {
    expect(() => parseRequestPart(ValueParams, 'params', { field: 'email', value: '\u0000' })).toThrow(ValidationError);
  });
});
