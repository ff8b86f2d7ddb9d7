// Streaming every member of a segment, for campaign senders: a point in time (PIT) keeps the
// whole stream on one consistent view of the index, search_after on contact_id pages through it
// 1,000 at a time, and each page is written only when the client has taken the previous one
// (backpressure), so millions of members never sit in memory. The PIT is closed when the stream
// ends, fails, or the client goes away (an open PIT holds resources). A dropped stream resumes
// from the last contact id the client received (`after`): members are in contact id order, so
// nothing is sent twice or skipped; the rest comes from a new point in time (the index as it is
// then). For a list frozen at send time, use an audience snapshot. Rows carry the requested fields
// (member-fields: camelCase keys in NDJSON, the contact file's headers in CSV), tag ids turned into
// names from Postgres page by page.
import type { Response } from 'express';
import { csvLine } from '../contact-files/contact-csv-format';
import { ValidationError } from '../errors/app-error';
import { write } from '../http/write-with-backpressure';
import { chargeSearchCost } from '../http/rate-limits';
import { memberPassCost } from '../http/search-cost';
import { completeOrThrow, searchTime, withinSearchTime } from '../http/search-timeouts';
import { labelKeyCounts } from '../labels/labels-store';
import { compileToElasticsearch, Condition, EsClient, estypes, Logger, Pool, workspaceSearch } from '@segmenter/shared';
import { csvColumnsOf, csvHeaderOf, customFieldsNamed, memberCsvCells, memberJsonRow, MemberFieldList, sourceFieldsOf } from './member-fields';
import type { ResolutionContext } from './resolution-context';
import { createTagNameLookup } from './tag-name-lookup';

export const MEMBER_PAGE_SIZE = 1000;
const KEEP_ALIVE = '2m';

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
}

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

/**
 * Opens a point in time over the segment's members; its pages all read that one view of the index.
 * The pass is charged to the request's key first (many pages: a member pass costs more than a
 * count). Each page is bounded in time; a page that timed out is partial, so it is never sent: the
 * stream fails (a 503 before the first byte, a cut stream after it).
 */
export async function openMemberPages(es: EsClient, alias: string, request: MemberPagesRequest, log: Logger): Promise<MemberPages> {
  await chargeSearchCost(memberPassCost(request.tree), 'body');
  const search = workspaceSearch(alias, request.workspaceId, [compileToElasticsearch(request.tree)]);
  const time = searchTime(es);
  let pit = (await withinSearchTime(() => es.openPointInTime({ index: search.index, routing: search.routing, keep_alive: KEEP_ALIVE }, time.options))).id;
  return {
    async *pages(stop) {
      let searchAfter: estypes.SortResults | undefined = request.after ? [request.after] : undefined;
      for (;;) {
        if (stop()) return;
        const body = {
          ...time.body,
          pit: { id: pit, keep_alive: KEEP_ALIVE },
          size: MEMBER_PAGE_SIZE,
          query: search.query,
          sort: [{ contact_id: 'asc' }],
          _source: request.source,
          track_total_hits: false,
          ...(searchAfter ? { search_after: searchAfter } : {}),
        } satisfies estypes.SearchRequest;
        const page: estypes.SearchResponse = completeOrThrow(await withinSearchTime(() => es.search(body, time.options)));
        const hits = page.hits.hits;
        if (page.pit_id) pit = page.pit_id;
        if (hits.length === 0) return;
        yield hits;
        searchAfter = hits[hits.length - 1]!.sort;
        if (hits.length < MEMBER_PAGE_SIZE) return;
      }
    },
    close: () =>
      es.closePointInTime({ id: pit }).then(
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

  const members = await openMemberPages(deps.es, deps.alias, { tree: request.tree, workspaceId, after: request.after, source: sourceFieldsOf(fields) }, log);
  let sent = 0;
  try {
    await streamAnswer(res, log, { message: 'member stream failed', progress: () => ({ sent }) }, async (gone) => {
      res.status(200);
      res.setHeader('Content-Type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      if (request.format === 'csv' && !request.after) await write(res, csvLine(columns.map(csvHeaderOf)));
      for await (const hits of members.pages(gone)) {
        const docs = hits.map((h) => h._source as Record<string, unknown> & { tag_ids?: string[] });
        const names = await tagNames(docs.flatMap((d) => d.tag_ids ?? []));
        const lines = docs.map((doc) =>
          request.format === 'csv' ? csvLine(memberCsvCells(doc, columns, names)) : `${JSON.stringify(memberJsonRow(doc, fields, names))}\n`,
        );
        await write(res, lines.join(''));
        sent += hits.length;
      }
    });
  } finally {
    // Closed on every path (done, failure, client gone): an open PIT holds resources.
    await members.close();
  }
}
