// Member row fields: parsing `fields`, and rows built from an index document in both spellings.
import { csvColumnsOf, csvHeaderOf, memberCsvCells, memberJsonRow, MemberField, parseMemberFields, sourceFieldsOf } from './member-fields';

const fieldsOf = (text: string): MemberField[] => {
  const parsed = parseMemberFields(text, 'query.fields');
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.list.fields;
};

const doc = {
  contact_id: 'c1',
  email: 'ada@example.com',
  first_name: 'Ada',
  created_at: '2026-01-02T03:04:05.000Z',
  tag_ids: ['t2', 't1', 't-gone'],
  labels: ['tier=gold', 'utm=a=b', '__proto__=x'],
  custom_fields: [
    { key: 'plan', string: 'pro' },
    { key: 'seats', number: 0 },
    { key: 'trial', boolean: false },
  ],
};
const tagNames = new Map<string, string | null>([
  ['t1', 'VIP'],
  ['t2', 'Hot, lead'],
  ['t-gone', null],
]);

describe('parseMemberFields', () => {
  test.each([
    ['id,email,firstName,tags,labels,label:tier,custom:plan', 7],
    [' id , createdAt ', 2],
    ['label:__proto__', 1],
  ])('%s is accepted', (text, n) => expect(fieldsOf(text)).toHaveLength(n));

  test.each([
    ['id,first_name', 'query.fields.1', /did you mean firstName\?/],
    ['id,password', 'query.fields.1', /is not a member field: use id, email/],
    ['id,constructor', 'query.fields.1', /is not a member field/],
    ['custom:Plan', 'query.fields.0', /names custom field key "Plan", refused: must start with a lower-case letter/],
    ['label:a b', 'query.fields.0', /names label key "a b"/],
    ['id,email,id', 'query.fields.2', /repeats field id/],
    ['id,', 'query.fields.1', /is not a member field/],
  ])('%s is refused at %s', (text, field, rule) => {
    const parsed = parseMemberFields(text, 'query.fields');
    expect('problems' in parsed && parsed.problems).toEqual([{ field, rule: expect.stringMatching(rule) }]);
  });

  test('more than 500 names is refused at the list', () => {
    const parsed = parseMemberFields(Array(501).fill('id').join(','), 'body.fields');
    expect('problems' in parsed && parsed.problems).toEqual([{ field: 'body.fields', rule: 'must name at most 500 fields' }]);
  });
});

describe('rows', () => {
  test('the index fields a row needs', () => {
    expect(sourceFieldsOf(fieldsOf('firstName,tags,label:tier,custom:plan')).sort()).toEqual([
      'contact_id',
      'custom_fields',
      'first_name',
      'labels',
      'tag_ids',
    ]);
  });

  test('NDJSON: camelCase keys as requested, in order; tag names sorted, deleted tags left out; absent values null', () => {
    const row = memberJsonRow(
      doc,
      fieldsOf('id,firstName,lastName,tags,labels,label:tier,label:none,custom:plan,custom:seats,custom:trial,custom:none'),
      tagNames,
    );
    expect(JSON.parse(JSON.stringify(row))).toEqual({
      id: 'c1',
      firstName: 'Ada',
      lastName: null,
      tags: ['Hot, lead', 'VIP'],
      labels: { tier: 'gold', utm: 'a=b', ['__proto__']: 'x' },
      'label:tier': 'gold',
      'label:none': null,
      'custom:plan': 'pro',
      'custom:seats': 0,
      'custom:trial': false,
      'custom:none': null,
    });
    expect(Object.keys(row)).toEqual([
      'id',
      'firstName',
      'lastName',
      'tags',
      'labels',
      'label:tier',
      'label:none',
      'custom:plan',
      'custom:seats',
      'custom:trial',
      'custom:none',
    ]);
  });

  test('a label key named like an Object member is only there when the contact has it', () => {
    expect(memberJsonRow({ contact_id: 'c', labels: [] }, fieldsOf('label:constructor,label:__proto__'), tagNames)).toEqual({
      'label:constructor': null,
      'label:__proto__': null,
    });
  });

  test("CSV: the export's headers; `labels` is one column per workspace key, each once", () => {
    const columns = csvColumnsOf(fieldsOf('id,firstName,createdAt,tags,label:tier,labels,custom:plan'), ['utm', 'tier', 'a']);
    expect(columns.map(csvHeaderOf)).toEqual(['id', 'first_name', 'created_at', 'tags', 'label_tier', 'label_a', 'label_utm', 'custom_plan']);
    expect(memberCsvCells(doc, columns, tagNames)).toEqual(['c1', 'Ada', '2026-01-02T03:04:05.000Z', 'Hot, lead|VIP', 'gold', null, 'a=b', 'pro']);
  });
});
