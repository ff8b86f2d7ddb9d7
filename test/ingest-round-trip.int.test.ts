// An export imports back unchanged: a workspace whose contacts fill every column of the contact
// file with awkward values (separators, quotes, line breaks, formula-leading text, non-ASCII) is
// exported, the file is imported into a new workspace, and that workspace exports the same file.
// The tests run in order: the last two check the import the third one runs.
import { parse } from 'csv-parse/sync';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { expectSearchIndexConverges } from './support/search-index-equality';
import { eventually } from './support/test-environment';

let h: ApiHarness;
let source: Workspace;
let target: Workspace;

const CUSTOM_FIELDS = [
  { key: 'plan', type: 'string' },
  { key: 'seats', type: 'number' },
  { key: 'renews', type: 'date' },
  { key: 'vip', type: 'boolean' },
] as const;

/** Sorted by code unit, `=SUM(1,2)` comes first, so a contact holding it starts its tags cell with `=`. */
const FORMULA_TAG = '=SUM(1,2)';
const TAGS = ['A|B', 'Smith, Jo', 'say "hi"', FORMULA_TAG, 'back\\slash', 'trailing\\', 'Café Ünïcödé', '日本語', 'Ελληνικά'];

/** Every column, every awkward value; all have an email, since the import matches by email. */
const CONTACTS = [
  {
    email: 'ann@example.com',
    phone: '+14155550101',
    firstName: 'Ann, "Annie"',
    lastName: '-Dash',
    address: { street: '1 Main St, Apt "4"', city: 'Zürich', region: 'ZH', postalCode: '8001', country: 'CH' },
    timezone: 'Europe/Zurich',
    language: 'de-CH',
    emailStatus: 'unsubscribed',
    phoneStatus: 'blacklisted',
    emailRating: 87,
    source: 'form',
    consentAt: '2024-01-02T03:04:05.678Z',
    subscriptionCategories: ['news', 'offers'],
    createdAt: '2019-05-01T10:20:30.123Z',
    tags: TAGS,
    labels: { tier: 'gold', code: '-neg', region_code: 'emea' },
    customFields: { plan: '=HYPERLINK("http://x")', seats: -3.5, renews: '2025-12-31', vip: true },
  },
  {
    email: 'bob@example.com',
    phone: '+442071838750',
    firstName: 'Bob',
    lastName: 'O\'Neil "Bob"',
    // Line breaks live in the street, the one multi-line profile field (docs: text people cannot see).
    address: { street: 'Line\nBreak', city: 'Αθήνα', country: 'GR' },
    timezone: 'Europe/Athens',
    language: 'el',
    emailStatus: 'blacklisted',
    emailRating: 0,
    source: 'order',
    createdAt: '2020-02-29T00:00:00.000Z',
    tags: [FORMULA_TAG],
    labels: { tier: 'silver' },
    customFields: { plan: '+not a phone', seats: 12, renews: '2024-06-01T12:00:00.000Z', vip: false },
  },
  {
    email: 'cy@example.com',
    firstName: 'Cy',
    address: { street: '2 Rue\r\nBis' },
    lastName: '@handle',
    language: 'pt-BR',
    subscriptionCategories: ['news'],
    source: 'integration',
    createdAt: '2021-07-04T18:00:00.000Z',
    tags: ['back\\slash', '日本語'],
    labels: { code: '-', tier: 'gold' },
    customFields: { plan: 'plain', seats: 0 },
  },
  { email: 'dee@example.com', createdAt: '2022-01-01T00:00:00.000Z' },
];

/** Every live contact of a workspace, with tag names instead of the workspace's own tag ids. */
async function contactsOf(ws: Workspace) {
  const tags = await h.request('GET', '/v1/tags', { key: ws.key });
  const nameOf = new Map<string, string>(tags.body.items.map((t: { id: string; name: string }) => [t.id, t.name]));
  const list = await h.request('GET', '/v1/contacts?limit=500', { key: ws.key });
  expect(list.body.nextCursor).toBeNull();
  return (list.body.items as any[])
    .map(({ id: _id, tagIds, updatedAt: _updatedAt, version: _version, ...contact }) => ({
      ...contact,
      tags: tagIds.map((id: string) => nameOf.get(id)).sort(),
    }))
    .sort((a, b) => (a.email < b.email ? -1 : 1));
}

