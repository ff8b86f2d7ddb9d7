// /v1/tags and the tag actions on contacts: parse, call one service method, shape the answer.
import { Router } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { publicContact } from '../contacts/public-contact';
import { ContactIdParams } from '../contacts/contact-schemas';
import { idempotent } from '../http/idempotency';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { BulkTagRequest, CreateTagRequest, TagIdParams, TagSelection, UpdateTagQuery, UpdateTagRequest, DeleteTagQuery } from './tag-schemas';
import type { TagOperation, TagsService } from './tags-service';

export function tagsRoutes(service: TagsService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const once = idempotent(pool);
  const idOf = (params: unknown) => parseRequestPart(TagIdParams, 'params', params).id;

  router.get('/', read, async (req, res) => {
    res.json(await service.listTags(workspaceOf(res), parseRequestPart(ListQuery, 'query', req.query)));
  });
  router.post('/', write, once, async (req, res) => {
    const body = parseRequestPart(CreateTagRequest, 'body', req.body);
    const tag = await service.createTag(workspaceOf(res), body.name, body.protected ?? false);
    res.status(201).location(`${req.baseUrl}/${tag.id}`).json(tag);
  });
  for (const operation of ['add', 'remove'] as TagOperation[]) {
    router.post(`/bulk-${operation}`, write, once, async (req, res) => {
      const { contactIds, ...selection } = parseRequestPart(BulkTagRequest, 'body', req.body);
      res.json(await service.bulkChangeTags(workspaceOf(res), contactIds, selection, operation));
    });
  }
  router.get('/:id', read, async (req, res) => {
    res.json(await service.getTag(workspaceOf(res), idOf(req.params)));
  });
  router.patch('/:id', write, async (req, res) => {
    const id = idOf(req.params);
    const { dryRun } = parseRequestPart(UpdateTagQuery, 'query', req.query);
    const body = parseRequestPart(UpdateTagRequest, 'body', req.body);
    res.json(await (dryRun ? service.previewUpdateTag : service.updateTag)(workspaceOf(res), id, body));
  });
  router.delete('/:id', write, async (req, res) => {
    const { force, dryRun } = parseRequestPart(DeleteTagQuery, 'query', req.query);
    if (dryRun) {
      res.json(await service.previewDeleteTag(workspaceOf(res), idOf(req.params), { force }));
      return;
    }
    const job = await service.deleteTag(workspaceOf(res), idOf(req.params), { force });
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });
  return router;
}

/** POST /v1/contacts/:id/tags/add and /remove. */
export function contactTagsRoutes(service: TagsService, pool: Pool): Router {
  const router = Router();
  for (const operation of ['add', 'remove'] as TagOperation[]) {
    router.post(`/:id/tags/${operation}`, requireApiKey(pool, 'write'), async (req, res) => {
      const { id } = parseRequestPart(ContactIdParams, 'params', req.params);
      const selection = parseRequestPart(TagSelection, 'body', req.body);
      res.json(publicContact(await service.changeContactTags(workspaceOf(res), id, selection, operation)));
    });
  }
  return router;
}
