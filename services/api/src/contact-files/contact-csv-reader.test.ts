// Specification of the CSV import's pure layer: header mapping, row to contact write, the
// streaming reader, the rejected-rows file and the template, down to a 10,000-row file.
import { Readable } from 'node:stream';
import { AppError } from '../errors/app-error';
import { STANDARD_COLUMNS, type StandardColumn } from './contact-csv-format';
import {
  type ColumnMapping,
  type ColumnTarget,
  coerceCustomFieldCell,
  CsvFormatError,
  type CsvEvent,
  type CsvReadOptions,
  HEADER_ALIASES,
  importTemplateCsv,
  mapColumns,
  normaliseCsvTimestamp,
  readContactCsv,
  rejectedRowLine,
  rejectedRowsHeader,
  type RowOptions,
  type RowProblem,
  rowToContactWrite,
} from './contact-csv-reader';

const customFieldKeys = new Set(['plan', 'seats', 'renewal_date', 'constructor', 'prototype', 'email']);
const field = (column: StandardColumn): ColumnTarget => ({ kind: 'field', column });
const targetOf = (header: string, options: Partial<Parameters<typeof mapColumns>[1]> = {}) =>
  mapColumns(['email', header], { customFieldKeys, ...options }).columns[1]!.target;

describe('mapColumns: automatic targets by header', () => {
  test.each([
    // standard names, in the spellings people and tools write them
    ['email', field('email')],
    ['Email', field('email')],
    ['  EMAIL  ', field('email')],
    ['\uFEFFphone', field('phone')],
    ['first_name', field('first_name')],
    ['First Name', field('first_name')],
    ['firstName', field('first_name')],
    ['FirstName', field('first_name')],
    ['first-name', field('first_name')],
    ['postalCode', field('postal_code')],
    ['ZIPCode', field('postal_code')],
    ['emailStatus', field('email_status')],
    ['Email Rating', field('email_rating')],
    ['subscription.categories', field('subscription_categories')],
    ['createdAt', field('created_at')],
    // the aliases real files use
    ['e-mail', field('email')],
    ['E-Mail', field('email')],
    ['email_address', field('email')],
    ['Email Address', field('email')],
    ['mail', field('email')],
    ['phone_number', field('phone')],
    ['Phone Number', field('phone')],
    ['mobile', field('phone')],
    ['mobile_phone', field('phone')],
    ['cell', field('phone')],
    ['telephone', field('phone')],
    ['sms', field('phone')],
    ['firstname', field('first_name')],
    ['first', field('first_name')],
    ['given_name', field('first_name')],
    ['lastname', field('last_name')],
    ['last', field('last_name')],
    ['surname', field('last_name')],
    ['family_name', field('last_name')],
    ['Family Name', field('last_name')],
    ['zip', field('postal_code')],
    ['zip_code', field('postal_code')],
    ['postcode', field('postal_code')],
    ['state', field('region')],
    ['province', field('region')],
    ['address', field('street')],
    ['address_line_1', field('street')],
    ['Address Line 1', field('street')],
    ['addressLine1', field('street')],
    ['address.city', field('city')],
    ['address.postalCode', field('postal_code')],
    ['lang', field('language')],
    ['locale', field('language')],
    ['tz', field('timezone')],
    ['time_zone', field('timezone')],
    ['Time Zone', field('timezone')],
    ['tag', field('tags')],
    ['tag_list', field('tags')],
    ['created', field('created_at')],
    ['created_date', field('created_at')],
    ['signup_date', field('created_at')],
    ['Sign-up date', field('created_at')],
    ['date_added', field('created_at')],
    ['Date Added', field('created_at')],
    ['consent', field('consent_at')],
    ['consent_date', field('consent_at')],
    ['opt_in_date', field('consent_at')],
    ['Opt-in Date', field('consent_at')],
    ['rating', field('email_rating')],
    ['categories', field('subscription_categories')],
    // labels keep the key's case: labels are case-sensitive
    ['label_tier', { kind: 'label', key: 'tier' }],
    ['label_Tier', { kind: 'label', key: 'Tier' }],
    ['LABEL_VIP-level', { kind: 'label', key: 'VIP-level' }],
    ['label:tier', { kind: 'label', key: 'tier' }],
    ['Label: tier', { kind: 'label', key: 'tier' }],
    ['label___proto__', { kind: 'label', key: '__proto__' }],
    ['label_constructor', { kind: 'label', key: 'constructor' }],
    ['label_prototype', { kind: 'label', key: 'prototype' }],
    // custom fields: by prefix, or by a header equal to a defined key
    ['custom_plan', { kind: 'custom', key: 'plan' }],
    ['custom:plan', { kind: 'custom', key: 'plan' }],
    ['Custom_Plan', { kind: 'custom', key: 'plan' }],
    ['custom:Renewal Date', { kind: 'custom', key: 'renewal_date' }],
    ['plan', { kind: 'custom', key: 'plan' }],
    ['Seats', { kind: 'custom', key: 'seats' }],
    ['constructor', { kind: 'custom', key: 'constructor' }],
    ['custom_constructor', { kind: 'custom', key: 'constructor' }],
    ['custom_prototype', { kind: 'custom', key: 'prototype' }],
    // unknown headers, including names special to JavaScript objects
    ['favourite colour', { kind: 'ignored', reason: 'unknown column' }],
    ['__proto__', { kind: 'ignored', reason: 'unknown column' }],
    ['toString', { kind: 'ignored', reason: 'unknown column' }],
    ['hasOwnProperty', { kind: 'ignored', reason: 'unknown column' }],
    ['status', { kind: 'ignored', reason: 'unknown column' }],
  ] as [string, ColumnTarget][])('%j -> %j', (header, target) => {
    expect(targetOf(header)).toEqual(target);
  });

  test('a standard name wins over a custom field of the same key', () => {
    expect(mapColumns(['Email'], { customFieldKeys }).columns[0]!.target).toEqual(field('email'));
  });

  test.each(['id', 'updated_at', 'Updated At', 'deleted_at', 'version', 'row', 'error'])('export-only column %j is ignored with its reason', (header) => {
    const result = mapColumns(['email', header], { customFieldKeys });
    expect(result.problems).toEqual([]);
    expect(result.columns[1]!.target).toMatchObject({ kind: 'ignored' });
    expect((result.columns[1]!.target as { reason: string }).reason).not.toBe('unknown column');
  });

  test('every listed alias maps to its own column, and no two columns share a spelling', () => {
    for (const [column, aliases] of Object.entries(HEADER_ALIASES)) {
      for (const alias of aliases) expect([alias, targetOf(alias)]).toEqual([alias, field(column as StandardColumn)]);
    }
  });

  test('columns keep their position and the header as written, without BOM and blanks', () => {
    expect(mapColumns(['\uFEFFE-mail ', 'label_tier', 'Notes'], { customFieldKeys })).toEqual({
      columns: [
        { index: 0, header: 'E-mail', target: field('email') },
        { index: 1, header: 'label_tier', target: { kind: 'label', key: 'tier' } },
        { index: 2, header: 'Notes', target: { kind: 'ignored', reason: 'unknown column' } },
      ],
      problems: [],
    });
  });
});

