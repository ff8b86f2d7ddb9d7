// Holds the API's views of the contact field table together: a field the table gives a file
// column, a member field or a merge fill shows up in the CSV columns, member rows and merges.
import { CONTACT_FIELDS, contactFieldsWith, contactFieldsWithout, pathOf } from '@segmenter/shared';
import { STANDARD_COLUMNS } from './contact-csv-format';
import { HEADER_ALIASES, importTemplateCsv } from './contact-csv-reader';
import { memberJsonRow, parseMemberField, STANDARD_MEMBER_FIELDS } from '../segments/member-fields';

test("the file's standard columns are the table's file columns, in its order, then tags", () => {
  const fileFields = contactFieldsWithout({ file: null });
  expect(Object.entries(STANDARD_COLUMNS)).toEqual([...fileFields.map((name) => [CONTACT_FIELDS[name].column, pathOf(name)]), ['tags', 'tags']]);
  for (const name of fileFields) expect(HEADER_ALIASES[CONTACT_FIELDS[name].column]).toBe(CONTACT_FIELDS[name].file.aliases);
});

test('the template has an example value under every standard column', () => {
  const [header, example] = importTemplateCsv([])
    .split('\r\n')
    .map((line) => line.split(','));
  for (const name of contactFieldsWithout({ file: null })) expect(example![header!.indexOf(CONTACT_FIELDS[name].column)]).not.toBe('');
});

test.each(contactFieldsWith({ member: true }))('%s is a member field read from its document field', (name) => {
  expect(parseMemberField(name)).toEqual({ kind: 'standard', name });
  const column = CONTACT_FIELDS[name].column;
  expect(STANDARD_MEMBER_FIELDS[name]).toEqual({ source: column, csv: column });
  expect(memberJsonRow({ [column]: 'v' }, [{ kind: 'standard', name }], new Map())).toEqual({ [name]: 'v' });
});

test('member fields are id and the member fields of the table', () => {
  expect(Object.keys(STANDARD_MEMBER_FIELDS).sort()).toEqual(['id', ...contactFieldsWith({ member: true })].sort());
});
