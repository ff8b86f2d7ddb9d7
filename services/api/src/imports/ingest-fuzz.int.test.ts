// Hostile input on every ingest route (contact writes with tags and labels, batch upsert, bulk
// status, imports and their files, exports): whatever arrives, the answer is never a 5xx, and a
// file that cannot be imported leaves the import in a state that says so.
import fc from 'fast-check';
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';

let h: ApiHarness;
let ws: Workspace;

beforeAll(async () => {
  h = await startApiHarness({ relay: false, jobRunner: true });
  ws = await h.createWorkspace();
  await h.request('POST', '/v1/tags', { key: ws.key, body: { name: 'Known' } });
  await h.request('POST', '/v1/custom-fields', { key: ws.key, body: { key: 'plan', type: 'string' } });
});
afterAll(async () => h?.stop());

/** Keys special to JavaScript and to our schemas, mixed into generated objects. */
const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'email',
    'phone',
    'tags',
    'tagIds',
    'labels',
    'labelsMode',
    'emailStatus',
    'createdAt',
    'customFields',
    'matchBy',
    'contacts',
    'columns',
  ),
  fc.string({ maxLength: 12 }),
);
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('Known', 'a@example.com', '+14155550123', '2999-01-01T00:00:00Z', 'replace', 'gold'),
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;
const contactLike = fc.dictionary(key, value, { maxKeys: 8 }).map((o) => ({ email: 'f@example.com', ...o }));

async function expectNo5xx(method: string, path: string, body: unknown) {
  const res = await h.request(method, path, { key: ws.key, raw: JSON.stringify(body) });
  if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status} to ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
}

test('contact writes never answer 5xx, whatever the body', async () => {
  await fc.assert(
    fc.asyncProperty(contactLike, fc.constantFrom('email', 'phone', 'fax'), async (contact, matchBy) => {
      await expectNo5xx('POST', '/v1/contacts', contact);
      await expectNo5xx('POST', '/v1/contacts/upsert', { matchBy, contact });
      await expectNo5xx('POST', '/v1/contacts/batch-upsert', { matchBy, contacts: [contact, contact, { ...contact, email: 'g@example.com' }] });
    }),
    { numRuns: 150 },
  );
});

test('bulk status, import options and exports never answer 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 6 }), async (body) => {
      await expectNo5xx('POST', '/v1/contacts/bulk-status', body);
      await expectNo5xx('POST', '/v1/imports', body);
      await expectNo5xx('POST', '/v1/exports/contacts', body);
      await expectNo5xx('POST', '/v1/exports/contacts', { segment: body });
    }),
    { numRuns: 150 },
  );
});

const cell = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    '"',
    '""',
    '"a,b"',
    'a\nb',
    '\r\n',
    'Known|Nope',
    '\\|',
    '=1+1',
    "'=x",
    '\u0000',
    '\uFEFF',
    'gold plus',
    '2024-02-30',
    'x@example.com',
    '+33612345678',
  ),
);
const header = fc.constantFrom(
  'email',
  'phone',
  'tags',
  'label_tier',
  'label___proto__',
  'custom_plan',
  'custom_nope',
  'email_status',
  'created_at',
  'first_name',
  '',
  'Email',
  'id',
  '__proto__',
);
const csvFile = fc
  .tuple(
    fc.array(header, { minLength: 0, maxLength: 6 }),
    fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([headers, rows, newline, bom]) => (bom ? '\uFEFF' : '') + [headers, ...rows].map((r) => r.join(',')).join(newline));

test('any file, text or bytes, gets a 2xx or a 4xx, and its import ends in a state that says what happened', async () => {
  const files = fc.oneof(
    csvFile.map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  );
  await fc.assert(
    fc.asyncProperty(files, async (file) => {
      const created = await h.request('POST', '/v1/imports', { key: ws.key, body: {} });
      const sent = await fetch(`${h.api.url}/v1/imports/${created.body.id}/file`, {
        method: 'PUT',
        headers: { 'x-api-key': ws.key, 'content-type': 'text/csv' },
        body: file,
      });
      const answer = await sent.text();
      if (sent.status >= 500) throw new Error(`upload answered ${sent.status}: ${answer} for ${JSON.stringify(file.toString('latin1'))}`);
      const settled = await eventually(
        () => h.request('GET', `/v1/imports/${created.body.id}`, { key: ws.key }),
        (r) => ['awaiting_file', 'succeeded', 'failed'].includes(r.body.status),
        20_000,
      );
      expect(settled.status).toBe(200);
      const rejected = await fetch(`${h.api.url}/v1/imports/${created.body.id}/rejected-rows`, { headers: { 'x-api-key': ws.key } });
      expect(rejected.status).toBe(200);
      await rejected.text();
    }),
    { numRuns: 60 },
  );
});

test('a refused row holding NUL characters is reported, not a failure', async () => {
  const created = await h.request('POST', '/v1/imports', { key: ws.key, body: {} });
  const file = 'email,first_name\na\u0000@example.com,x\nb@example.com,y,too,many\u0000';
  const sent = await fetch(`${h.api.url}/v1/imports/${created.body.id}/file`, {
    method: 'PUT',
    headers: { 'x-api-key': ws.key, 'content-type': 'text/csv' },
    body: file,
  });
  expect(sent.status).toBe(202);
  const done = await eventually(
    () => h.request('GET', `/v1/imports/${created.body.id}`, { key: ws.key }),
    (r) => r.body.status === 'succeeded',
    20_000,
  );
  expect(done.body.progress).toMatchObject({ rowsRead: 2, rejected: 2 });
  const rows = await h.request('GET', `/v1/imports/${created.body.id}/rejections`, { key: ws.key });
  expect(rows.body.items.map((r: { cells: string[] }) => r.cells)).toEqual([
    ['a\uFFFD@example.com', 'x'],
    ['b@example.com', 'y', 'too', 'many\uFFFD'],
  ]);
});

test('hostile ids and routes answer 4xx', async () => {
  for (const path of [
    '/v1/imports/%ZZ',
    '/v1/imports/not-a-uuid',
    '/v1/imports/00000000-0000-0000-0000-000000000000',
    '/v1/imports/00000000-0000-0000-0000-000000000000/rejected-rows',
  ]) {
    const res = await h.request('GET', path, { key: ws.key });
    expect([400, 404]).toContain(res.status);
  }
  for (const encoding of ['gzip', 'deflate', 'br']) {
    const res = await fetch(`${h.api.url}/v1/contacts`, {
      method: 'POST',
      headers: { 'x-api-key': ws.key, 'content-type': 'application/json', 'content-encoding': encoding },
      body: '{"email":"z@example.com"}',
    });
    expect([400, 415]).toContain(res.status);
  }
  const put = await fetch(`${h.api.url}/v1/imports/00000000-0000-0000-0000-000000000000/file`, {
    method: 'PUT',
    headers: { 'x-api-key': ws.key, 'content-type': 'text/csv' },
    body: 'email\na@b.co',
  });
  expect(put.status).toBe(404);
});
