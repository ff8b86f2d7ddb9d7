import { parseRequestPart } from '../http/validate';
import { ValidationError } from '../errors/app-error';
import { keysOverLimit } from './labels-service';
import { ChangeLabelsRequest } from './label-schemas';

function problems(body: unknown) {
  try {
    parseRequestPart(ChangeLabelsRequest, 'body', body);
  } catch (err) {
    return (err as ValidationError).problems;
  }
  return [];
}

describe('label validation names the offending key', () => {
  test.each([
    [{ set: { tier: 'gold', source: 'facebook_ads-2' } }, []],
    [{ set: { ['k'.repeat(64)]: 'v'.repeat(256) } }, []],
    [{ set: { ['k'.repeat(65)]: 'v' } }, [{ field: `body.set.${'k'.repeat(65)}`, rule: 'key must be at most 64 characters' }]],
    [{ set: { tier: 'v'.repeat(257) } }, [{ field: 'body.set.tier', rule: 'value must be at most 256 characters' }]],
    [{ set: { 'ti er': 'gold' } }, [{ field: 'body.set.ti er', rule: 'key letters, digits, "_" and "-" only' }]],
    // Values are any printable text (issue 11, point 9); control characters are still refused.
    [{ set: { landing_page: '/promo', ltv_bucket: '200+', utm: 'google.com', signup: '2024-01-15', tier: 'gold!' } }, []],
    [{ set: { tier: 'gold\u0007' } }, [{ field: 'body.set.tier', rule: 'value must not contain control characters' }]],
    [{ set: { tier: 'gold\u0085' } }, [{ field: 'body.set.tier', rule: 'value must not contain control characters' }]],
    [{ set: { tier: 'gold\ud800' } }, [{ field: 'body.set.tier', rule: 'value must not contain a lone UTF-16 surrogate' }]],
    [{ set: { tier: 'gold ' } }, [{ field: 'body.set.tier', rule: 'value must not start or end with white space' }]],
    [{ set: { tier: 'gold star' } }, []],
    [{ set: { tier: '' } }, [{ field: 'body.set.tier', rule: 'value must not be empty' }]],
    [{ set: { tier: 5 } }, [{ field: 'body.set.tier', rule: 'value Invalid input: expected string, received number' }]],
    [{ set: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, [{ field: 'body.set', rule: 'must hold at most 50 labels' }]],
    [{}, [{ field: 'body', rule: 'must set or remove at least one label' }]],
    [{ remove: ['a b'] }, [{ field: 'body.remove.0', rule: 'letters, digits, "_" and "-" only' }]],
  ])('%j', (body, expected) => {
    expect(problems(body)).toEqual(expected);
  });
});

describe('keysOverLimit', () => {
  const keys = (n: number) => new Set(Array.from({ length: n }, (_, i) => `k${i}`));
  test.each([
    ['room for all', keys(48), { a: '1', b: '2' }, [], []],
    ['the 51st key does not fit', keys(49), { a: '1', b: '2' }, [], ['b']],
    ['updating an existing key always fits', keys(50), { k3: 'new' }, [], []],
    ['removals make room first', keys(50), { a: '1' }, ['k0'], []],
  ] as const)('%s', (_name, current, set, removing, over) => {
    expect(keysOverLimit(new Set(current), { ...set }, [...removing])).toEqual(over);
  });
});
