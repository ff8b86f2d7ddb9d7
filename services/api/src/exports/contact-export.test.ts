// The contact file's columns and cells, pure: which names are columns, the default order, and how
// each kind of value becomes a cell that the import reads back unchanged.
import { Readable } from 'node:stream';
import type { ContactSnapshot } from '@segmenter/shared';
import { csvLine, decodeList, STANDARD_COLUMNS } from '../contact-files/contact-csv-format';
import { CsvEvent, mapColumns, readContactCsv, rowToContactWrite } from '../contact-files/contact-csv-reader';
import { checkExportColumns, contactCells, defaultExportColumns, ExportColumn, exportColumnName, exportFileName, parseExportColumn } from './contact-export';

const TAG_PIPE = '11111111-1111-4111-8111-111111111111';
const TAG_COMMA = '22222222-2222-4222-8222-222222222222';
const TAG_FORMULA = '33333333-3333-4333-8333-333333333333';
const TAG_GONE = '44444444-4444-4444-8444-444444444444';
const tagNames = new Map([
  [TAG_PIPE, 'A|B\\C'],
  [TAG_COMMA, 'Smith, Jo'],
  [TAG_FORMULA, '=cmd'],
]);

// JSON.parse, as pg parses jsonb: "__proto__" is an own key, not a prototype change.
const labels = JSON.parse('{"tier":"gold","__proto__":"p1","constructor":"-c1"}') as Record<string, string>;

const full: ContactSnapshot = {
  id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  workspaceId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  email: 'ann@example.com',
  phone: '+14155550101',
  firstName: '=cmd',
  lastName: 'Smith, "Jo"',
  address: { street: '1 Main St\nFlat 2', city: 'Paris', region: 'IDF', postalCode: '75001', country: 'FR' },
  timezone: 'Europe/Paris',
  language: 'fr',
  subscriptionCategories: ['news', 'offers'],
  source: 'import',
  consentAt: '2024-01-02T03:04:05.678Z',
  customFields: { score: 42, vip: true, birthday: '1990-02-03', constructor: 'built' },
  emailStatus: 'unsubscribed',
  phoneStatus: 'blacklisted',
  emailRating: 87,
  tagIds: [TAG_PIPE, TAG_COMMA, TAG_FORMULA],
  labels,
  engagement: {},
  createdAt: '2023-05-06T07:08:09.010Z',
  updatedAt: '2024-05-06T07:08:09.010Z',
  deletedAt: null,
  version: 7,
};

const empty: ContactSnapshot = {
  ...full,
  email: null,
  phone: '+14155550102',
  firstName: null,
  lastName: null,
  address: { street: null, city: null, region: null, postalCode: null, country: null },
  timezone: null,
  language: null,
  subscriptionCategories: [],
  consentAt: null,
  customFields: {},
  emailStatus: 'active',
  phoneStatus: 'active',
  emailRating: null,
  tagIds: [],
  labels: {},
};

const columns = (...names: string[]) => names.map((n) => parseExportColumn(n)!);
const row = (contact: ContactSnapshot, ...names: string[]) => csvLine(contactCells(contact, columns(...names), tagNames));

