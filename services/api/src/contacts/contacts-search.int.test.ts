// What `q` on GET /v1/contacts matches, as docs/lists.md tells clients: the form of the term picks
// one field (id exact, email prefix, E.164 phone prefix, name prefix), case-insensitively.
import { useApiHarness } from '../../../../test/support/api-harness';

const t = useApiHarness();

test.each([
  { description: 'an id, in any case, finds that contact', q: (ids: Record<string, string>) => ids.ada!.toUpperCase(), expected: ['ada'] },
  { description: 'an email prefix, in any case', q: () => 'ADA@EX', expected: ['ada'] },
  { description: 'a domain alone finds nothing (addresses do not start with @)', q: () => '@example.com', expected: [] },
  { description: 'a phone prefix with spaces and dots, the + optional', q: () => '33.6 12', expected: ['ada'] },
  { description: 'a phone prefix with the +', q: () => '+1 (415)', expected: ['grace'] },
  { description: 'a national phone form finds nothing', q: () => '06 12', expected: [] },
  { description: 'a first name prefix, in any case', q: () => 'ADA', expected: ['ada', 'adam'] },
  { description: 'a last name prefix', q: () => 'love', expected: ['ada'] },
  { description: 'first and last name with one space', q: () => 'ada lov', expected: ['ada'] },
  { description: 'not the middle of a name', q: () => 'velace', expected: [] },
  { description: '% and _ are plain characters', q: () => 'a%', expected: [] },
  { description: 'punctuation without a digit is no phone: it matches no one', q: () => '-', expected: [] },
  { description: 'parentheses alone match no one either', q: () => '()', expected: [] },
])('$description', async ({ q, expected }) => {
  const ws = await t.h.createWorkspace();
  const people = {
    ada: { email: 'ada@example.com', phone: '+33612345678', firstName: 'Ada', lastName: 'Lovelace' },
    adam: { email: 'adam@other.test', firstName: 'Adam' },
    grace: { email: 'grace@example.com', phone: '+14155550100', firstName: 'Grace', lastName: 'Hopper' },
  };
  const ids: Record<string, string> = {};
  for (const [name, body] of Object.entries(people)) {
    const res = await t.h.request('POST', '/v1/contacts', { key: ws.key, body });
    expect(res.status).toBe(201);
    ids[name] = res.body.id;
  }
  const res = await t.h.request('GET', `/v1/contacts?${new URLSearchParams({ q: q(ids), sort: 'created', order: 'asc' })}`, { key: ws.key });
  expect(res.status).toBe(200);
  expect(res.body.items.map((c: { id: string }) => Object.keys(ids).find((name) => ids[name] === c.id))).toEqual(expected);
});