describe('mapColumns: overrides', () => {
  test.each([
    ['a header to a standard column', ['E-post', 'Telefon'], { 'E-post': 'email', Telefon: 'phone' }, [field('email'), field('phone')]],
    ['a header to a label, key case kept', ['email', 'Segment'], { Segment: 'label:Segment' }, [field('email'), { kind: 'label', key: 'Segment' }]],
    ['a header to a custom field', ['email', 'Plan typ'], { 'Plan typ': 'custom:plan' }, [field('email'), { kind: 'custom', key: 'plan' }]],
    [
      'null skips a column the header would map',
      ['email', 'phone'],
      { phone: null },
      [field('email'), { kind: 'ignored', reason: 'skipped by the column mapping' }],
    ],
    [
      'an override beats the header',
      ['email', 'Contact'],
      { email: null, Contact: 'email' },
      [{ kind: 'ignored', reason: 'skipped by the column mapping' }, field('email')],
    ],
    ['a header named __proto__', ['__proto__', 'x'], JSON.parse('{"__proto__": "email"}'), [field('email'), { kind: 'ignored', reason: 'unknown column' }]],
    ['a header named constructor', ['email', 'constructor'], { constructor: 'label:constructor' }, [field('email'), { kind: 'label', key: 'constructor' }]],
  ] as [string, string[], Record<string, string | null>, ColumnTarget[]][])('%s', (_what, headers, overrides, targets) => {
    const result = mapColumns(headers, { customFieldKeys, overrides });
    expect(result.problems).toEqual([]);
    expect(result.columns.map((c) => c.target)).toEqual(targets);
  });

  const allowedTargets = expect.stringMatching(
    /^must be a standard column \(email, phone, first_name, .*\), "label:<key>", "custom:<key>" or null to skip the column$/,
  );
  test.each([
    ['a header absent from the file', { Phone: 'phone' }, [{ field: 'columns.Phone', rule: 'is not a column of this file' }]],
    ['an unknown target', { name: 'full_name' }, [{ field: 'columns.name', rule: allowedTargets }]],
    ['an alias is not a target', { name: 'mobile' }, [{ field: 'columns.name', rule: allowedTargets }]],
    ['a target that is not a string', { name: 5 }, [{ field: 'columns.name', rule: allowedTargets }]],
    ['an invalid label key', { name: 'label:full name' }, [{ field: 'columns.name', rule: 'label key letters, digits, "_" and "-" only' }]],
    [
      'an undefined custom field',
      { name: 'custom:nickname' },
      [{ field: 'columns.name', rule: 'custom field "nickname" is not defined in this workspace: define it first, or map this column to null' }],
    ],
  ])('refuses %s', (_what, overrides, problems) => {
    expect(mapColumns(['email', 'name'], { customFieldKeys, overrides: overrides as never }).problems).toEqual(problems);
  });
});

describe('mapColumns: problems with the header', () => {
  test.each([
    ['no header at all', [], [{ field: 'header', rule: 'the file has no header row' }]],
    ['only empty header cells', ['', ' ', '\uFEFF'], [{ field: 'header', rule: 'the file has no header row' }]],
    [
      'an empty header cell between named ones',
      ['email', '', 'phone'],
      [{ field: 'header.2', rule: 'has no name, but columns after it do: name it, or delete the column' }],
    ],
    ['a duplicate header', ['email', 'Email'], [{ field: 'header.2', rule: 'columns 1 and 2 both map to email: keep one, or map one to null' }]],
    [
      'two aliases of one column',
      ['phone', 'e-mail', 'first', 'mail'],
      [{ field: 'header.4', rule: 'columns 2 and 4 both map to email: keep one, or map one to null' }],
    ],
    [
      'a duplicate label column',
      ['email', 'label_tier', 'label_tier'],
      [{ field: 'header.3', rule: 'columns 2 and 3 both map to label "tier": keep one, or map one to null' }],
    ],
    [
      'a custom field by prefix and by name',
      ['email', 'custom_plan', 'Plan'],
      [{ field: 'header.3', rule: 'columns 2 and 3 both map to custom field "plan": keep one, or map one to null' }],
    ],
    ['neither email nor phone', ['first_name', 'last_name'], [{ field: 'header', rule: 'the file needs an email or a phone column' }]],
    ['an invalid label key', ['email', 'label_full name'], [{ field: 'header.2', rule: 'label key letters, digits, "_" and "-" only' }]],
    ['an empty label key', ['email', 'label_'], [{ field: 'header.2', rule: 'label key must not be empty' }]],
    ['a NUL character in a header', ['email', 'no\u0000tes'], [{ field: 'header.2', rule: 'must not contain the NUL character' }]],
    [
      'an undefined custom field',
      ['email', 'custom_nickname'],
      [{ field: 'header.2', rule: 'custom field "nickname" is not defined in this workspace: define it first, or map this column to null' }],
    ],
    [
      'an invalid custom field key',
      ['email', 'custom___proto__'],
      [{ field: 'header.2', rule: 'custom field key must start with a lower-case letter and hold at most 64 lower-case letters, digits and "_"' }],
    ],
  ])('%s', (_what, headers, problems) => {
    expect(mapColumns(headers, { customFieldKeys }).problems).toEqual(problems);
  });

  test.each([
    ['trailing empty header cells are ignored, not refused', ['email', 'phone', '', ' ']],
    ['labels differing in case are two labels', ['email', 'label_tier', 'label_Tier']],
    ['a phone column alone is enough', ['mobile', 'name']],
  ])('%s', (_what, headers) => {
    expect(mapColumns(headers, { customFieldKeys }).problems).toEqual([]);
  });

  test('trailing empty header cells are listed as ignored', () => {
    expect(mapColumns(['email', ''], { customFieldKeys }).columns[1]).toEqual({ index: 1, header: '', target: { kind: 'ignored', reason: 'no header' } });
  });

  test.each([
    ['phone', ['email'], [{ field: 'header', rule: 'the file needs a phone column to match contacts by phone' }]],
    ['email', ['phone'], [{ field: 'header', rule: 'the file needs an email column to match contacts by email' }]],
    ['phone', ['mobile'], []],
  ] as const)('matching by %s needs its column: %j', (matchBy, headers, problems) => {
    expect(mapColumns(headers, { customFieldKeys, matchBy }).problems).toEqual(problems);
  });
});