async function exportCsv(ws: Workspace, body: unknown): Promise<string> {
  const res = await fetch(`${h.api.url}/v1/exports/contacts`, {
    method: 'POST',
    headers: { 'x-api-key': ws.key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8']);
  return res.text();
}

/** The file as a header and data rows without the `id` column, rows sorted by email. */
function withoutIds(csv: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(csv) as string[][];
  const idAt = header!.indexOf('id');
  expect(idAt).toBe(0);
  const emailAt = header!.indexOf('email');
  const drop = (r: string[]) => r.filter((_, i) => i !== idAt);
  return { header: drop(header!), rows: rows.sort((a, b) => (a[emailAt]! < b[emailAt]! ? -1 : 1)).map(drop) };
}

/** Each data row as { header: cell }, by email. */
function recordsByEmail(csv: string): Record<string, Record<string, string>> {
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  return Object.fromEntries(records.map((r) => [r.email!, r]));
}

async function importCsv(ws: Workspace, file: string, options: Record<string, unknown>) {
  const created = await h.request('POST', '/v1/imports', { key: ws.key, body: options });
  expect(created.status).toBe(201);
  const sent = await fetch(`${h.api.url}/v1/imports/${created.body.id}/file`, {
    method: 'PUT',
    headers: { 'x-api-key': ws.key, 'content-type': 'text/csv' },
    body: file,
  });
  expect(sent.status).toBe(202);
  const done = await eventually(
    () => h.request('GET', `/v1/imports/${created.body.id}`, { key: ws.key }),
    (r) => ['succeeded', 'failed', 'cancelled'].includes(r.body.status),
    60_000,
  );
  return done.body;
}

async function defineCustomFields(ws: Workspace) {
  for (const field of CUSTOM_FIELDS) expect((await h.request('POST', '/v1/custom-fields', { key: ws.key, body: field })).status).toBe(201);
}

beforeAll(async () => {
  h = await startApiHarness({ relay: true, indexer: true, jobRunner: true });
  source = await h.createWorkspace();
  target = await h.createWorkspace();
  await defineCustomFields(source);
  await defineCustomFields(target);
  for (const contact of CONTACTS) {
    const res = await h.request('POST', '/v1/contacts', { key: source.key, body: { ...contact, createMissing: true } });
    if (res.status !== 201) throw new Error(`creating ${contact.email}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await expectSearchIndexConverges(h.env, source.id);
});
afterAll(async () => h?.stop());

test('the source workspace holds the contacts as written', async () => {
  const contacts = await contactsOf(source);
  expect(contacts.map((c) => [c.email, c.firstName, c.lastName, c.tags, c.labels, c.customFields, c.createdAt])).toEqual(
    CONTACTS.map((c) => [c.email, c.firstName ?? null, c.lastName ?? null, [...(c.tags ?? [])].sort(), c.labels ?? {}, c.customFields ?? {}, c.createdAt]),
  );
});

test('a segment matching everyone and the unfiltered search export the same rows', async () => {
  const bySegment = withoutIds(await exportCsv(source, { segment: { text: 'created IS NOT EMPTY' } }));
  const bySearch = withoutIds(await exportCsv(source, { search: {} }));
  expect(bySegment.rows).toHaveLength(CONTACTS.length);
  expect(bySearch).toEqual(bySegment);
});

test('the export imports into a new workspace with nothing rejected, and exports back the same file', async () => {
  const exported = await exportCsv(source, { segment: { text: 'created IS NOT EMPTY' } });

  // Formula-leading cells are defused in the file, so a spreadsheet shows them as text; an E.164
  // phone is not a formula and is left alone.
  const cells = recordsByEmail(exported);
  expect(cells['ann@example.com']).toMatchObject({
    phone: '+14155550101',
    last_name: "'-Dash",
    tags: '\'=SUM(1,2)|A\\|B|Café Ünïcödé|Smith, Jo|back\\\\slash|say "hi"|trailing\\\\|Ελληνικά|日本語',
    label_code: "'-neg",
    custom_plan: `'=HYPERLINK("http://x")`,
    custom_seats: "'-3.5",
  });
  expect(cells['bob@example.com']).toMatchObject({ tags: "'=SUM(1,2)", custom_plan: "'+not a phone" });
  expect(cells['cy@example.com']).toMatchObject({ last_name: "'@handle", label_code: "'-" });
  expect(exported).toContain(`,"'=SUM(1,2)|A\\|B|Café Ünïcödé|Smith, Jo|`);
  expect(exported).toContain(",'-Dash,");

  const done = await importCsv(target, exported, { createMissingTags: true });
  expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
  expect(done.progress).toMatchObject({ rowsRead: CONTACTS.length, created: CONTACTS.length, rejected: 0, indexed: CONTACTS.length });
  await expectSearchIndexConverges(h.env, target.id);

  const reexported = await exportCsv(target, { segment: { text: 'created IS NOT EMPTY' } });
  expect(withoutIds(reexported)).toEqual(withoutIds(exported));
  expect(withoutIds(await exportCsv(target, { search: {} }))).toEqual(withoutIds(exported));
});

test('every contact comes back exactly: tags by name, labels, custom fields, statuses and created dates, the defused values restored', async () => {
  const imported = await contactsOf(target);
  expect(imported).toEqual(await contactsOf(source));
  const ann = imported.find((c) => c.email === 'ann@example.com');
  expect(ann).toMatchObject({
    lastName: '-Dash',
    tags: [...TAGS].sort(),
    labels: { tier: 'gold', code: '-neg', region_code: 'emea' },
    customFields: { plan: '=HYPERLINK("http://x")', seats: -3.5, renews: '2025-12-31', vip: true },
    emailStatus: 'unsubscribed',
    phoneStatus: 'blacklisted',
    createdAt: '2019-05-01T10:20:30.123Z',
  });
  expect(imported.find((c) => c.email === 'cy@example.com')).toMatchObject({
    firstName: 'Cy',
    address: { street: '2 Rue\r\nBis' },
    lastName: '@handle',
    labels: { code: '-', tier: 'gold' },
  });
});
