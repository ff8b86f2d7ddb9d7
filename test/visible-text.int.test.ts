// Text people cannot see is refused where people read text back: tag names, label values and
// profile text answer 400 naming the field and the rule for control characters, format characters
// (bidi overrides, zero-width characters) and lone surrogates, so two names that look alike can
// never both exist. Issue 12, point 3 (the rule: packages/shared/src/domain/visible-text.ts).
import { useApiHarness } from './support/api-harness';

const t = useApiHarness();

const FORMAT = 'must not contain invisible format characters (bidi controls, zero-width characters, soft hyphens)';
const CONTROL = 'must not contain control characters';
const SURROGATE = 'must not contain a lone UTF-16 surrogate';

/** A request whose body is sent byte for byte as written: `\ud800` stays a JSON escape, as a client may send it. */
const raw = (method: string, path: string, body: string) => t.h.request(method, path, { key: t.ws.key, raw: body });
const tagNames = async () => (await t.h.env.pool.query('select name from tags where workspace_id = $1 order by name', [t.ws.id])).rows.map((r) => r.name);

describe('tag names', () => {
  test.each([
    ['a right-to-left override', '"gpj.\\u202eexe"', FORMAT],
    ['a left-to-right isolate', '"VIP\\u2066"', FORMAT],
    ['a zero-width space', '"V\\u200bIP"', FORMAT],
    ['a zero-width joiner', '"V\\u200dIP"', FORMAT],
    ['a word joiner', '"VIP\\u2060"', FORMAT],
    ['a byte order mark inside', '"V\\ufeffIP"', FORMAT],
    ['a soft hyphen', '"V\\u00adIP"', FORMAT],
    ['a C1 control (NEL)', '"VIP\\u0085"', CONTROL],
    ['a C1 control (CSI)', '"VIP\\u009b"', CONTROL],
    ['DEL', '"VIP\\u007f"', CONTROL],
    ['a lone high surrogate', '"VIP\\ud800"', SURROGATE],
    ['a lone low surrogate', '"VIP\\udc00"', SURROGATE],
  ])('a name with %s is a 400 naming body.name', async (_what, name, rule) => {
    const res = await raw('POST', '/v1/tags', `{"name":${name}}`);
    expect([res.status, res.body.errors]).toEqual([400, [{ field: 'body.name', rule }]]);
  });

  test('two different lone surrogates can no longer become one stored name', async () => {
    // JSON.parse keeps each escape as its own UTF-16 unit; Postgres would store both as U+FFFD.
    expect(JSON.parse('"A\\ud800"')).not.toBe(JSON.parse('"A\\udc00"'));
    const high = await raw('POST', '/v1/tags', '{"name":"A\\ud800"}');
    const low = await raw('POST', '/v1/tags', '{"name":"A\\udc00"}');
    expect([high.status, low.status]).toEqual([400, 400]);
    expect(await tagNames()).not.toContainEqual(expect.stringMatching(/^A/));
  });

  test('bytes that are not UTF-8 (a surrogate encoded as bytes) are refused, not stored as U+FFFD', async () => {
    // The body parser decodes both of these to "A\ufffd\ufffd\ufffd": the same name for two different inputs.
    for (const surrogateBytes of [
      [0xed, 0xa0, 0x80],
      [0xed, 0xb0, 0x80],
    ]) {
      const body = Buffer.concat([Buffer.from('{"name":"B'), Buffer.from(surrogateBytes), Buffer.from('"}')]);
      const res = await fetch(`${t.h.api.url}/v1/tags`, { method: 'POST', headers: { 'x-api-key': t.ws.key, 'content-type': 'application/json' }, body });
      expect([res.status, ((await res.json()) as { errors: unknown }).errors]).toEqual([
        400,
        [{ field: 'body.name', rule: 'must not contain U+FFFD, which stands for bytes that were not valid UTF-8' }],
      ]);
    }
    expect(await tagNames()).not.toContainEqual(expect.stringMatching(/^B/));
  });

  test('a name that looks like an existing one is refused, not a second tag; a rename is checked too', async () => {
    const vip = await raw('POST', '/v1/tags', '{"name":"Gold"}');
    expect(vip.status).toBe(201);
    expect((await raw('POST', '/v1/tags', '{"name":"Go\\u200bld"}')).status).toBe(400);
    const rename = await raw('PATCH', `/v1/tags/${vip.body.id}`, '{"name":"Gold\\u202e"}');
    expect([rename.status, rename.body.errors]).toEqual([400, [{ field: 'body.name', rule: FORMAT }]]);
    expect((await tagNames()).filter((n: string) => n.startsWith('Go'))).toEqual(['Gold']);
  });

  test('visible text of every script, emoji included, is a name', async () => {
    for (const name of ['東京', 'مرحبا', 'Café', 'fans 😀'])
      expect((await t.h.request('POST', '/v1/tags', { key: t.ws.key, body: { name } })).status).toBe(201);
  });
});

describe('label values and profile text', () => {
  test.each([
    ['a label value', (id: string) => [`/v1/contacts/${id}/labels`, '{"set":{"tier":"gold\\u200b"}}'], 'body.set.tier', `value ${FORMAT}`],
    [
      'a label value with a lone surrogate',
      (id: string) => [`/v1/contacts/${id}/labels`, '{"set":{"tier":"gold\\udfff"}}'],
      'body.set.tier',
      `value ${SURROGATE}`,
    ],
    ['a first name', (id: string) => [`/v1/contacts/${id}`, '{"firstName":"Ann\\u202e"}'], 'body.firstName', FORMAT],
    ['a last name', (id: string) => [`/v1/contacts/${id}`, '{"lastName":"Lee\\u0085"}'], 'body.lastName', CONTROL],
    ['a street', (id: string) => [`/v1/contacts/${id}`, '{"address":{"street":"1 Main\\u0001St"}}'], 'body.address.street', CONTROL],
    ['a city', (id: string) => [`/v1/contacts/${id}`, '{"address":{"city":"Pa\\u00adris"}}'], 'body.address.city', FORMAT],
    ['a postal code', (id: string) => [`/v1/contacts/${id}`, '{"address":{"postalCode":"75001\\ud83d"}}'], 'body.address.postalCode', SURROGATE],
  ])('%s with an invisible character is a 400 naming the field, and nothing changes', async (_what, request, field, rule) => {
    const created = await t.h.request('POST', '/v1/contacts', {
      key: t.ws.key,
      body: { email: `${field.replace(/\W/g, '')}-${Date.now()}@example.com`, firstName: 'Ann' },
    });
    const [path, body] = request(created.body.id);
    const res = await raw('PATCH', path!, body!);
    expect([res.status, res.body.errors]).toEqual([400, [{ field, rule }]]);
    const after = await t.h.request('GET', `/v1/contacts/${created.body.id}`, { key: t.ws.key });
    expect(after.body.version).toBe(created.body.version);
  });
});
