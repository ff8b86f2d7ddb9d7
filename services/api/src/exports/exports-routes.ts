// /v1/exports: files of contacts for people to download. The route validates the request and
// hands it to the exports service, which streams the file.
import { Router } from 'express';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { parseRequestPart } from '../http/validate';
import type { Pool } from '@segmenter/shared';
import type { ExportSource } from './contact-export';
import { ContactExportRequest } from './export-schemas';
import type { ExportsService } from './exports-service';

function sourceOf(body: ContactExportRequest): ExportSource {
  if (body.segment) return { kind: 'segment', query: body.segment, at: 'body.segment' };
  if (body.search) return { kind: 'search', q: body.search.q };
  return { kind: 'deleted' };
}

export function exportsRoutes(contactExports: ExportsService, pool: Pool): Router {
  const router = Router();
  router.post('/contacts', requireApiKey(pool, 'read'), async (req, res) => {
    const body = parseRequestPart(ContactExportRequest, 'body', req.body);
    await contactExports.exportContacts(workspaceOf(res), { source: sourceOf(body), columns: body.columns, columnsAt: 'body.columns' }, res);
  });
  return router;
}
