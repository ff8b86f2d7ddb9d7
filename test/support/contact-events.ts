// Builds valid contact events for tests that feed the indexer directly.
import { randomUUID } from 'node:crypto';
import type { ContactEvent } from '@segmenter/shared';

export function contactUpserted(workspaceId: string, contactId: string, version: number, email = `${contactId.slice(0, 8)}@example.com`): ContactEvent {
  const at = new Date(Date.UTC(2026, 10, 24, 10, 0, version)).toISOString();
  return {
    schemaVersion: 1,
    eventId: String(version),
    occurredAt: at,
    type: 'contact.upserted',
    workspaceId,
    contactId,
    contact: {
      id: contactId,
      workspaceId,
      email,
      phone: null,
      firstName: `v${version}`,
      lastName: null,
      createdAt: '2026-11-24T09:00:00.000Z',
      updatedAt: at,
      version,
    },
  };
}

export const newId = (): string => randomUUID();