describe('column names', () => {
  test.each([
    { name: 'id', expected: { kind: 'id' } },
    { name: 'email', expected: { kind: 'standard', column: 'email' } },
    { name: 'postal_code', expected: { kind: 'standard', column: 'postal_code' } },
    { name: 'tags', expected: { kind: 'standard', column: 'tags' } },
    { name: 'label_tier', expected: { kind: 'label', key: 'tier' } },
    { name: 'label___proto__', expected: { kind: 'label', key: '__proto__' } },
    { name: 'label_constructor', expected: { kind: 'label', key: 'constructor' } },
    { name: 'custom_score', expected: { kind: 'custom', key: 'score' } },
    { name: 'custom_constructor', expected: { kind: 'custom', key: 'constructor' } },
  ])('$name is a column', ({ name, expected }) => {
    const column = parseExportColumn(name);
    expect(column).toEqual(expected);
    expect(exportColumnName(column!)).toBe(name);
  });

  test.each([
    'password',
    'constructor',
    '__proto__',
    'toString',
    'firstName',
    'label_',
    'label_a b',
    'custom_',
    'custom_Score',
    'custom___proto__',
    'Email',
    '',
  ])('%j is not a column', (name) => expect(parseExportColumn(name)).toBeUndefined());

  test('the default: id, the standard columns in the format order, label keys, then custom fields, each sorted by code unit', () => {
    const names = defaultExportColumns(['tier', '__proto__', 'Zone', 'constructor', 'tier'], ['score', 'constructor', 'birthday']).map(exportColumnName);
    expect(names).toEqual([
      'id',
      ...Object.keys(STANDARD_COLUMNS),
      'label_Zone',
      'label___proto__',
      'label_constructor',
      'label_tier',
      'custom_birthday',
      'custom_constructor',
      'custom_score',
    ]);
    expect(names.slice(1, 20)).toEqual([
      'email',
      'phone',
      'first_name',
      'last_name',
      'street',
      'city',
      'region',
      'postal_code',
      'country',
      'timezone',
      'language',
      'email_status',
      'phone_status',
      'email_rating',
      'source',
      'consent_at',
      'subscription_categories',
      'created_at',
      'tags',
    ]);
  });

  test('chosen columns keep their order; every bad name is a problem naming its index', () => {
    const defined = new Set(['score']);
    expect(checkExportColumns(['email', 'id', 'custom_score', 'label_tier'], defined, 'body.columns')).toEqual({
      columns: [
        { kind: 'standard', column: 'email' },
        { kind: 'id' },
        { kind: 'custom', key: 'score' },
        { kind: 'label', key: 'tier' },
      ] satisfies ExportColumn[],
    });
    const checked = checkExportColumns(['email', 'password', 'custom_shoe', 'email', 'label_a b'], defined, 'body.columns');
    expect('problems' in checked && checked.problems.map((p) => [p.field, p.rule.split(':')[0]])).toEqual([
      ['body.columns.1', 'is not a column of the contact file'],
      ['body.columns.2', 'names custom field shoe, which is not defined in this workspace'],
      ['body.columns.3', 'repeats column email'],
      ['body.columns.4', 'is not a column of the contact file'],
    ]);
  });

  test('`labels` stands for a column per label key, sorted, leaving out keys also named alone; twice is a repeat', () => {
    const checked = checkExportColumns(['email', 'labels', 'label_tier', 'custom_score'], new Set(['score']), 'body.columns', [
      'utm',
      'tier',
      '__proto__',
      'utm',
    ]);
    expect('columns' in checked && checked.columns.map(exportColumnName)).toEqual(['email', 'label___proto__', 'label_utm', 'label_tier', 'custom_score']);
    expect(checkExportColumns(['labels'], new Set(), 'body.columns', [])).toEqual({ columns: [] });
    const twice = checkExportColumns(['labels', 'labels'], new Set(), 'body.columns', ['a']);
    expect('problems' in twice && twice.problems).toEqual([{ field: 'body.columns.1', rule: 'repeats column labels' }]);
  });
});

