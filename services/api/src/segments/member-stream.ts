// Streaming every member of a segment, for campaign senders: a point in time (PIT) keeps the
// whole stream on one consistent view of the index, search_after on contact_id pages through it
// (10,000 a page: each page costs Elasticsearch a pass over the matches to find the next ids in
// order, so fewer, larger pages are faster), and the next page is fetched while the client takes
// the current one (backpressure: at most two pages in memory, so millions of members never sit
// there). A stream of ids alone reads no document at all: the id is the page's sort value. The PIT
// is closed when the stream ends, fails, or the client goes away (an open PIT holds resources). A
// dropped stream resumes from the last contact id the client received (`after`): members are in
// contact id order, so nothing is sent twice or skipped; the rest comes from a new point in time
// (the index as it is then). For a list frozen at send time, use an audience snapshot. Rows carry
// the requested fields (member-fields: camelCase keys in NDJSON, the contact file's headers in
// CSV), tag ids turned into names from Postgres page by page.
import type { Response } from 'express';
import { csvLine } from '../contact-files/contact-csv-format';
import { ValidationError } from '../errors/app-error';
import { write } from '../http/write-with-backpressure';
import { chargeSearchCost } from '../http/rate-limits';
import { memberPassCost } from '../http/search-cost';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';
import { labelKeyCounts } from '../labels/labels-store';
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, Pool, workspaceSearch } from '@segmenter/shared';
import { csvColumnsOf, csvHeaderOf, customFieldsNamed, memberCsvCells, memberJsonRow, MemberField, MemberFieldList, sourceFieldsOf } from './member-fields';
import type { ResolutionContext } from './resolution-context';
import { createTagNameLookup } from './tag-name-lookup';

/** Members per page for callers that read Postgres per page (exports): a bounded statement. */
export const MEMBER_PAGE_SIZE = 1000;
/**
 * Members per page of an ids-only member stream: Elasticsearch's largest (index.max_result_window). Each page
 * is a pass over the segment's matches, so at 1,000 a page a million members cost a thousand
 * passes; a page of ids is a few hundred kilobytes.
 */
export const MEMBER_STREAM_PAGE_SIZE = 10_000;
const KEEP_ALIVE = '2m';

/**
 * Ids alone page 10,000 at a time (a page is a few hundred kilobytes). Requested fields page as
 * exports do: two pages are held at once, and a slow client must take a page within the point in
 * time's keep-alive, which a page ten times larger would make ten times harder.
 */
function streamPageSize(source: readonly string[]): number {
  return source.every((field) => field === 'contact_id') ? MEMBER_STREAM_PAGE_SIZE : MEMBER_PAGE_SIZE;
}

export interface StreamRequest {
  tree: Condition;
  /** The request's resolution context: its workspace, and the definitions the tree was resolved with. */
  context: ResolutionContext;
  format: 'ndjson' | 'csv';
  /** Parsed by segment-schemas; `at` names the request field in errors. */
  fields: MemberFieldList;
  /** Resume after this contact id. */
  after?: string;
}

/** Postgres for what the index holds as ids or does not know (tag names, custom field definitions, label keys). */
export interface MemberStreamDependencies {
  pool: Pool;
  es: EsClient;
  alias: string;
  /** Members per page (MEMBER_STREAM_PAGE_SIZE; tests shorten it to cross pages). */
  pageSize?: number;
}

export interface MemberPagesRequest {
  tree: Condition;
  workspaceId: string;
  /** Start after this contact id. */
  after?: string;
  /** Document fields each member carries; `contact_id` alone reads no document (the id is the sort value). */
  source: string[];
  /** Members per page (default MEMBER_PAGE_SIZE). */
  pageSize?: number;
}

/** A member as the index holds it: the requested document fields, and always its contact id. */
export type MemberDocument = Record<string, unknown> & { contact_id: string };

export interface MemberPages {
  /** Pages of at most `pageSize` members in contact id order, until the last one or until `stop()` says so. */
  pages(stop: () => boolean): AsyncGenerator<MemberDocument[], void>;
  /** Closes the point in time; never throws. Call it on every path: an open PIT holds resources. */
  close(): Promise<void>;
}

// Only what a page is read for: parsing 10,000 hits' index names, ids and scores is wasted time.
const PAGE_FILTER = ['pit_id', 'timed_out', '_shards.failed', 'hits.hits.sort'];
const PAGE_FILTER_WITH_SOURCE = [...PAGE_FILTER, 'hits.hits._source'];

/**
 * Opens a point in time over the segment's members; its pages all read that one view of the index.
 * The pass is charged to the request's key first (many pages: a member pass costs more than a
 * count). Each page is bounded in time; a page that timed out is partial, so it is never sent: the
 * stream fails (a 503 before the first byte, a cut stream after it). The next page is requested as
 * soon as the current one arrived, so Elasticsearch finds it while the caller writes this one.
 */
