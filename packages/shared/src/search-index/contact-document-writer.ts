// The one writer of contact documents to Elasticsearch, for the indexer, a rebuild and a reconcile
// repair: bulk action lines, a verdict per item, retries with backoff and the dead-letter hook.
//
// Every write carries the contact's version as external version, so a stale or replayed write is
// refused by Elasticsearch (409) instead of overwriting newer state; that refusal is success for
// us. Item failures that can heal (429, 5xx, an index a rebuild just retired) are retried with
// backoff, asking for the targets again each time; if they keep failing the call throws, so the
// caller retries its whole batch and commits nothing. Only items Elasticsearch can never accept
// (any other 4xx) go to `onDrop`, the dead-letter hook. See docs/index.md, "Generations".
import type { EsClient, estypes } from '../elasticsearch/es-client';
import type { ChangeEvent } from '../events/change-events';
import { chunkBySize } from '../lang/chunk-by-size';
import { IndexOperation, indexOperationOf } from './contact-document';

/** One document to write; callers extend it with what they need back (the event, the drift). */
export interface DocumentWrite {
  operation: IndexOperation;
}

export interface DroppedWrite<W extends DocumentWrite> {
  write: W;
  /** `<status> <error type>: <reason>` of the first target that refused the write for good. */
  reason: string;
}

export interface ContactDocumentWriterOptions<W extends DocumentWrite> {
  /**
   * The indices to write to, asked again before every attempt: the target aliases of the indices
   * behind the write alias, which name two indices while a rebuild fills a new one.
   */
  resolveTargets: () => Promise<string[]>;
  /** The dead-letter hook: a write no target will ever accept (a 4xx other than 409). */
  onDrop: (dropped: DroppedWrite<W>) => void;
  /** Retries of items that failed with 429/5xx (or a retired index) before the call throws. */
  maxItemRetries?: number;
  /** The first retry waits this long, each next one twice as long. */
  retryBaseMs?: number;
  /** Bounded, so a black-holed Elasticsearch cannot outlast the shutdown timeout. */
  requestTimeoutMs?: number;
  /** The most NDJSON bytes one bulk request carries; a single larger write goes alone. */
  flushBytes?: number;
  /**
   * The client's own resends of a request that failed to connect or timed out (0 by default: the
   * indexer retries the whole batch itself). Jobs keep the client's default, as their copy and
   * repair had before they shared this writer, so a dropped connection does not cost a chunk.
   */
  clientRetries?: number;
}

export interface DocumentWriteOutcome<W extends DocumentWrite> {
  /** Writes every target took, or that some took while the others already held a newer version. */
  indexed: number;
  /** Writes every target refused as older than what it holds: replays, success for us. */
  stale: number;
  /**
   * Writes at least one target refused as older (409), whatever the others did: a repair counts
   * these as not repaired, since that target still holds something else. With one target, the stale ones.
   */
  conflicts: W[];
}

/** elasticsearch-js's default resends, which the rebuild's copy and the repair used before. */
const JOB_CLIENT_RETRIES = 3;
/** The defaults: about 6 s of backoff over five retries (200 ms doubling). */
const MAX_ITEM_RETRIES = 5;
const RETRY_BASE_MS = 200;
/**
 * 5 MiB per request, elasticsearch-js's bulk helper default: Elasticsearch's own guidance for
 * bulk sizes, far below its 100 MB request limit even when a rebuild doubles every write.
 */
const FLUSH_BYTES = 5 * 1024 * 1024;

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Items still failing with a retryable status after every retry: the batch must not be committed. */
export class RetryableBulkError extends Error {
  constructor(readonly reasons: string[]) {
    super(`bulk items still failing after retries: ${reasons.slice(0, 3).join('; ')}`);
    this.name = 'RetryableBulkError';
  }
}

/** Keeps only the newest version of each contact: older ones would be refused anyway. */
export function newestPerContact<W extends DocumentWrite>(writes: W[]): W[] {
  const newest = new Map<string, W>();
  for (const write of writes) {
    const current = newest.get(write.operation.contactId);
    if (!current || write.operation.version > current.operation.version) newest.set(write.operation.contactId, write);
  }
  return [...newest.values()];
}

