// Writes change events to Elasticsearch with external versioning: the document's version is the
// contact's, so a stale or replayed event is refused by Elasticsearch (409) instead of overwriting
// newer state. That refusal is success for us. Item failures that can heal (429, 5xx) are retried
// with backoff and, if they keep failing, fail the whole call so the batch is retried and nothing
// is committed; only items Elasticsearch can never accept (4xx) go back for the dead-letter topic.
import type { ChangeEvent, EsClient } from '@segmenter/shared';
import { IndexOperation, indexOperationOf } from './contact-document';

export interface BulkOutcome {
  indexed: number;
  stale: number;
  /** Events that change no document (tag renames and deletes). */
  skipped: number;
  failed: { event: ChangeEvent; reason: string }[];
}

export interface BulkWriterOptions {
  alias: string;
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

export function bulkOperations(operations: IndexOperation[], alias: string): object[] {
  return operations.flatMap((op) => [
    { index: { _index: alias, _id: op.contactId, routing: op.workspaceId, version: op.version, version_type: 'external' } },
    op.document,
  ]);
}

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
    // A request-level failure (Elasticsearch down) throws: the caller retries the whole batch.
    // require_alias: if the alias vanished, fail rather than auto-create a concrete index by its name.
    const response = await es.bulk(
      { operations: bulkOperations(pending.map((w) => w.operation), options.alias), refresh: false, require_alias: true },
      { requestTimeout: options.requestTimeoutMs },
    );
    const retry: PendingWrite[] = [];
    response.items.forEach((item, i) => {
      const write = pending[i]!;
      const result = item.index!;
      const reason = `${result.status} ${result.error?.type ?? ''}: ${result.error?.reason ?? 'unknown'}`;
      if (result.status < 300) outcome.indexed += 1;
      else if (result.status === 409) outcome.stale += 1;
      else if (RETRYABLE.has(result.status)) retry.push(write);
      else outcome.failed.push({ event: write.event, reason });
    });
    if (retry.length > 0 && attempt >= options.maxItemRetries) {
      throw new RetryableBulkError(retry.map((w) => w.operation.contactId));
    }
    pending = retry;
    if (pending.length > 0) await sleep(options.retryBaseMs * 2 ** attempt);
  }
  return outcome;
}