describe('cells', () => {
  const cases: { description: string; contact: ContactSnapshot; columns: string[]; expected: string }[] = [
    { description: 'the id', contact: full, columns: ['id'], expected: `${full.id}\r\n` },
    { description: 'an E.164 phone stays plain (not defused)', contact: full, columns: ['phone'], expected: '+14155550101\r\n' },
    { description: 'a formula cell is defused', contact: full, columns: ['first_name'], expected: "'=cmd\r\n" },
    { description: 'quotes and commas are quoted', contact: full, columns: ['last_name'], expected: '"Smith, ""Jo"""\r\n' },
    { description: 'a line break inside a cell is quoted', contact: full, columns: ['street'], expected: '"1 Main St\nFlat 2"\r\n' },
    { description: 'address fields', contact: full, columns: ['city', 'region', 'postal_code', 'country'], expected: 'Paris,IDF,75001,FR\r\n' },
    { description: 'statuses as stored', contact: full, columns: ['email_status', 'phone_status'], expected: 'unsubscribed,blacklisted\r\n' },
    {
      description: 'dates in ISO 8601',
      contact: full,
      columns: ['consent_at', 'created_at'],
      expected: '2024-01-02T03:04:05.678Z,2023-05-06T07:08:09.010Z\r\n',
    },
    { description: 'numbers and enums', contact: full, columns: ['email_rating', 'source', 'timezone', 'language'], expected: '87,import,Europe/Paris,fr\r\n' },
    { description: 'subscription categories as a list', contact: full, columns: ['subscription_categories'], expected: 'news|offers\r\n' },
    {
      description: 'tags by name, sorted, "|" and "\\" escaped, the list quoted for its comma and defused for its leading "="',
      contact: full,
      columns: ['tags'],
      expected: `"'=cmd|A\\|B\\\\C|Smith, Jo"\r\n`,
    },
    {
      description: 'a tag without a name (deleted meanwhile) is left out',
      contact: { ...full, tagIds: [TAG_GONE, TAG_COMMA] },
      columns: ['tags'],
      expected: '"Smith, Jo"\r\n',
    },
    {
      description: 'labels, "__proto__" and "constructor" included, a leading "-" defused',
      contact: full,
      columns: ['label_tier', 'label___proto__', 'label_constructor'],
      expected: "gold,p1,'-c1\r\n",
    },
    {
      description: 'custom fields of every type, "constructor" included',
      contact: full,
      columns: ['custom_score', 'custom_vip', 'custom_birthday', 'custom_constructor'],
      expected: '42,true,1990-02-03,built\r\n',
    },
    {
      description: 'null, absent and empty lists are empty cells; an absent "__proto__" or "constructor" is not the prototype',
      contact: empty,
      columns: [
        'email',
        'first_name',
        'street',
        'country',
        'consent_at',
        'email_rating',
        'subscription_categories',
        'tags',
        'label___proto__',
        'label_constructor',
        'label_tier',
        'custom_constructor',
        'custom_score',
      ],
      expected: ',,,,,,,,,,,,\r\n',
    },
  ];
  test.each(cases)('$description', ({ contact, columns: names, expected }) => expect(row(contact, ...names)).toBe(expected));

  test('every standard column has a cell on a full contact (a column missing from the snapshot would export empty)', () => {
    const names = Object.keys(STANDARD_COLUMNS);
    const cells = contactCells(full, columns(...names), tagNames);
    expect(names.filter((_, i) => cells[i] === null || cells[i] === undefined || cells[i] === '')).toEqual([]);
  });

  test('the tags cell decodes back to the names', () => {
    const [cell] = contactCells({ ...full, tagIds: [TAG_PIPE, TAG_COMMA] }, columns('tags'), tagNames);
    expect(decodeList(cell as string)).toEqual(['A|B\\C', 'Smith, Jo']);
  });
});

test('the file is named after the UTC date', () => {
  expect(exportFileName(new Date('2026-03-04T23:59:59Z'))).toBe('contacts-2026-03-04.csv');
});

describe('round trip through the import', () => {
  test('an exported file reads back, column for column, as the contact it came from', async () => {
    const names = [...defaultExportColumns(Object.keys(labels).concat('Zone'), Object.keys(full.customFields))];
    const contact = { ...full, labels: Object.assign(JSON.parse(JSON.stringify(labels)) as Record<string, string>, { Zone: 'eu' }) };
    const file = csvLine(names.map(exportColumnName)) + csvLine(contactCells(contact, names, tagNames));
    const events: CsvEvent[] = [];
    for await (const event of readContactCsv(Readable.from([file]))) events.push(event);
    const [header, row] = events as [Extract<CsvEvent, { kind: 'header' }>, Extract<CsvEvent, { kind: 'row' }>];
    const mapping = mapColumns(header.headers, { customFieldKeys: new Set(Object.keys(full.customFields)), matchBy: 'email' });
    expect(mapping.problems).toEqual([]);
    expect(mapping.columns.filter((c) => c.target.kind === 'ignored').map((c) => c.header)).toEqual(['id']);
    const result = rowToContactWrite(row.cells, mapping.columns, { matchBy: 'email' });
    expect(result).toEqual({
      ok: true,
      write: {
        email: full.email,
        phone: full.phone,
        firstName: full.firstName,
        lastName: full.lastName,
        address: full.address,
        timezone: full.timezone,
        language: full.language,
        emailStatus: full.emailStatus,
        phoneStatus: full.phoneStatus,
        emailRating: full.emailRating,
        source: full.source,
        consentAt: full.consentAt,
        subscriptionCategories: full.subscriptionCategories,
        createdAt: full.createdAt,
        tags: ['=cmd', 'A|B\\C', 'Smith, Jo'],
        labels: contact.labels,
        // Custom field cells stay text here; the import types them by the workspace's definitions.
        customFields: Object.fromEntries(Object.entries(full.customFields).map(([k, v]) => [k, String(v)])),
      },
    });
    const write = (result as { write: { labels: Record<string, string> } }).write;
    expect(Object.hasOwn(write.labels, '__proto__')).toBe(true);
  });
});
