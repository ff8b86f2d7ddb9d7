// /v1/contacts: parse, call one service method, shape the answer.
import { Router } from 'express';
import type { Pool } from 'pg';
import { principalOf, requireApiKey } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { ContactIdParams, CreateContactRequest } from './contact-schemas';
import type { ContactsService } from './contacts-service';

export function contactsRoutes(service: ContactsService, pool: Pool): Router {
  const router = Router();
  router.post('/', requireApiKey(pool, 'write'), async (req, res) => {
    const body = parseRequestPart(CreateContactRequest, 'body', req.body);
    const contact = await service.createContact(principalOf(res).workspaceId, body);
    res.status(201).location(`${req.baseUrl}/${contact.id}`).json(publicContact(contact));
  });
  router.get('/:id', requireApiKey(pool, 'read'), async (req, res) => {
    const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
    res.json(publicContact(await service.getContact(principalOf(res).workspaceId, id)));
  });
  return router;
}

/** The API's view of a contact: the snapshot without the workspace id (implied by the key). */
function publicContact({ workspaceId: _workspaceId, ...contact }: import('@segmenter/shared').ContactSnapshot) {
  return contact;
}
