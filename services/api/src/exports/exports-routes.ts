// /v1/exports: files of contacts for people to download. The route validates the request and
// hands it to the streaming writer (contact-export), which owns paging, cells and the stream.
import { Router } from 'express';
import { requireApiKey, workspaceOf } from '../auth/authenticate';
import { parseRequestPart } from '../http/validate';
import { ContactExportDependencies, ExportSource, exportContacts } from './contact-export';
import { ContactExportRequest } from './export-schemas';

function sourceOf(body: ContactExportRequest): ExportSource {
  if (body.segment) return { kind: 'segment', query: body.segment, at: 'body.segment' };
  if (body.search) return { kind: 'search', q: body.search.q };
  return { kind: 'deleted' };
}

export function exportsRoutes(deps: ContactExportDependencies): Router {
  const router = Router();
  router.post('/contacts', requireApiKey(deps.pool, 'read'), async (req, res) => {
    const body = parseRequestPart(ContactExportRequest, 'body', req.body);
    await exportContacts(deps, workspaceOf(res), { source: sourceOf(body), columns: body.columns, columnsAt: 'body.columns' }, res);
  });
  return router;
}
