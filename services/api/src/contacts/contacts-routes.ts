// /v1/contacts: parse, call one service method, shape the answer.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { principalOf, workspaceOf } from '../http/request-principal';
import { idempotent } from '../http/idempotency';
import { checkRequestPart, parseRequestPart } from '../http/validate';
import {
  BatchGetRequest,
  BatchUpsertRequest,
  BulkStatusRequest,
  ContactIdParams,
  CreateContactRequest,
  DeleteContactRequest,
  ListContactsQuery,
  ListDeletedQuery,
  OneClickActionRequest,
  StatusChangeRequest,
  UpdateContactRequest,
  upsertContact,
  UpsertContactRequest,
} from './contact-schemas';
import type { ContactsService } from './contacts-service';
import { publicContact } from './public-contact';
import { batchGetContacts } from './contact-batch-get';

const ONE_CLICK_ACTIONS = {
  'blacklist-email': { channel: 'email', status: 'blacklisted' },
  'blacklist-phone': { channel: 'phone', status: 'blacklisted' },
  'unsubscribe-email': { channel: 'email', status: 'unsubscribed' },
  'clear-spam-report': { channel: 'email', status: 'active' },
} as const;

export function contactsRoutes(service: ContactsService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const once = idempotent(pool);
  const idOf = (params: unknown) => parseRequestPart(ContactIdParams, 'params', params).id;

  router.get('/', read, async (req, res) => {
    const query = parseRequestPart(ListContactsQuery, 'query', req.query);
    const page = await service.listContacts(workspaceOf(res), { ...query, deleted: false });
    res.json({ items: page.items.map(publicContact), nextCursor: page.nextCursor });
  });

  router.get('/deleted', read, async (req, res) => {
    const query = parseRequestPart(ListDeletedQuery, 'query', req.query);
    const page = await service.listContacts(workspaceOf(res), { ...query, deleted: true });
    res.json({ items: page.items.map(publicContact), nextCursor: page.nextCursor });
  });

  router.post('/', write, once, async (req, res) => {
    const body = parseRequestPart(CreateContactRequest, 'body', req.body);
    const contact = await service.createContact(workspaceOf(res), body);
    res.status(201).location(`${req.baseUrl}/${contact.id}`).json(publicContact(contact));
  });

  router.post('/upsert', write, once, async (req, res) => {
    const { matchBy, createMissing, contact: raw } = parseRequestPart(UpsertContactRequest, 'body', req.body);
    const write = parseRequestPart(upsertContact(matchBy), 'body.contact', raw);
    const { status, contact } = await service.upsertContact(workspaceOf(res), matchBy, write, createMissing);
    res.status(status === 'created' ? 201 : 200).json({ status, contact: publicContact(contact) });
  });

  router.post('/batch-upsert', write, once, async (req, res) => {
    const { matchBy, createMissing, contacts } = parseRequestPart(BatchUpsertRequest, 'body', req.body);
    const itemSchema = upsertContact(matchBy);
    // Each item is validated alone, so one bad item fails alone with its own errors.
    const items = contacts.map((raw, index) => {
      const checked = checkRequestPart(itemSchema, `body.contacts.${index}`, raw);
      return checked.ok ? checked.data : checked.problems;
    });
    const results = await service.batchUpsert(workspaceOf(res), matchBy, items, createMissing);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    res.json({
      summary: { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), failed: count('error') },
      results,
    });
  });

  // A read, though a POST: a thousand ids do not fit a URL.
  router.post('/batch-get', read, async (req, res) => {
    const { ids } = parseRequestPart(BatchGetRequest, 'body', req.body);
    const { items, missing } = await batchGetContacts(pool, workspaceOf(res), ids);
    res.json({ items: items.map(publicContact), missing });
  });

  router.post('/bulk-status', write, once, async (req, res) => {
    const body = parseRequestPart(BulkStatusRequest, 'body', req.body);
    res.json(await service.bulkChangeStatus(workspaceOf(res), body));
  });

  router.get('/:id', read, async (req, res) => {
    res.json(publicContact(await service.getContact(workspaceOf(res), idOf(req.params))));
  });

  router.patch('/:id', write, async (req, res) => {
    const id = idOf(req.params);
    const body = parseRequestPart(UpdateContactRequest, 'body', req.body);
    res.json(publicContact(await service.updateContact(workspaceOf(res), id, body)));
  });

  router.delete('/:id', write, async (req, res) => {
    const id = idOf(req.params);
    const { reason } = parseRequestPart(DeleteContactRequest, 'body', req.body ?? {});
    res.json(publicContact(await service.deleteContact(workspaceOf(res), id, reason ?? null, principalOf(res).apiKeyId)));
  });

  router.post('/:id/restore', write, async (req, res) => {
    res.json(publicContact(await service.restoreContact(workspaceOf(res), idOf(req.params))));
  });

  // Erasure is irreversible, so it takes the admin scope.
  router.delete('/:id/erase', requireApiKey(pool, 'admin'), async (req, res) => {
    await service.eraseContact(workspaceOf(res), idOf(req.params));
    res.status(204).end();
  });

  router.post('/:id/status', write, async (req, res) => {
    const id = idOf(req.params);
    const body = parseRequestPart(StatusChangeRequest, 'body', req.body);
    res.json(publicContact(await service.changeStatus(workspaceOf(res), id, body)));
  });

  router.get('/:id/status-history', read, async (req, res) => {
    res.json({ items: await service.statusHistory(workspaceOf(res), idOf(req.params)) });
  });

  for (const [action, change] of Object.entries(ONE_CLICK_ACTIONS)) {
    router.post(`/:id/actions/${action}`, write, async (req, res) => {
      const id = idOf(req.params);
      const { reason } = parseRequestPart(OneClickActionRequest, 'body', req.body);
      res.json(publicContact(await service.changeStatus(workspaceOf(res), id, { ...change, reason: reason ?? `one-click ${action}` })));
    });
  }
  return router;
}
