// /v1/imports: create an import, send its file (streamed, never parsed as JSON), follow it,
// cancel it, download what it refused. Parse, call one service method, answer.
import { Router, Request } from 'express';
import type { Pool } from '@segmenter/shared';
import { requireApiKey } from '../auth/authenticate';
import { workspaceOf } from '../http/request-principal';
import { rejectedRowLine, rejectedRowsHeader } from '../contact-files/contact-csv-reader';
import { AppError } from '../errors/app-error';
import { ListQuery } from '../http/list-page';
import { parseRequestPart } from '../http/validate';
import { write as writeAtClientPace } from '../http/write-with-backpressure';
import { ImportIdParams, ImportOptions, RejectionsQuery } from './import-schemas';
import type { ImportsService } from './imports-service';

class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(415, 'Unsupported media type', 'Send the file as the raw request body with Content-Type text/csv (not JSON, not a form)');
  }
}

/** The raw body stream of a file upload; refused when a body parser already consumed it. */
function fileBody(req: Request): NodeJS.ReadableStream {
  if (req.is(['application/json', 'application/*+json', 'multipart/form-data', 'application/x-www-form-urlencoded'])) throw new UnsupportedMediaTypeError();
  return req;
}

const contentLength = (req: Request) => {
  const n = Number(req.headers['content-length']);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
};

export function importsRoutes(service: ImportsService, pool: Pool): Router {
  const router = Router();
  const read = requireApiKey(pool, 'read');
  const write = requireApiKey(pool, 'write');
  const idOf = (params: unknown) => parseRequestPart(ImportIdParams, 'params', params).id;

  router.post('/', write, async (req, res) => {
    const options = parseRequestPart(ImportOptions, 'body', req.body ?? {});
    const created = await service.create(workspaceOf(res), options);
    res.status(201).location(`${req.baseUrl}/${created.id}`).json(created);
  });

  router.get('/', read, async (req, res) => {
    res.json(await service.list(workspaceOf(res), parseRequestPart(ListQuery, 'query', req.query)));
  });

  router.get('/template', read, async (_req, res) => {
    res
      .type('text/csv; charset=utf-8')
      .attachment('contacts-template.csv')
      .send(await service.template(workspaceOf(res)));
  });

  router.get('/:id', read, async (req, res) => {
    res.json(await service.get(workspaceOf(res), idOf(req.params)));
  });

  router.put('/:id/file', write, async (req, res) => {
    const id = idOf(req.params);
    const answer = await service.upload(workspaceOf(res), id, fileBody(req), contentLength(req));
    // The upload stopped before the end of the file (the import was cancelled): say so and close
    // the connection rather than leave the rest of the body on a socket another request would reuse.
    if (!req.readableEnded) {
      res.set('Connection', 'close');
      req.resume();
    }
    res.status(202).json(answer);
  });

  router.post('/:id/preview', read, async (req, res) => {
    const record = await service.requireImport(workspaceOf(res), idOf(req.params));
    res.json(await service.preview(workspaceOf(res), record.options, fileBody(req)));
  });

  router.post('/:id/cancel', write, async (req, res) => {
    res.json(await service.cancel(workspaceOf(res), idOf(req.params)));
  });

  router.get('/:id/rejections', read, async (req, res) => {
    const { after, limit } = parseRequestPart(RejectionsQuery, 'query', req.query);
    const items = await service.rejections(workspaceOf(res), idOf(req.params), after, limit);
    res.json({ items, nextAfter: items.length === limit ? items[items.length - 1]!.rowNumber : null });
  });

  // Every refused row with its cells as uploaded and an error column: fix and upload it again.
  router.get('/:id/rejected-rows', read, async (req, res) => {
    const workspaceId = workspaceOf(res);
    const record = await service.requireImport(workspaceId, idOf(req.params));
    const headers = record.headers ?? [];
    res.status(200).type('text/csv; charset=utf-8').attachment(`rejected-rows-${record.id}.csv`);
    try {
      await writeAtClientPace(res, rejectedRowsHeader(headers));
      for (let after = 0; ;) {
        const page = await service.rejections(workspaceId, record.id, after, 1000);
        if (page.length === 0) break;
        await writeAtClientPace(res, page.map((r) => rejectedRowLine(r.rowNumber, r.cells, r.problems, headers.length)).join(''));
        after = page[page.length - 1]!.rowNumber;
      }
    } catch (err) {
      // The client went away: nobody is left to answer.
      if (res.destroyed || res.socket?.destroyed) return;
      throw err;
    }
    res.end();
  });
  return router;
}
