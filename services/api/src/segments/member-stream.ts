// Streaming every member of a segment, for campaign senders: a point in time (PIT) keeps the
// whole stream on one consistent view of the index, search_after on contact_id pages through it
// 1,000 at a time, and each page is written only when the client has taken the previous one
// (backpressure), so millions of members never sit in memory. The PIT is closed when the stream
// ends, fails, or the client goes away (an open PIT holds resources). A dropped stream resumes
// from the last contact id the client received (`after`): members are in contact id order, so
// nothing is sent twice or skipped; the rest comes from a new point in time (the index as it is
// then). For a list frozen at send time, use an audience snapshot.
import type { Response } from 'express';
import { csvCell } from '../contact-files/contact-csv-format';
import { write } from '../http/write-with-backpressure';
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, workspaceSearch } from '@segmenter/shared';

export const MEMBER_FIELDS = ['id', 'email', 'phone', 'first_name', 'last_name', 'email_status', 'phone_status', 'country', 'city', 'language', 'timezone', 'created_at'] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

export const MEMBER_PAGE_SIZE = 1000;
const KEEP_ALIVE = '2m';

export interface StreamRequest {
  tree: Condition;
  workspaceId: string;
  format: 'ndjson' | 'csv';
  fields: MemberField[];
  /** Resume after this contact id. */
  after?: string;
}

const sourceField = (f: MemberField) => (f === 'id' ? 'contact_id' : f);

export interface MemberPagesRequest {
  tree: Condition;
  workspaceId: string;
  /** Start after this contact id. */
  after?: string;
  /** Document fields each hit carries. */
  source: string[];
}

export interface MemberPages {
  /** Pages of at most MEMBER_PAGE_SIZE hits in contact id order, until the last one or until `stop()` says so. */
  pages(stop: () => boolean): AsyncGenerator<estypes.SearchHit[], void>;
  /** Closes the point in time; never throws. Call it on every path: an open PIT holds resources. */
  close(): Promise<void>;
}

/** Opens a point in time over the segment's members; its pages all read that one view of the index. */
export async function openMemberPages(es: EsClient, alias: string, request: MemberPagesRequest, log: Logger): Promise<MemberPages> {
  const search = workspaceSearch(alias, request.workspaceId, [compileToElasticsearch(request.tree)]);
  let pit = (await es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE })).id;
  return {
    async *pages(stop) {
      let searchAfter: estypes.SortResults | undefined = request.after ? [request.after] : undefined;
      for (;;) {
        if (stop()) return;
        const page: estypes.SearchResponse = await es.search({
          pit: { id: pit, keep_alive: KEEP_ALIVE },
          size: MEMBER_PAGE_SIZE,
          query: search.query,
          sort: [{ contact_id: 'asc' }],
          _source: request.source,
          track_total_hits: false,
          ...(searchAfter ? { search_after: searchAfter } : {}),
        });
        const hits = page.hits.hits;
        if (page.pit_id) pit = page.pit_id;
        if (hits.length === 0) return;
        yield hits;
        searchAfter = hits[hits.length - 1]!.sort;
        if (hits.length < MEMBER_PAGE_SIZE) return;
      }
    },
    close: () => es.closePointInTime({ id: pit }).then(
      () => undefined,
      (err) => log.debug({ err }, 'closing the point in time failed'),
    ),
  };
}

/**
 * Runs a streamed answer: `produce` sets the headers and writes (with `write`), checking `gone()`
 * between pages. A failure before the first byte is thrown, for the error handler to answer with
 * its proper status; after it, the only honest signal left is to cut the stream short.
 */
export async function streamAnswer(
  res: Response,
  log: Logger,
  failure: { message: string; progress: () => Record<string, unknown> },
  produce: (gone: () => boolean) => Promise<void>,
): Promise<void> {
  let clientGone = false;
  res.on('close', () => (clientGone = !res.writableFinished));
  const gone = () => clientGone || res.destroyed;
  try {
    await produce(gone);
    if (!gone()) res.end();
  } catch (err) {
    // Nothing sent yet: the error handler can still answer with a proper status.
    if (!res.headersSent && !gone()) throw err;
    if (!gone()) log.warn({ err, ...failure.progress() }, failure.message);
    res.destroy(err as Error);
  }
}

export async function streamMembers(es: EsClient, alias: string, request: StreamRequest, res: Response, log: Logger): Promise<void> {
  const members = await openMemberPages(es, alias, { tree: request.tree, workspaceId: request.workspaceId, after: request.after, source: request.fields.map(sourceField) }, log);
  let sent = 0;
  try {
    await streamAnswer(res, log, { message: 'member stream failed', progress: () => ({ sent }) }, async (gone) => {
      res.status(200);
      res.setHeader('Content-Type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      if (request.format === 'csv' && !request.after) await write(res, `${request.fields.join(',')}\r\n`);
      for await (const hits of members.pages(gone)) {
        const lines = hits.map((h) => {
          const s = h._source as Record<string, unknown>;
          if (request.format === 'csv') return `${request.fields.map((f) => csvCell(s[sourceField(f)])).join(',')}\r\n`;
          return `${JSON.stringify(Object.fromEntries(request.fields.map((f) => [f, s[sourceField(f)] ?? null])))}\n`;
        });
        await write(res, lines.join(''));
        sent += hits.length;
      }
    });
  } finally {
    // Closed on every path (done, failure, client gone): an open PIT holds resources.
    await members.close();
  }
}
