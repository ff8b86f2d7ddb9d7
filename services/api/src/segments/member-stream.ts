// Streaming every member of a segment, for campaign senders: a point in time (PIT) keeps the
// whole stream on one consistent view of the index, search_after on contact_id pages through it
// 1,000 at a time, and each page is written only when the client has taken the previous one
// (backpressure), so millions of members never sit in memory. The PIT is closed when the stream
// ends, fails, or the client goes away (an open PIT holds resources). A dropped stream resumes
// from the last contact id the client received (`after`): members are in contact id order, so
// nothing is sent twice or skipped; the rest comes from a new point in time (the index as it is
// then). For a list frozen at send time, use an audience snapshot.
import type { Response } from 'express';
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, workspaceSearch } from '@segmenter/shared';

export const MEMBER_FIELDS = ['id', 'email', 'phone', 'first_name', 'last_name', 'email_status', 'phone_status', 'country', 'city', 'language', 'timezone', 'created_at'] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

const PAGE = 1000;
const KEEP_ALIVE = '2m';

export interface StreamRequest {
  tree: Condition;
  workspaceId: string;
  format: 'ndjson' | 'csv';
  fields: MemberField[];
  /** Resume after this contact id. */
  after?: string;
}

/** CSV cell: quoted when it holds a comma, quote or line break; formula-leading cells defused. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection); a phone
  // number in E.164 (+ and digits only) is not, and stays as it is.
  if (/^[=+\-@\t\r]/.test(text) && !/^\+\d+$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const sourceField = (f: MemberField) => (f === 'id' ? 'contact_id' : f);

function write(res: Response, chunk: string): Promise<void> {
  // Gone already: a 'close' that fired before we listen would leave us waiting for 'drain' forever.
  if (res.destroyed || res.socket?.destroyed) return Promise.reject(new Error('client went away'));
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', done);
      reject(new Error('client went away'));
    };
    res.once('drain', done);
    res.once('close', closed);
  });
}

export async function streamMembers(es: EsClient, alias: string, request: StreamRequest, res: Response, log: Logger): Promise<void> {
  const search = workspaceSearch(alias, request.workspaceId, [compileToElasticsearch(request.tree)]);
  let pit = (await es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE })).id;
  let clientGone = false;
  res.on('close', () => (clientGone = !res.writableFinished));
  const gone = () => clientGone || res.destroyed;
  res.status(200);
  res.setHeader('Content-Type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
  let sent = 0;
  try {
    if (request.format === 'csv' && !request.after) await write(res, `${request.fields.join(',')}\r\n`);
    let searchAfter: estypes.SortResults | undefined = request.after ? [request.after] : undefined;
    for (;;) {
      if (gone()) break;
      const page: estypes.SearchResponse = await es.search({
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        size: PAGE,
        query: search.query,
        sort: [{ contact_id: 'asc' }],
        _source: request.fields.map(sourceField),
        track_total_hits: false,
        ...(searchAfter ? { search_after: searchAfter } : {}),
      });
      const hits = page.hits.hits;
      if (page.pit_id) pit = page.pit_id;
      if (hits.length === 0) break;
      const lines = hits.map((h) => {
        const s = h._source as Record<string, unknown>;
        if (request.format === 'csv') return `${request.fields.map((f) => csvCell(s[sourceField(f)])).join(',')}\r\n`;
        return `${JSON.stringify(Object.fromEntries(request.fields.map((f) => [f, s[sourceField(f)] ?? null])))}\n`;
      });
      await write(res, lines.join(''));
      sent += hits.length;
      searchAfter = hits[hits.length - 1]!.sort;
      if (hits.length < PAGE) break;
    }
    if (!gone()) res.end();
  } catch (err) {
    // Nothing sent yet: the error handler can still answer with a proper status.
    if (!res.headersSent && !gone()) throw err;
    if (!gone()) log.warn({ err, sent }, 'member stream failed');
    // Headers are gone: the only honest signal left is to cut the stream short.
    res.destroy(err as Error);
  } finally {
    // Closed on every path (done, failure, client gone): an open PIT holds resources.
    await es.closePointInTime({ id: pit }).catch((err) => log.debug({ err }, 'closing the point in time failed'));
  }
}
