import { contactSnapshot } from '../../../../test/support/contact-events';
import { toChangeEvent } from './outbox-relay';

const contact = contactSnapshot('7c0e8f4a-1b2c-4d3e-8f9a-0b1c2d3e4f50', '2f1d3c1e-6a44-4c1b-9a52-0d7e3b1f5a10', 3);

describe('toChangeEvent', () => {
  test('completes the pending event with the outbox id and commit time', () => {
    const event = toChangeEvent({
      id: '42',
      workspaceId: contact.workspaceId,
      aggregateId: contact.id,
      eventType: 'contact.upserted',
      payload: { type: 'contact.upserted', created: false, workspaceId: contact.workspaceId, contactId: contact.id, contact },
      createdAt: new Date('2026-11-24T10:00:01.000Z'),
    });
    expect(event).toEqual({
      schemaVersion: 1,
      eventId: '42',
      occurredAt: '2026-11-24T10:00:01.000Z',
      type: 'contact.upserted',
      created: false,
      workspaceId: contact.workspaceId,
      contactId: contact.id,
      contact,
    });
  });

  test('refuses a row whose payload does not match the event schema', () => {
    expect(() =>
      toChangeEvent({
        id: '43',
        workspaceId: contact.workspaceId,
        aggregateId: contact.id,
        eventType: 'contact.upserted',
        payload: { type: 'contact.upserted', created: false, workspaceId: contact.workspaceId, contactId: contact.id, contact: { ...contact, version: 0 } },
        createdAt: new Date(),
      }),
    ).toThrow(/version/);
  });
});
