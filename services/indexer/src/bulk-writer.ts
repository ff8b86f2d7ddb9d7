// Writes change events to Elasticsearch with external versioning: the document's version is the
// contact's, so a stale or replayed event is refused by Elasticsearch (409) instead of overwriting
// newer state. That refusal is success for us. Item failures that can heal (429, 5xx) are retried
// with backoff and, if they keep failing, fail the whole call so the batch is retried and nothing
// is committed; only items Elasticsearch can never accept (4xx) go back for the dead-letter topic.
import type { ChangeEvent, EsClient } from '@segmenter/shared';
import { IndexOperation, indexOperationOf } from '@segmenter/shared';

export interface BulkOutcome {
  indexed: number;
  stale: number;
  /** Events that change no document (tag renames and deletes). */
  skipped: number;
  failed: { event: ChangeEvent; reason: string }[];
}

export interface BulkWriterOptions {
  /**
   * The indices to write to, asked again before every attempt: the indices behind the write
   * alias, which name two indices while a rebuild fills a new one.
   */
  resolveTargets: () => Promise<string[]>;
  maxItemRetries: number;
  retryBaseMs: number;
  /** Bounded, so a black-holed Elasticsearch cannot outlast the shutdown timeout. */
  requestTimeoutMs?: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Items still failing with a retryable status after every retry: the batch must not be committed. */
export class RetryableBulkError extends Error {
  constructor(readonly reasons: string[]) {
    super(`bulk items still failing after retries: ${reasons.slice(0, 3).join('; ')}`);
    this.name = 'RetryableBulkError';
  }
}

interface PendingWrite {
  event: ChangeEvent;
  operation: IndexOperation;
}

/** Keeps only the newest version of each contact: older ones would be refused anyway. */
export function newestPerContact(writes: PendingWrite[]): PendingWrite[] {
  const newest = new Map<string, PendingWrite>();
  for (const write of writes) {
    const current = newest.get(write.operation.contactId);
    if (!current || write.operation.version > current.operation.version) newest.set(write.operation.contactId, write);
  }
  return [...newest.values()];
}

/** Bulk lines writing each operation to each index, operation-major. */
export function bulkOperations(operations: IndexOperation[], indices: string[]): object[] {
  return operations.flatMap((op) =>
    indices.flatMap((index) => [
      { index: { _index: index, _id: op.contactId, routing: op.workspaceId, version: op.version, version_type: 'external' } },
      op.document,
    ]),
  );
}

type ItemVerdict = 'indexed' | 'stale' | 'retry' | 'failed';

/**
 * What one item's status means. A 404 index_not_found is an index a rebuild just retired: asking
 * for the targets again and retrying sends the write only where it belongs.
 */
export function itemVerdict(status: number, errorType: string | undefined): ItemVerdict {
  if (status < 300) return 'indexed';
  if (status === 409) return 'stale';
  if (RETRYABLE.has(status) || (status === 404 && errorType === 'index_not_found_exception')) return 'retry';
  return 'failed';
}

const WORST: ItemVerdict[] = ['retry', 'failed', 'indexed', 'stale'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function writeChangeEvents(es: EsClient, events: ChangeEvent[], options: BulkWriterOptions): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { indexed: 0, stale: 0, skipped: 0, failed: [] };
  const writes: PendingWrite[] = [];
  for (const event of events) {
    const operation = indexOperationOf(event);
    if (operation) writes.push({ event, operation });
    else outcome.skipped += 1;
  }
  let pending = newestPerContact(writes);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const targets = await options.resolveTargets();
    if (targets.length === 0) throw new RetryableBulkError(['the write alias names no index']);
    // A request-level failure (Elasticsearch down) throws: the caller retries the whole batch.
    // The targets are per-generation aliases, asked just now; require_alias makes a write to a
    // generation retired meanwhile fail instead of auto-creating an index by its name. No client
    // retries: a retry must ask for the targets again, which this loop does.
    const response = await es.bulk(
      { operations: bulkOperations(pending.map((w) => w.operation), targets), refresh: false, require_alias: true },
      { requestTimeout: options.requestTimeoutMs, maxRetries: 0 },
    );
    const retry: PendingWrite[] = [];
    pending.forEach((write, i) => {
      const items = response.items.slice(i * targets.length, (i + 1) * targets.length).map((item) => item.index!);
      const verdicts = items.map((r) => itemVerdict(r.status, r.error?.type));
      const verdict = WORST.find((v) => verdicts.includes(v))!;
      if (verdict === 'indexed') outcome.indexed += 1;
      else if (verdict === 'stale') outcome.stale += 1;
      else if (verdict === 'retry') retry.push(write);
      else {
        const r = items.find((item) => itemVerdict(item.status, item.error?.type) === 'failed')!;
        outcome.failed.push({ event: write.event, reason: `${r.status} ${r.error?.type ?? ''}: ${r.error?.reason ?? 'unknown'}` });
      }
    });
    if (retry.length > 0 && attempt >= options.maxItemRetries) {
      throw new RetryableBulkError(retry.map((w) => w.operation.contactId));
    }
    pending = retry;
    if (pending.length > 0) await sleep(options.retryBaseMs * 2 ** attempt);
  }
  return outcome;
}
