// Holds the contact field table to what is still written by hand beside it (the snapshot schema,
// the segment language's date list, the parser), so a field added to the table alone fails here.
import { contactSnapshot } from '../../../../test/support/contact-events';
import { ContactAddress, ContactSnapshot } from '../events/change-events';
import { contactDocument } from '../search-index/contact-document';
import { CONTACTS_MAPPING } from '../search-index/contacts-index';
import { CASE_INSENSITIVE_FIELDS, DATE_FIELDS, NUMBER_FIELDS, TEXT_FIELDS } from '../segments/condition-model';
import { parseSegment } from '../segments/segment-parser';
import { CONTACT_FIELD_NAMES, CONTACT_FIELDS, contactColumnsWith, contactFieldsWith, snapshotValueOf } from './contact-fields';

const WS = '00000000-0000-4000-8000-000000000001';
const ID = '00000000-0000-4000-8000-000000000002';
const fields = CONTACT_FIELD_NAMES.map((name) => [name, CONTACT_FIELDS[name]] as const);

test.each(fields)('%s is a key of the snapshot schema, where the table says', (name, spec) => {
  const shape: Record<string, unknown> = spec.inAddress ? ContactAddress.shape : ContactSnapshot.shape;
  expect(Object.hasOwn(shape, name)).toBe(true);
});

test('columns are unique snake_case names', () => {
  const columns = CONTACT_FIELD_NAMES.map((name) => CONTACT_FIELDS[name].column);
  expect(new Set(columns).size).toBe(columns.length);
  for (const column of columns) expect(column).toMatch(/^[a-z]+(_[a-z]+)*$/);
});

test.each(fields.filter(([, spec]) => spec.index !== null))('%s is mapped and indexed under its column', (name, spec) => {
  expect(CONTACTS_MAPPING.properties![spec.column]).toEqual(spec.index);
  // A value of its own for the field, so the document shows it came from this field.
  const snapshot = contactSnapshot(WS, ID, 1);
  const holder: Record<string, unknown> = spec.inAddress ? snapshot.address : snapshot;
  if (spec.sqlType === 'text') holder[name] = `value of ${name}`;
  expect((contactDocument(snapshot) as unknown as Record<string, unknown>)[spec.column]).toEqual(snapshotValueOf(snapshot, name));
  if (spec.sqlType === 'text') expect(snapshotValueOf(snapshot, name)).toBe(`value of ${name}`);
});

test('a field the table does not index is neither mapped nor in the document', () => {
  for (const [, spec] of fields.filter(([, s]) => s.index === null)) {
    expect(CONTACTS_MAPPING.properties![spec.column]).toBeUndefined();
    expect(Object.hasOwn(contactDocument(contactSnapshot(WS, ID, 1)), spec.column)).toBe(false);
  }
});

test("the segment language's field lists are the table's, in its order (dates in the order the API has always listed them)", () => {
  expect(TEXT_FIELDS).toEqual(contactColumnsWith({ segment: 'text' }));
  expect(NUMBER_FIELDS).toEqual(contactColumnsWith({ segment: 'number' }));
  expect([...DATE_FIELDS].sort()).toEqual(contactColumnsWith({ segment: 'date' }).sort());
  expect(CASE_INSENSITIVE_FIELDS).toEqual(['first_name', 'last_name']);
});

test.each(fields.filter(([, spec]) => spec.segment === 'text' || spec.segment === 'number'))(
  'the segment language reads %s by its column name',
  (name, spec) => {
    const value = spec.segment === 'number' ? '5' : '"x"';
    expect(parseSegment(`${spec.column} = ${value}`)).toMatchObject({ field: spec.column });
  },
);

test('every segment field is indexed (the compilers query its column)', () => {
  for (const name of CONTACT_FIELD_NAMES.filter((n) => CONTACT_FIELDS[n].segment !== null)) expect(CONTACT_FIELDS[name].index).not.toBeNull();
});

test('a merge fills only fields a write sets', () => {
  for (const name of contactFieldsWith({ fillOnMerge: true })) expect(CONTACT_FIELDS[name].writtenAs).toBe('field');
});