/** Bulk lines writing each operation to each index, operation-major: the only place they are built. */
export function bulkOperations(operations: IndexOperation[], indices: string[]): object[] {
  return operations.flatMap((op) =>
    indices.flatMap((index) => [
      { index: { _index: index, _id: op.contactId, routing: op.workspaceId, version: op.version, version_type: op.versionType ?? 'external' } },
      op.document,
    ]),
  );
}

type ItemVerdict = 'indexed' | 'stale' | 'retry' | 'failed';

/**
 * What one item's status means. A 404 index_not_found is an index a rebuild just retired: asking
 * for the targets again and retrying sends the write only where it belongs.
 */
function itemVerdict(status: number, errorType: string | undefined): ItemVerdict {
  if (status < 300) return 'indexed';
  if (status === 409) return 'stale';
  if (RETRYABLE.has(status) || (status === 404 && errorType === 'index_not_found_exception')) return 'retry';
  return 'failed';
}

/** A write's verdict is the worst of its targets'; an index that took it outranks one that already had it. */
const WORST: ItemVerdict[] = ['retry', 'failed', 'indexed', 'stale'];

/**
 * Each target's verdict on one write, noting in `tookIt` the targets that took it. A retry goes
 * to every target again; a 409 from one that took this write on an earlier attempt is our own
 * write, not a newer one.
 */
function targetVerdicts(items: estypes.BulkResponseItem[], targets: string[], tookIt: Set<string>): ItemVerdict[] {
  return items.map((r, t) => {
    if (r.status < 300) tookIt.add(targets[t]!);
    return r.status === 409 && tookIt.has(targets[t]!) ? 'indexed' : itemVerdict(r.status, r.error?.type);
  });
}

/**
 * One write's bulk lines as the request carries them, JSON text: serialised once, both to size the
 * requests and to send (the client passes strings through as they are); the document, the same
 * for every target, once.
 */
function bulkLines(write: DocumentWrite, targets: string[]): { lines: string[]; bytes: number } {
  const document = JSON.stringify(write.operation.document);
  const lines = bulkOperations([write.operation], targets).map((line, i) => (i % 2 === 0 ? JSON.stringify(line) : document));
  return { lines, bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) };
}

/**
 * Only what the verdicts read: Elasticsearch otherwise answers each item with its index, id,
 * version, shard counts and sequence numbers, several times the bytes to build and to parse.
 */