describe('normaliseCsvTimestamp', () => {
  test.each([
    ['2024-05-01T09:30:00Z', '2024-05-01T09:30:00Z'],
    ['2024-05-01T09:30:00.123+02:00', '2024-05-01T09:30:00.123+02:00'],
    ['2024-05-01', '2024-05-01T00:00:00Z'],
    ['2024-05-01 09:30', '2024-05-01T09:30:00Z'],
    ['2024-05-01 09:30:15', '2024-05-01T09:30:15Z'],
    ['2024-05-01T09:30', '2024-05-01T09:30:00Z'],
    ['2024-05-01 09:30:15+0200', '2024-05-01T09:30:15+02:00'],
    ['2024-05-01t09:30:15z', '2024-05-01T09:30:15Z'],
    ['01/05/2024', '01/05/2024'],
    ['yesterday', 'yesterday'],
  ])('%j -> %j', (cell, expected) => {
    expect(normaliseCsvTimestamp(cell)).toBe(expected);
  });
});

describe('coerceCustomFieldCell', () => {
  test.each([
    ['string', ' 12.5 ', { value: ' 12.5 ' }],
    ['string', 'true', { value: 'true' }],
    ['number', '12.5', { value: 12.5 }],
    ['number', ' -3 ', { value: -3 }],
    ['number', '0', { value: 0 }],
    ['number', '.5', { value: 0.5 }],
    ['number', '1e3', { value: 1000 }],
    ['number', '12,5', { rule: 'must be a number, such as 12.5' }],
    ['number', '0x10', { rule: 'must be a number, such as 12.5' }],
    ['number', 'Infinity', { rule: 'must be a number, such as 12.5' }],
    ['number', '1e400', { rule: 'must be a number, such as 12.5' }],
    ['number', 'twelve', { rule: 'must be a number, such as 12.5' }],
    ['boolean', 'true', { value: true }],
    ['boolean', 'TRUE', { value: true }],
    ['boolean', 'yes', { value: true }],
    ['boolean', '1', { value: true }],
    ['boolean', 'false', { value: false }],
    ['boolean', 'No', { value: false }],
    ['boolean', '0', { value: false }],
    ['boolean', 'maybe', { rule: 'must be true or false (or yes/no, 1/0)' }],
    ['date', '2026-11-24', { value: '2026-11-24' }],
    ['date', '2026-11-24T10:00:00+02:00', { value: '2026-11-24T10:00:00+02:00' }],
    ['date', '2026-11-24 10:00', { value: '2026-11-24T10:00:00Z' }],
    ['date', '24/11/2026', { value: '24/11/2026' }],
  ] as const)('%s %j -> %j', (type, cell, expected) => {
    expect(coerceCustomFieldCell(type, cell)).toEqual(expected);
  });
});

/** Maps the header (which must map cleanly) and converts one row. */
function convert(headers: string[], cells: string[], options: Partial<RowOptions> = {}) {
  const { columns, problems } = mapColumns(headers, { customFieldKeys });
  expect(problems).toEqual([]);
  return rowToContactWrite(cells, columns, { matchBy: 'email', ...options });
}

