// Contact writes: the row and its change event commit in one transaction (transactional outbox).
import { ContactSnapshot, inTransaction, Pool } from '@segmenter/shared';
import { NotFoundError } from '../errors/app-error';
import { appendOutboxEvent } from '../outbox/outbox-store';
import type { CreateContactRequest } from './contact-schemas';
import { findContact, insertContact } from './contacts-store';

export function createContactsService(pool: Pool) {
  return {
    async createContact(workspaceId: string, request: CreateContactRequest): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        const contact = await insertContact(client, workspaceId, request);
        await appendOutboxEvent(client, { type: 'contact.upserted', workspaceId, contactId: contact.id, contact });
        return contact;
      });
    },

    async getContact(workspaceId: string, id: string): Promise<ContactSnapshot> {
      const contact = await findContact(pool, workspaceId, id);
      if (!contact) throw new NotFoundError(`Contact ${id}`);
      return contact;
    },
  };
}
export type ContactsService = ReturnType<typeof createContactsService>;