const BULK_RESPONSE_FILTER = ['items.*.status', 'items.*.error.type', 'items.*.error.reason'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Writes documents to every target, one bulk request at a time (each within `flushBytes`), with
 * external versions. Returns when every write was taken, found stale or dropped; throws when
 * Elasticsearch is unreachable or items keep failing with retryable statuses.
 */
export async function writeContactDocuments<W extends DocumentWrite>(
  es: EsClient,
  writes: W[],
  options: ContactDocumentWriterOptions<W>,
): Promise<DocumentWriteOutcome<W>> {
  const maxItemRetries = options.maxItemRetries ?? MAX_ITEM_RETRIES;
  const retryBaseMs = options.retryBaseMs ?? RETRY_BASE_MS;
  const outcome: DocumentWriteOutcome<W> = { indexed: 0, stale: 0, conflicts: [] };
  let pending = newestPerContact(writes);
  const takenBy = new Map<W, Set<string>>();
  for (let attempt = 0; pending.length > 0; attempt++) {
    const targets = await options.resolveTargets();
    if (targets.length === 0) throw new RetryableBulkError(['the write alias names no index']);
    const retry: W[] = [];
    const serialised = new Map(pending.map((w) => [w, bulkLines(w, targets)]));
    for (const request of chunkBySize(pending, options.flushBytes ?? FLUSH_BYTES, (w) => serialised.get(w)!.bytes)) {
      // A request-level failure (Elasticsearch down) throws: the caller retries the whole batch.
      // The targets are per-generation aliases, asked just now; require_alias makes a write to a
      // generation retired meanwhile fail instead of auto-creating an index by its name. A client
      // resend goes to the same targets, which is safe: require_alias refuses a retired one, and the
      // item retry below asks for the targets again.
      const response = await es.bulk(
        {
          operations: request.flatMap((w) => serialised.get(w)!.lines) as unknown as object[],
          refresh: false,
          require_alias: true,
          filter_path: BULK_RESPONSE_FILTER,
        },
        { requestTimeout: options.requestTimeoutMs, maxRetries: options.clientRetries ?? 0 },
      );
      request.forEach((write, i) => {
        const items = response.items.slice(i * targets.length, (i + 1) * targets.length).map((item) => item.index!);
        const tookIt = takenBy.get(write) ?? new Set<string>();
        takenBy.set(write, tookIt);
        const verdicts = targetVerdicts(items, targets, tookIt);
        const verdict = WORST.find((v) => verdicts.includes(v))!;
        if (verdict === 'retry') {
          retry.push(write);
          return;
        }
        if (verdict === 'failed') {
          const r = items.find((item) => itemVerdict(item.status, item.error?.type) === 'failed')!;
          options.onDrop({ write, reason: `${r.status} ${r.error?.type ?? ''}: ${r.error?.reason ?? 'unknown'}` });
          return;
        }
        outcome[verdict] += 1;
        if (verdicts.includes('stale')) outcome.conflicts.push(write);
      });
    }
    if (retry.length > 0 && attempt >= maxItemRetries) {
      throw new RetryableBulkError(retry.map((w) => w.operation.contactId));
    }
    pending = retry;
    if (pending.length > 0) await sleep(retryBaseMs * 2 ** attempt);
  }
  return outcome;
}

/**
 * For jobs (a rebuild's copy, a repair), which have no dead-letter topic: a write no target will
 * ever accept fails the chunk, named by `what`, and the job runner retries or fails the job.
 */
export async function writeContactDocumentsOrThrow<W extends DocumentWrite>(
  es: EsClient,
  writes: W[],
  options: Omit<ContactDocumentWriterOptions<W>, 'onDrop'>,
  what: string,
): Promise<DocumentWriteOutcome<W>> {
  const dropped: DroppedWrite<W>[] = [];
  const outcome = await writeContactDocuments(es, writes, { clientRetries: JOB_CLIENT_RETRIES, ...options, onDrop: (d) => dropped.push(d) });
  if (dropped.length > 0) throw new Error(`${what} failed for ${dropped.length} documents: ${dropped[0]!.reason}`);
  return outcome;
}

export interface ChangeEventWriteOutcome {
  indexed: number;
  stale: number;
  /** Events that change no document (tag renames and deletes). */
  skipped: number;
  /** Events no target will ever accept, with the reason: the indexer dead-letters them. */
  failed: { event: ChangeEvent; reason: string }[];
}

/** The indexer's entry: each event's document, the newest per contact, to every target. */
export async function writeChangeEvents(
  es: EsClient,
  events: ChangeEvent[],
  options: Omit<ContactDocumentWriterOptions<DocumentWrite>, 'onDrop'> & {
    /** Each event's operation, when the caller built them already (the indexer's membership tracker does). */
    operationOf?: (event: ChangeEvent) => IndexOperation | undefined;
  },
): Promise<ChangeEventWriteOutcome> {
  const writes: (DocumentWrite & { event: ChangeEvent })[] = [];
  let skipped = 0;
  const operationOf = options.operationOf ?? indexOperationOf;
  for (const event of events) {
    const operation = operationOf(event);
    if (operation) writes.push({ event, operation });
    else skipped += 1;
  }
  const failed: ChangeEventWriteOutcome['failed'] = [];
  const { indexed, stale } = await writeContactDocuments(es, writes, {
    ...options,
    onDrop: ({ write, reason }) => failed.push({ event: write.event, reason }),
  });
  return { indexed, stale, skipped, failed };
}