export async function openMemberPages(es: EsClient, alias: string, request: MemberPagesRequest, log: Logger): Promise<MemberPages> {
  await chargeSearchCost(memberPassCost(request.tree), 'body');
  const search = workspaceSearch(alias, request.workspaceId, [compileToElasticsearch(request.tree)]);
  const time = searchTime(es);
  const size = request.pageSize ?? MEMBER_PAGE_SIZE;
  // Ids alone come from the sort values: no stored field is read (not even _id), which is most
  // of a page's cost in Elasticsearch when the hits are spread over the whole index.
  const idsOnly = request.source.every((field) => field === 'contact_id');
  let pit = (await withinSearchTime(es, () => es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE }, time.options))).id;
  let pending: Promise<estypes.SearchResponse<Record<string, unknown>>> | undefined;
  const requestPage = (searchAfter: estypes.SortResults | undefined) => {
    const page = withinSearchTime(es, () =>
      es.search<Record<string, unknown>>(
        {
          ...time.body,
          pit: { id: pit, keep_alive: KEEP_ALIVE },
          size,
          query: search.query,
          sort: [{ contact_id: 'asc' }],
          ...(idsOnly ? { _source: false, stored_fields: '_none_' } : { _source: request.source }),
          track_total_hits: false,
          filter_path: idsOnly ? PAGE_FILTER : PAGE_FILTER_WITH_SOURCE,
          ...(searchAfter ? { search_after: searchAfter } : {}),
        },
        time.options,
      ),
    );
    // Awaited by the loop (which sees the failure); the handler only keeps a page that is never
    // awaited (the client went away meanwhile) from being reported as unhandled.
    page.catch(() => undefined);
    return page;
  };
  return {
    async *pages(stop) {
      let next = requestPage(request.after ? [request.after] : undefined);
      pending = next;
      for (;;) {
        if (stop()) return;
        const page = completeOrThrow(await next);
        if (page.pit_id) pit = page.pit_id;
        // filter_path leaves `hits` out altogether when there are none.
        const hits = page.hits?.hits ?? [];
        const more = hits.length === size;
        pending = undefined;
        if (more) pending = next = requestPage(hits[hits.length - 1]!.sort);
        if (hits.length > 0) yield hits.map((h) => ({ ...h._source, contact_id: h.sort![0] as string }));
        if (!more) return;
      }
    },
    async close() {
      // A page still on its way reads the point in time: let it end first (its outcome is not ours to report).
      await pending?.catch(() => undefined);
      await es.closePointInTime({ id: pit }).then(
        () => undefined,
        (err) => log.debug({ err }, 'closing the point in time failed'),
      );
    },
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

const NO_TAG_NAMES: ReadonlyMap<string, string | null> = new Map();

/** Refuses custom fields the workspace does not define, naming each at `<at>.<index>`. */
async function checkCustomFields(context: ResolutionContext, fields: MemberFieldList): Promise<void> {
  const named = customFieldsNamed(fields);
  if (named.length === 0) return;
  const defined = await context.definitions();
  const problems = named
    .filter((n) => !defined.has(n.key))
    .map((n) => ({ field: n.field, rule: `names custom field ${n.key}, which is not defined in this workspace` }));
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * Streams the members as NDJSON (camelCase keys, exactly the requested fields, in their order) or
 * CSV (the contact file's headers). Whatever can be refused (an undefined custom field) is refused
 * before the first byte.
 */
export async function streamMembers(deps: MemberStreamDependencies, request: StreamRequest, res: Response, log: Logger): Promise<void> {
  const { workspaceId } = request.context;
  const { fields } = request.fields;
  const { pool } = deps;
  await checkCustomFields(request.context, request.fields);
  // `labels` in CSV is one column per label key the workspace has (a cell holds no object).
  const wantsLabelColumns = request.format === 'csv' && fields.some((f) => f.kind === 'labels');
  const columns = request.format === 'csv' ? csvColumnsOf(fields, wantsLabelColumns ? (await labelKeyCounts(pool, workspaceId)).map((k) => k.key) : []) : [];
  const tagNames = fields.some((f) => f.kind === 'tags') ? createTagNameLookup(pool, workspaceId) : async () => NO_TAG_NAMES;
  const source = sourceFieldsOf(fields);

  const members = await openMemberPages(
    deps.es,
    deps.alias,
    { tree: request.tree, workspaceId, after: request.after, source, pageSize: deps.pageSize ?? streamPageSize(source) },
    log,
  );
  const ndjsonLine = ndjsonLineOf(fields);
  let sent = 0;
  try {
    await streamAnswer(res, log, { message: 'member stream failed', progress: () => ({ sent }) }, async (gone) => {
      res.status(200);
      res.setHeader('Content-Type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      if (request.format === 'csv' && !request.after) await write(res, csvLine(columns.map(csvHeaderOf)));
      for await (const docs of members.pages(gone)) {
        const names = await tagNames(docs.flatMap((d) => (d.tag_ids as string[] | undefined) ?? []));
        // One write per page: a page of lines is one chunk for the socket, not 10,000.
        let chunk = '';
        if (request.format === 'csv') for (const doc of docs) chunk += csvLine(memberCsvCells(doc, columns, names));
        else for (const doc of docs) chunk += ndjsonLine(doc, names);
        await write(res, chunk);
        sent += docs.length;
      }
    });
  } finally {
    // Closed on every path (done, failure, client gone): an open PIT holds resources.
    await members.close();
  }
}

/**
 * An NDJSON line per member. The common stream, ids alone, is built directly: a million
 * `{"id":...}` objects made and serialised one by one cost more than Elasticsearch's side.
 */
function ndjsonLineOf(fields: readonly MemberField[]): (doc: MemberDocument, names: ReadonlyMap<string, string | null>) => string {
  const only = fields.length === 1 ? fields[0]! : undefined;
  if (only?.kind === 'standard' && only.name === 'id') {
    const prefix = `{${JSON.stringify(only.name)}:`;
    return (doc) => `${prefix}${JSON.stringify(doc.contact_id)}}\n`;
  }
  return (doc, names) => `${JSON.stringify(memberJsonRow(doc, fields, names))}\n`;
}
