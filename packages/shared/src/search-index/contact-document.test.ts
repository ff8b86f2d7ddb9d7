import type { ChangeEvent, ContactSnapshotEvent } from '@segmenter/shared';
import { contactSnapshot } from '../../../../test/support/contact-events';
import { contactDocument, indexOperationOf, readsAsDate } from './contact-document';

const WS = '7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const ID = '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10';
const TAG = '11111111-1111-4111-8111-111111111111';
const envelope = { schemaVersion: 1 as const, eventId: '1', occurredAt: '2026-11-24T10:00:00.000Z', workspaceId: WS };

test('the document holds labels as key=value terms and a sorted key list, tags by id', () => {
  const doc = contactDocument(
    contactSnapshot(WS, ID, 4, {
      labels: { tier: 'gold', source: 'facebook' },
      tagIds: [TAG],
      address: { street: '1 Main St', city: 'Paris', region: null, postalCode: '75001', country: 'FR' },
      emailStatus: 'unsubscribed',
      emailRating: 80,
    }),
  );
  expect(doc).toMatchObject({
    labels: ['source=facebook', 'tier=gold'],
    label_keys: ['source', 'tier'],
    tag_ids: [TAG],
    city: 'Paris',
    country: 'FR',
    email_status: 'unsubscribed',
    email_rating: 80,
    deleted: false,
    version: 4,
  });
  expect(doc).not.toHaveProperty('street'); // not a segment field: kept out of the index
});

test.each<[string, ContactSnapshotEvent]>([
  ['contact.upserted', { ...envelope, type: 'contact.upserted', created: true, contactId: ID, contact: contactSnapshot(WS, ID, 1) }],
  [
    'contact.deleted',
    { ...envelope, type: 'contact.deleted', reason: 'bounced', contactId: ID, contact: contactSnapshot(WS, ID, 2, { deletedAt: '2026-11-24T11:00:00.000Z' }) },
  ],
  ['contact.restored', { ...envelope, type: 'contact.restored', contactId: ID, contact: contactSnapshot(WS, ID, 3) }],
  ['contact.tags_added', { ...envelope, type: 'contact.tags_added', tagIds: [TAG], contactId: ID, contact: contactSnapshot(WS, ID, 4, { tagIds: [TAG] }) }],
  ['contact.tags_removed', { ...envelope, type: 'contact.tags_removed', tagIds: [TAG], contactId: ID, contact: contactSnapshot(WS, ID, 5) }],
  [
    'contact.labels_set',
    { ...envelope, type: 'contact.labels_set', labels: { a: 'b' }, contactId: ID, contact: contactSnapshot(WS, ID, 6, { labels: { a: 'b' } }) },
  ],
  ['contact.labels_removed', { ...envelope, type: 'contact.labels_removed', keys: ['a'], contactId: ID, contact: contactSnapshot(WS, ID, 7) }],
  [
    'contact.engagement_recorded',
    {
      ...envelope,
      type: 'contact.engagement_recorded',
      activities: 2,
      contactId: ID,
      contact: contactSnapshot(WS, ID, 8, { engagement: { 'email.opened': ['2026-11-20T10:00:00.000Z'] } }),
    },
  ],
])('%s indexes the snapshot at its version', (_type, event) => {
  const op = indexOperationOf(event)!;
  expect(op).toEqual({ workspaceId: WS, contactId: ID, version: event.contact.version, document: contactDocument(event.contact) });
});

test('a soft-deleted contact stays indexed, marked deleted', () => {
  const op = indexOperationOf({
    ...envelope,
    type: 'contact.deleted',
    reason: null,
    contactId: ID,
    contact: contactSnapshot(WS, ID, 2, { deletedAt: '2026-11-24T11:00:00.000Z' }),
  })!;
  expect(op.document).toMatchObject({ deleted: true, deleted_at: '2026-11-24T11:00:00.000Z' });
});

test('erasure writes a tombstone with no personal data', () => {
  expect(indexOperationOf({ ...envelope, type: 'contact.erased', contactId: ID, version: 9 })).toEqual({
    workspaceId: WS,
    contactId: ID,
    version: 9,
    document: { workspace_id: WS, contact_id: ID, version: 9, deleted: true, erased: true },
  });
});

test.each<ChangeEvent>([
  { ...envelope, type: 'tag.renamed', tagId: TAG, name: 'New', previousName: 'Old' },
  { ...envelope, type: 'tag.deleted', tagId: TAG, name: 'Old' },
])('$type changes no document', (event) => {
  expect(indexOperationOf(event)).toBeUndefined();
});

test('custom fields become typed nested entries; a string that reads as a date is also a date', () => {
  const doc = contactDocument(
    contactSnapshot(WS, ID, 2, {
      customFields: { score: 42.5, vip: true, plan: 'pro', renews: '2027-01-31', seen: '2026-11-24T10:00:00.000Z', odd: '2026-02-30' },
    }),
  );
  expect(doc.custom_fields).toEqual([
    { key: 'odd', string: '2026-02-30' },
    { key: 'plan', string: 'pro' },
    { key: 'renews', string: '2027-01-31', date: '2027-01-31' },
    { key: 'score', number: 42.5 },
    { key: 'seen', string: '2026-11-24T10:00:00.000Z', date: '2026-11-24T10:00:00.000Z' },
    { key: 'vip', boolean: true },
  ]);
  expect(doc.custom_field_keys).toEqual(['odd', 'plan', 'renews', 'score', 'seen', 'vip']);
});

test.each([
  ['2026-11-24', true],
  ['2026-11-24T10:00:00Z', true],
  ['2026-11-24T10:00:00.123+02:00', true],
  ['2026-13-01', false],
  ['2026-02-29', false],
  ['24/11/2026', false],
  ['2026-11-24 10:00', false],
  ['tomorrow', false],
])('readsAsDate(%s) is %s', (value, expected) => {
  expect(readsAsDate(value)).toBe(expected);
});

test('engagement becomes one nested entry per channel, status and rank, newest first', () => {
  const doc = contactDocument(
    contactSnapshot(WS, ID, 3, {
      engagement: { 'email.opened': ['2026-11-20T10:00:00.000Z', '2026-11-01T10:00:00.000Z'], 'sms.delivered': ['2026-10-01T00:00:00.000Z'] },
    }),
  );
  expect(doc.engagement).toEqual([
    { channel: 'email', status: 'opened', rank: 1, at: '2026-11-20T10:00:00.000Z' },
    { channel: 'email', status: 'opened', rank: 2, at: '2026-11-01T10:00:00.000Z' },
    { channel: 'sms', status: 'delivered', rank: 1, at: '2026-10-01T00:00:00.000Z' },
  ]);
  expect(contactDocument(contactSnapshot(WS, ID, 3, {})).engagement).toEqual([]);
});
