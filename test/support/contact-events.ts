// Builds valid change events for tests that feed the indexer or the relay directly.
import { randomUUID } from 'node:crypto';
import type { ChangeEvent, ContactSnapshot } from '@segmenter/shared';

export function contactSnapshot(workspaceId: string, contactId: string, version: number, overrides: Partial<ContactSnapshot> = {}): ContactSnapshot {
  const at = new Date(Date.UTC(2026, 10, 24, 10, 0, version)).toISOString();
  return {
    id: contactId,
    workspaceId,
    email: `${contactId.slice(0, 8)}@example.com`,
    phone: null,
    firstName: `v${version}`,
    lastName: null,
    address: { street: null, city: null, region: null, postalCode: null, country: null },
    timezone: null,
    language: null,
    subscriptionCategories: [],
    source: 'api',
    consentAt: null,
    customFields: {},
    emailStatus: 'active',
    phoneStatus: 'active',
    emailRating: null,
    tagIds: [],
    labels: {},
    createdAt: '2026-11-24T09:00:00.000Z',
    updatedAt: at,
    deletedAt: null,
    version,
    ...overrides,
  };
}

export function contactUpserted(
  workspaceId: string,
  contactId: string,
  version: number,
  overrides: Partial<ContactSnapshot> = {},
): Extract<ChangeEvent, { type: 'contact.upserted' }> {
  return {
    schemaVersion: 1,
    eventId: String(version),
    occurredAt: new Date(Date.UTC(2026, 10, 24, 10, 0, version)).toISOString(),
    type: 'contact.upserted',
    created: version === 1,
    workspaceId,
    contactId,
    contact: contactSnapshot(workspaceId, contactId, version, overrides),
  };
}

export const newId = (): string => randomUUID();
