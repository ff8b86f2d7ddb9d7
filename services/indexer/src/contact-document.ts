// Builds the Elasticsearch document for a contact from the event's snapshot alone: the indexer
// never reads Postgres, so an event replayed a year later still produces the same document.
import type { ContactSnapshot } from '@segmenter/shared';

export interface ContactDocument {
  workspace_id: string;
  contact_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export function contactDocument(contact: ContactSnapshot): ContactDocument {
  return {
    workspace_id: contact.workspaceId,
    contact_id: contact.id,
    email: contact.email,
    phone: contact.phone,
    first_name: contact.firstName,
    last_name: contact.lastName,
    created_at: contact.createdAt,
    updated_at: contact.updatedAt,
    version: contact.version,
  };
}
