import { decodeToken, encodeToken, INLINE_TOKEN_LIMIT, newestVersions } from './consistency-token';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('an inline token round-trips the versions and its workspace', () => {
  const token = {
    workspaceId: WS,
    versions: [
      { contactId: id(1), version: 3 },
      { contactId: id(2), version: 17 },
    ],
  };
  const text = encodeToken(token);
  expect(text).toMatch(/^ct1_[A-Za-z0-9_-]+$/);
  expect(decodeToken(text)).toEqual(token);
});

test('a token naming no contact (a write that changed none) round-trips and asks for nothing', () => {
  const token = { workspaceId: '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50', versions: [] };
  expect(decodeToken(encodeToken(token))).toEqual(token);
});

test('a receipt token round-trips', () => {
  const token = { workspaceId: WS, receiptId: '0b9e1a52-58c4-4d3a-9a1e-3f0e2b7c9d11' };
  expect(decodeToken(encodeToken(token))).toEqual(token);
});

test('a hundred contacts fit in a token short enough for a header', () => {
  const versions = Array.from({ length: INLINE_TOKEN_LIMIT }, (_, i) => ({ contactId: id(i), version: 1_000_000 + i }));
  expect(encodeToken({ workspaceId: WS, versions }).length).toBeLessThan(8_000);
});

test.each([
  ['', 'empty'],
  ['ct1_', 'no body'],
  ['ct2_e30', 'another version'],
  ['ct1_!!!', 'not base64url'],
  [`ct1_${Buffer.from('{"w":"x"}').toString('base64url')}`, 'bad workspace'],
  [`ct1_${Buffer.from(JSON.stringify({ w: '7c0e8f4a1b2c4d3e8f9a0b1c2d3e4f50', c: [['00', 1]] })).toString('base64url')}`, 'bad id'],
  [`ct1_${Buffer.from(JSON.stringify({ w: '7c0e8f4a1b2c4d3e8f9a0b1c2d3e4f50', c: [['0'.repeat(32), 0]] })).toString('base64url')}`, 'version 0'],
  [`ct1_${Buffer.from(JSON.stringify({ w: '7c0e8f4a1b2c4d3e8f9a0b1c2d3e4f50', r: 'x', c: [] })).toString('base64url')}`, 'both shapes'],
])('%j (%s) is not a token', (text) => {
  expect(decodeToken(text)).toBeUndefined();
});

test('newestVersions keeps the highest version of each contact, in id order', () => {
  expect(
    newestVersions([
      { contactId: id(2), version: 1 },
      { contactId: id(1), version: 5 },
      { contactId: id(2), version: 4 },
      { contactId: id(1), version: 2 },
    ]),
  ).toEqual([
    { contactId: id(1), version: 5 },
    { contactId: id(2), version: 4 },
  ]);
});