describe('rowToContactWrite', () => {
  test('a full row becomes the normalised contact write', () => {
    const headers = [
      'Email',
      'Mobile',
      'First Name',
      'last_name',
      'street',
      'city',
      'state',
      'zip',
      'country',
      'tz',
      'language',
      'email_status',
      'phone_status',
      'rating',
      'source',
      'consent_at',
      'categories',
      'created',
      'tags',
      'label_tier',
      'label_Source',
      'custom_plan',
      'seats',
    ];
    const cells = [
      'Jane.Doe@Example.COM',
      '+1 415 555 0123',
      ' Jane ',
      'Doe',
      '1 Market St',
      'San Francisco',
      'CA',
      '94105',
      'us',
      'America/Los_Angeles',
      'en-us',
      'unsubscribed',
      'active',
      '80',
      'form',
      '2024-05-01 09:30',
      'offers|news',
      '2024-01-31',
      'vip|customer',
      'gold',
      'Web',
      'pro',
      '12.5',
    ];
    expect(convert(headers, cells)).toEqual({
      ok: true,
      write: {
        email: 'jane.doe@example.com',
        phone: '+14155550123',
        firstName: 'Jane',
        lastName: 'Doe',
        address: { street: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
        timezone: 'America/Los_Angeles',
        language: 'en-US',
        emailStatus: 'unsubscribed',
        phoneStatus: 'active',
        emailRating: 80,
        source: 'form',
        consentAt: '2024-05-01T09:30:00Z',
        subscriptionCategories: ['news', 'offers'],
        createdAt: '2024-01-31T00:00:00Z',
        tags: ['vip', 'customer'],
        labels: { tier: 'gold', Source: 'Web' },
        // custom cells stay strings: the caller converts them by the field's type
        customFields: { plan: 'pro', seats: '12.5' },
      },
    });
  });

  test('empty and blank cells are fields not given: an import never clears a field', () => {
    expect(convert(['email', 'first_name', 'tags', 'label_tier', 'custom_plan', 'country'], ['a@example.com', '', '  ', '', ' ', '\t'])).toEqual({
      ok: true,
      write: { email: 'a@example.com' },
    });
  });

  test('label values are any printable text, trimmed as other cells, defused formulas restored', () => {
    expect(
      convert(
        ['email', 'label_landing_page', 'label_ltv_bucket', 'label_utm', 'label_note', 'label_calc'],
        ['a@example.com', '/promo', '200+', 'google.com', ' padded cell ', "'=1+1"],
      ),
    ).toEqual({
      ok: true,
      write: { email: 'a@example.com', labels: { landing_page: '/promo', ltv_bucket: '200+', utm: 'google.com', note: 'padded cell', calc: '=1+1' } },
    });
  });

  test('cells missing at the end of a short row are not given', () => {
    expect(convert(['email', 'first_name'], ['a@example.com'])).toEqual({ ok: true, write: { email: 'a@example.com' } });
  });

  test('ignored columns are not written', () => {
    expect(convert(['email', 'id', 'notes', 'row', 'error'], ['a@example.com', '42', 'call back', '7', 'email: bad'])).toEqual({
      ok: true,
      write: { email: 'a@example.com' },
    });
  });

  test.each([
    ['a formula-looking name, defused by an export', 'first_name', "'=1+1", { firstName: '=1+1' }],
    ['a tag list starting with -', 'tags', "'-new|old", { tags: ['-new', 'old'] }],
    ['a phone with spaces', 'phone', "'+33 6 12 34 56 78", { phone: '+33612345678' }],
    ['an apostrophe that defuses nothing', 'last_name', "'Brien", { lastName: "'Brien" }],
  ])('restores %s', (_what, header, cell, expected) => {
    expect(convert(['email', header], ['a@example.com', cell])).toEqual({ ok: true, write: { email: 'a@example.com', ...expected } });
  });

  test.each([
    ['default separator, escapes and blanks', '|', 'a| b\\|c ||d\\\\', ['a', 'b|c', 'd\\']],
    ['another separator', ';', 'a;b|c', ['a', 'b|c']],
  ])('splits list cells: %s', (_what, listSeparator, cell, tags) => {
    expect(convert(['email', 'tags'], ['a@example.com', cell], { listSeparator })).toEqual({ ok: true, write: { email: 'a@example.com', tags } });
  });

  test('label keys special to JavaScript stay labels', () => {
    const result = convert(['email', 'label___proto__', 'label_constructor', 'label_prototype'], ['a@example.com', 'polluted', 'c', 'p']);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const labels = result.write.labels!;
    expect(Object.keys(labels)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value).toBe('polluted');
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('custom field keys special to JavaScript stay custom fields', () => {
    const result = convert(['email', 'custom_constructor', 'custom_prototype'], ['a@example.com', 'c', 'p']);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(Object.entries(result.write.customFields!)).toEqual([
      ['constructor', 'c'],
      ['prototype', 'p'],
    ]);
  });

  test.each([
    // No source: the writer gives new contacts 'import' and leaves existing ones' as they are.
    ['no source column', ['email'], ['a@example.com'], {}, { email: 'a@example.com' }],
    ['an empty source cell', ['email', 'source'], ['a@example.com', ''], {}, { email: 'a@example.com' }],
    ['a given source', ['email', 'source'], ['a@example.com', 'order'], {}, { source: 'order' }],
    ['labelsMode replace', ['email'], ['a@example.com'], { labelsMode: 'replace' }, { labelsMode: 'replace' }],
    ['labelsMode merge', ['email'], ['a@example.com'], { labelsMode: 'merge' }, { labelsMode: 'merge' }],
    ['a whole email rating', ['email', 'rating'], ['a@example.com', '007'], {}, { emailRating: 7 }],
    ['matching by phone', ['phone'], ['+14155550123'], { matchBy: 'phone' }, { phone: '+14155550123' }],
  ] as const)('%s', (_what, headers, cells, options, expected) => {
    const result = convert([...headers], [...cells], options as Partial<RowOptions>);
    expect(result).toEqual({ ok: true, write: expect.objectContaining(expected) });
    if (!('labelsMode' in options) && result.ok) expect(result.write).not.toHaveProperty('labelsMode');
    if (!headers.includes('source' as never) || cells[headers.indexOf('source' as never)] === '')
      expect(result.ok && result.write).not.toHaveProperty('source');
  });

  const invalidOption = expect.stringMatching(/^Invalid option: expected one of "active"\|/);
  test.each([
    ['a bad email', ['E-mail'], ['nope'], [{ column: 'E-mail', rule: 'must be a valid email address' }]],
    ['a missing match field names the match column', ['E-mail', 'phone'], ['', '+14155550123'], [{ column: 'E-mail', rule: 'is required to match by email' }]],
    ['a match column absent from the file', ['phone'], ['+14155550123'], [{ column: 'email', rule: 'is required to match by email' }]],
    [
      'a bad country',
      ['email', 'Country'],
      ['a@example.com', 'France'],
      [{ column: 'Country', rule: 'must be an ISO 3166-1 alpha-2 country code such as FR' }],
    ],
    // Label values are any printable text (issue 11, point 9): a control character is what is bad.
    [
      'a bad label value',
      ['email', 'label_tier'],
      ['a@example.com', 'gold\u0007star'],
      [{ column: 'label_tier', rule: 'value must not contain control characters' }],
    ],
    [
      'a bad label among several',
      ['email', 'label_a', 'label_tier'],
      ['a@example.com', 'ok', 'x'.repeat(257)],
      [{ column: 'label_tier', rule: 'value must be at most 256 characters' }],
    ],
    [
      'too many labels names the first label column',
      ['email', ...Array.from({ length: 51 }, (_, i) => `label_k${i}`)],
      ['a@example.com', ...Array.from({ length: 51 }, () => 'v')],
      [{ column: 'label_k0', rule: 'must hold at most 50 labels' }],
    ],
    ['a bad tag', ['email', 'Tags'], ['a@example.com', 'ok|bad\u0001tag'], [{ column: 'Tags', rule: 'must not contain control characters' }]],
    [
      'two bad categories, reported once',
      ['email', 'categories'],
      ['a@example.com', 'a b|c d'],
      [{ column: 'categories', rule: 'must be 1-64 letters, digits, "_" or "-"' }],
    ],
    ['an unknown status', ['email', 'email_status'], ['a@example.com', 'subscribed'], [{ column: 'email_status', rule: invalidOption }]],
    ['a future created date', ['email', 'created'], ['a@example.com', '2999-01-01'], [{ column: 'created', rule: 'must not be in the future' }]],
    [
      'an impossible calendar date',
      ['email', 'created'],
      ['a@example.com', '2023-02-30'],
      [{ column: 'created', rule: 'must be an ISO 8601 date-time with offset' }],
    ],
    [
      // The API's Timestamp also runs its year check on a value that is not a date-time at all.
      'a day-first date',
      ['email', 'consent'],
      ['a@example.com', '31/01/2024'],
      [
        { column: 'consent', rule: 'must be an ISO 8601 date-time with offset' },
        { column: 'consent', rule: 'must be between the years 1900 and 9999' },
      ],
    ],
    ['a fractional rating', ['email', 'rating'], ['a@example.com', '4.5'], [{ column: 'rating', rule: 'must be a whole number' }]],
    ['a rating out of range', ['email', 'rating'], ['a@example.com', '101'], [{ column: 'rating', rule: 'must be at most 100' }]],
    [
      'a NUL character, in an ignored column too',
      ['email', 'first_name', 'notes'],
      ['a@example.com', 'A\u0000nn', 'x\u0000'],
      [
        { column: 'first_name', rule: 'must not contain the NUL character' },
        { column: 'notes', rule: 'must not contain the NUL character' },
      ],
    ],
    ['an unknown source', ['email', 'source'], ['a@example.com', 'fax'], [{ column: 'source', rule: expect.stringMatching(/^Invalid option/) }]],
    [
      'every bad column of one row',
      ['email', 'phone', 'rating', 'country', 'label_tier'],
      ['nope', '12', 'high', 'FRA', 'a\u0085b'],
      [
        { column: 'rating', rule: 'must be a whole number' },
        { column: 'email', rule: 'must be a valid email address' },
        { column: 'phone', rule: 'must be a valid phone number in international format, such as +14155550123' },
        { column: 'country', rule: 'must be an ISO 3166-1 alpha-2 country code such as FR' },
        { column: 'label_tier', rule: 'value must not contain control characters' },
      ],
    ],
  ])('%s', (_what, headers, cells, problems) => {
    expect(convert(headers, cells)).toEqual({ ok: false, problems });
  });
});

// ---------------------------------------------------------------------------------------------

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function* splitAt(bytes: Buffer, at: number): AsyncGenerator<Buffer> {
  yield bytes.subarray(0, at);
  yield bytes.subarray(at);
}

async function readAll(input: AsyncIterable<Buffer> | NodeJS.ReadableStream, options?: CsvReadOptions): Promise<CsvEvent[]> {
  const events: CsvEvent[] = [];
  for await (const event of readContactCsv(input, options)) events.push(event);
  return events;
}

async function formatErrorOf(input: AsyncIterable<Buffer>, options?: CsvReadOptions): Promise<CsvFormatError> {
  try {
    await readAll(input, options);
  } catch (err) {
    if (err instanceof CsvFormatError) return err;
    throw err;
  }
  throw new Error('expected a CsvFormatError');
}

const header = (...headers: string[]): CsvEvent => ({ kind: 'header', headers });
const row = (rowNumber: number, ...cells: string[]): CsvEvent => ({ kind: 'row', rowNumber, cells });

describe('readContactCsv', () => {
  test.each([
    ['LF line ends', 'email,name\na@x.co,Ann\nb@x.co,Bob\n', [header('email', 'name'), row(1, 'a@x.co', 'Ann'), row(2, 'b@x.co', 'Bob')]],
    [
      'CRLF line ends, no final line end',
      'email,name\r\na@x.co,Ann\r\nb@x.co,Bob',
      [header('email', 'name'), row(1, 'a@x.co', 'Ann'), row(2, 'b@x.co', 'Bob')],
    ],
    [
      'mixed line ends, old Mac ones included',
      'email,name\r\na@x.co,Ann\nb@x.co,Bob\rc@x.co,Cy\r\n',
      [header('email', 'name'), row(1, 'a@x.co', 'Ann'), row(2, 'b@x.co', 'Bob'), row(3, 'c@x.co', 'Cy')],
    ],
    [
      'quoted cells with commas, quotes and line breaks; a quoted line break does not advance the row number',
      'email,name\n"a@x.co","Smith, ""Jo""\nJunior"\nb@x.co,"two\r\nlines"\nc@x.co,Cy\n',
      [header('email', 'name'), row(1, 'a@x.co', 'Smith, "Jo"\nJunior'), row(2, 'b@x.co', 'two\r\nlines'), row(3, 'c@x.co', 'Cy')],
    ],
    [
      'blank lines and empty records are skipped and not counted',
      '\nemail,name\n\na@x.co,Ann\n\r\n,\n  ,  \nb@x.co,Bob\n\n',
      [header('email', 'name'), row(1, 'a@x.co', 'Ann'), row(2, 'b@x.co', 'Bob')],
    ],
    [
      'a short row is padded',
      'email,name,city\na@x.co\nb@x.co,Bob\n',
      [header('email', 'name', 'city'), row(1, 'a@x.co', '', ''), row(2, 'b@x.co', 'Bob', '')],
    ],
    ['empty cells beyond the header are dropped', 'email,name\na@x.co,Ann,,\n', [header('email', 'name'), row(1, 'a@x.co', 'Ann')]],
    [
      'a long row is a problem of its own, with all its cells',
      'email,name\na@x.co,Ann,extra,\nb@x.co,Bob\n',
      [
        header('email', 'name'),
        { kind: 'row', rowNumber: 1, cells: ['a@x.co', 'Ann', 'extra', ''], problem: 'has 3 cells; the header has 2' },
        row(2, 'b@x.co', 'Bob'),
      ],
    ],
    ['a header only', 'email,name\r\n', [header('email', 'name')]],
    ['cells are kept untrimmed', 'email , name\n a@x.co ,"  Ann  "\n', [header('email ', ' name'), row(1, ' a@x.co ', '  Ann  ')]],
  ])('%s', async (_what, text, events) => {
    expect(await readAll(chunksOf(utf8(text), 1 << 16))).toEqual(events);
  });

  test('a byte order mark is stripped', async () => {
    expect(await readAll(chunksOf(Buffer.concat([BOM, utf8('email\na@x.co\n')]), 1 << 16))).toEqual([header('email'), row(1, 'a@x.co')]);
  });

  test('another delimiter', async () => {
    expect(await readAll(chunksOf(utf8('email;name\na@x.co;"Smith; Jo"\n'), 64), { delimiter: ';' })).toEqual([
      header('email', 'name'),
      row(1, 'a@x.co', 'Smith; Jo'),
    ]);
  });

  test('reads a Node stream, string chunks included', async () => {
    expect(await readAll(Readable.from([utf8('email,name\na@x.co,Zoë\n')]))).toEqual([header('email', 'name'), row(1, 'a@x.co', 'Zoë')]);
    const strings = Readable.from(['email,na', 'me\nb@x.co,日本\n'], { objectMode: true });
    expect(await readAll(strings)).toEqual([header('email', 'name'), row(1, 'b@x.co', '日本')]);
  });

  describe('the same file split at every byte boundary', () => {
    const file = Buffer.concat([BOM, utf8('email,first_name,label_tier\r\nzoë@x.co,"Zoë ""Z"" 日本\r\n😀",gold\r\n\r\nb@x.co,Bø,silver\r\n')]);
    const expected = [header('email', 'first_name', 'label_tier'), row(1, 'zoë@x.co', 'Zoë "Z" 日本\r\n😀', 'gold'), row(2, 'b@x.co', 'Bø', 'silver')];

    test('in two chunks, at every position', async () => {
      for (let at = 0; at <= file.length; at++) expect([at, await readAll(splitAt(file, at))]).toEqual([at, expected]);
    });

    test('one byte at a time', async () => {
      expect(await readAll(chunksOf(file, 1))).toEqual(expected);
    });
  });

  describe('refuses a file it cannot read', () => {
    const latin1 = Buffer.concat([
      utf8('email,name\na@x.co,Ann\nb@x.co,Ren'),
      Buffer.from([0xe9]),
      utf8('e\nc@x.co,Cy\nd@x.co,Ren'),
      Buffer.from([0xe9]),
      utf8('\n'),
    ]);

    test('a file that is not UTF-8, naming the line at every split', async () => {
      for (let at = 0; at <= latin1.length; at++) {
        const err = await formatErrorOf(splitAt(latin1, at));
        expect([at, err.message, err.line]).toEqual([
          at,
          'the file must be UTF-8 (in a spreadsheet, save it as "CSV UTF-8"): line 3 (about data row 2) holds bytes that are not UTF-8',
          3,
        ]);
      }
    });

    test('a file that is not UTF-8, one byte at a time', async () => {
      expect((await formatErrorOf(chunksOf(latin1, 1))).line).toBe(3);
    });

    test('a header that is not UTF-8', async () => {
      expect((await formatErrorOf(chunksOf(Buffer.concat([utf8('e'), Buffer.from([0xff]), utf8('mail\n')]), 64))).message).toMatch(
        /line 1 \(the header\) holds bytes that are not UTF-8$/,
      );
    });

    test('a file that ends in the middle of a character', async () => {
      const truncated = utf8('email,name\na@x.co,Zoë\nb@x.co,日').subarray(0, -1);
      expect((await formatErrorOf(chunksOf(truncated, 4))).line).toBe(3);
    });

    test.each([
      ['no bytes at all', Buffer.alloc(0)],
      ['a byte order mark only', BOM],
      ['blank lines only', utf8('\r\n\n  \n')],
      ['empty cells only', utf8(',,\n,\n')],
    ])('an empty file: %s', async (_what, bytes) => {
      const err = await formatErrorOf(chunksOf(bytes, 2));
      expect(err.message).toBe('the file is empty');
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(400);
    });

    test.each([
      [
        'text after a closing quote',
        'email,name\na@x.co,Ann\n"b@x.co"x,Bob\n',
        /^malformed quoting on line 3: a quoted cell must end with " followed by a comma or a line break/,
        3,
      ],
      ['a quote inside an unquoted cell', 'email,name\na@x.co,Ann\nb@x.co,Bo"b\n', /^malformed quoting on line 3: a cell holding a " must be quoted/, 3],
      ['a quote never closed', 'email,name\na@x.co,"Ann\nb@x.co,Bob\n', /^malformed quoting: a quoted cell is still open at the end of the file \(line 3\)/, 3],
    ])('malformed quoting: %s', async (_what, text, message, line) => {
      const err = await formatErrorOf(chunksOf(utf8(text), 7));
      expect(err.message).toMatch(message);
      expect(err.line).toBe(line);
    });

    test('a row larger than the bound, before it is held whole', async () => {
      let bytesRead = 0;
      async function* giantCell(): AsyncGenerator<Buffer> {
        yield utf8('email,name\na@x.co,Ann\nb@x.co,"');
        for (let i = 0; i < 64; i++) {
          bytesRead += 64 * 1024;
          yield Buffer.alloc(64 * 1024, 'x');
        }
      }
      const err = await formatErrorOf(giantCell());
      expect(err.message).toBe(`the row on line 3 is larger than 1048576 bytes; a stray " may have run a cell into the following lines`);
      // It stopped soon after the first megabyte instead of reading the whole 4 MB cell.
      expect(bytesRead).toBeLessThan(2 * 1024 * 1024);
    });

    test('the row bound is an option', async () => {
      const err = await formatErrorOf(chunksOf(utf8(`email,name\na@x.co,${'x'.repeat(200)}\n`), 64), { maxRowBytes: 100 });
      expect(err.message).toMatch(/^the row on line 2 is larger than 100 bytes/);
    });
  });

  test('streams: a row reaches the consumer before the rest of the file is read', async () => {
    let releaseRest!: () => void;
    const restRequested = new Promise<void>((resolve) => (releaseRest = resolve));
    let firstRowSeenBeforeRest = false;
    async function* slowFile(): AsyncGenerator<Buffer> {
      // csv-parse keeps the last bytes of a chunk until the next one (a line end may be split),
      // so the first chunk holds one row more than the consumer waits for.
      yield utf8('email\na@x.co\nb@x.co\n');
      await restRequested;
      yield utf8('c@x.co\n');
    }
    const rows: number[] = [];
    for await (const event of readContactCsv(slowFile())) {
      if (event.kind !== 'row') continue;
      rows.push(event.rowNumber);
      if (event.rowNumber === 1) {
        firstRowSeenBeforeRest = true;
        releaseRest();
      }
    }
    expect(firstRowSeenBeforeRest).toBe(true);
    expect(rows).toEqual([1, 2, 3]);
  });

  test('a consumer that stops early releases the input', async () => {
    let released = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield utf8('email\n');
        for (let i = 0; ; i++) yield utf8(`u${i}@x.co\n`);
      } finally {
        released = true;
      }
    }
    for await (const event of readContactCsv(endless())) {
      if (event.kind === 'row' && event.rowNumber === 3) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(true);
  });

  test('an error of the input itself passes through unchanged', async () => {
    const failure = new Error('connection reset');
    async function* failing(): AsyncGenerator<Buffer> {
      yield utf8('email\na@x.co\n');
      throw failure;
    }
    await expect(readAll(failing())).rejects.toBe(failure);
  });
});

describe('the rejected-rows file', () => {
  test('its header: row, the file columns, error', () => {
    expect(rejectedRowsHeader(['email', 'First Name', 'label_tier'])).toBe('row,email,First Name,label_tier,error\r\n');
  });

  test.each([
    [
      'problems joined as column: rule, formula cells defused',
      [
        7,
        ['=HYPERLINK("x")', 'Smith, Jo'],
        [
          { column: 'email', rule: 'must be a valid email address' },
          { column: 'label_tier', rule: 'value must not be empty' },
        ],
        undefined,
      ],
      `7,"'=HYPERLINK(""x"")","Smith, Jo",email: must be a valid email address; label_tier: value must not be empty\r\n`,
    ],
    ['a short row is padded to the header', [3, ['a@x.co'], [{ column: 'tags', rule: 'bad' }], 3], '3,a@x.co,,,tags: bad\r\n'],
    [
      'cells beyond the header follow the error cell',
      [4, ['a@x.co', 'Ann', 'extra'], [{ column: '', rule: 'has 3 cells; the header has 2' }], 2],
      '4,a@x.co,Ann,has 3 cells; the header has 2,extra\r\n',
    ],
  ] as [string, [number, string[], RowProblem[], number | undefined], string][])('%s', (_what, [rowNumber, cells, problems, headerLength], line) => {
    expect(rejectedRowLine(rowNumber, cells, problems, headerLength)).toBe(line);
  });

  test('imports back: row and error are ignored, defused cells restored', async () => {
    const headers = ['email', 'first_name'];
    const file = rejectedRowsHeader(headers) + rejectedRowLine(12, ['a@x.co', '=cmd|x'], [{ column: 'email', rule: 'was wrong' }]);
    const [headerEvent, rowEvent] = await readAll(chunksOf(utf8(file), 64));
    const { columns, problems } = mapColumns((headerEvent as { headers: string[] }).headers, { customFieldKeys });
    expect(problems).toEqual([]);
    expect(columns.map((c) => c.target.kind)).toEqual(['ignored', 'field', 'field', 'ignored']);
    expect(rowToContactWrite((rowEvent as { cells: string[] }).cells, columns, { matchBy: 'email' })).toEqual({
      ok: true,
      write: { email: 'a@x.co', firstName: '=cmd|x' },
    });
  });
});

describe('importTemplateCsv', () => {
  const standard = Object.keys(STANDARD_COLUMNS).join(',');

  test('a header with every standard column, example labels and each custom field', () => {
    const [headerLine] = importTemplateCsv(['plan', 'seats']).split('\r\n');
    expect(headerLine).toBe(`${standard},label_source,label_tier,custom_plan,custom_seats`);
  });

  test.each([
    ['custom field keys only', ['plan', 'seats'], { plan: undefined, seats: undefined }],
    [
      'custom field types',
      new Map([
        ['plan', 'string'],
        ['seats', 'number'],
        ['renewal_date', 'date'],
        ['prototype', 'boolean'],
      ] as const),
      { plan: 'example', seats: '12.5', renewal_date: '2024-05-01', prototype: 'true' },
    ],
  ] as const)('its example row imports as is, given %s', async (_what, customFields, customCells) => {
    const [headerEvent, rowEvent, ...more] = await readAll(chunksOf(utf8(importTemplateCsv(customFields as never)), 64));
    expect(more).toEqual([]);
    const { columns, problems } = mapColumns((headerEvent as { headers: string[] }).headers, { customFieldKeys });
    expect(problems).toEqual([]);
    expect(columns.filter((c) => c.target.kind === 'ignored')).toEqual([]);
    const result = rowToContactWrite((rowEvent as { cells: string[] }).cells, columns, { matchBy: 'email' });
    expect(result).toEqual({
      ok: true,
      write: expect.objectContaining({
        email: 'jane.doe@example.com',
        phone: '+14155550123',
        createdAt: '2024-05-01T00:00:00Z',
        labels: { source: 'website', tier: 'gold' },
      }),
    });
    const written = result.ok ? (result.write.customFields ?? {}) : {};
    for (const [key, cell] of Object.entries(customCells)) expect([key, written[key]]).toEqual([key, cell]);
    // and each typed example converts by its type
    if (customFields instanceof Map) {
      for (const [key, type] of customFields) expect(coerceCustomFieldCell(type, written[key] as string)).not.toHaveProperty('rule');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('end to end: a 10,000-row file with 5% bad rows', () => {
  const ROWS = 10_000;
  // `note` is no column we know (ignored): it holds the multi-line cells, which a name may not.
  const headers = ['Email', 'Phone Number', 'First Name', 'label_tier', 'email_status', 'created', 'tags', 'note'];
  // Every 20th row is bad, one kind after another; each kind names the column to fix.
  const BAD_KINDS = [
    { cells: (i: number) => [`user${i}.example.com`, '', 'Ann', 'gold', 'active', '2024-01-01', 'a'], column: 'Email' },
    { cells: (i: number) => [`user${i}@example.com`, '', 'Ann', 'gold\u0007star', 'active', '2024-01-01', 'a'], column: 'label_tier' },
    { cells: (i: number) => [`user${i}@example.com`, '', 'Ann', 'gold', 'subscribed', '2024-01-01', 'a'], column: 'email_status' },
    { cells: (i: number) => [`user${i}@example.com`, '', 'Ann', 'gold', 'active', '2999-01-01', 'a'], column: 'created' },
    { cells: (i: number) => [`user${i}@example.com`, '', 'Ann', 'gold', 'active', '2024-01-01', 'a', '', 'stray'], column: '' },
  ];
  const goodCells = (i: number) => [
    `user${i}@example.com`,
    i % 3 === 0 ? '+14155550123' : '',
    `Name ${i}`,
    i % 2 === 0 ? 'gold' : 'silver',
    'active',
    `2024-01-${String((i % 28) + 1).padStart(2, '0')} 10:00`,
    `t${i % 5}|all`,
    // a line break inside a quoted cell must not shift the row numbers after it
    i % 7 === 0 ? 'line one\nline two' : '',
  ];
  const cellsOf = (i: number) => (i % 20 === 0 ? BAD_KINDS[(i / 20) % BAD_KINDS.length]!.cells(i) : goodCells(i));

  function generateFile(): Buffer {
    const lines = [headers.join(',')];
    for (let i = 1; i <= ROWS; i++) {
      lines.push(
        cellsOf(i)
          .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
          .join(','),
      );
      if (i % 1000 === 0) lines.push(''); // blank lines are skipped, not counted
    }
    return Buffer.concat([BOM, utf8(lines.join('\r\n') + '\r\n')]);
  }

  test('exactly the bad rows are rejected, each naming its column', async () => {
    let columns: ColumnMapping[] = [];
    let headerLength = 0;
    const rejected: { rowNumber: number; columns: string[] }[] = [];
    const rejectedFile: string[] = [];
    let written = 0;
    let lastRow = 0;

    for await (const event of readContactCsv(chunksOf(generateFile(), 64 * 1024))) {
      if (event.kind === 'header') {
        const mapped = mapColumns(event.headers, { customFieldKeys: new Set(), matchBy: 'email' });
        expect(mapped.problems).toEqual([]);
        columns = mapped.columns;
        headerLength = event.headers.length;
        rejectedFile.push(rejectedRowsHeader(event.headers));
        continue;
      }
      lastRow = event.rowNumber;
      const result: { ok: true } | { ok: false; problems: RowProblem[] } = event.problem
        ? { ok: false, problems: [{ column: '', rule: event.problem }] }
        : rowToContactWrite(event.cells, columns, { matchBy: 'email' });
      if (result.ok) {
        written++;
        continue;
      }
      rejected.push({ rowNumber: event.rowNumber, columns: result.problems.map((p) => p.column) });
      rejectedFile.push(rejectedRowLine(event.rowNumber, event.cells, result.problems, headerLength));
    }

    const expected = Array.from({ length: ROWS / 20 }, (_, k) => {
      const rowNumber = (k + 1) * 20;
      return { rowNumber, columns: [BAD_KINDS[(rowNumber / 20) % BAD_KINDS.length]!.column] };
    });
    expect(lastRow).toBe(ROWS);
    expect(rejected).toEqual(expected);
    expect(written).toBe(ROWS - ROWS / 20);
    expect(rejectedFile).toHaveLength(1 + ROWS / 20);
    expect(rejectedFile[4]).toBe('80,user80@example.com,,Ann,gold,active,2024-01-01,a,,has 9 cells; the header has 8,stray\r\n');
    expect(rejectedFile[5]).toBe('100,user100.example.com,,Ann,gold,active,2024-01-01,a,,Email: must be a valid email address\r\n');
  }, 60_000);
});
