// Writes contact events to Elasticsearch with external versioning: the document's version is the
// contact's, so a stale or replayed event is refused by Elasticsearch (409) instead of overwriting
// newer state. That refusal is success for us. Item failures that can heal (429, 5xx) are retried
// with backoff; the rest are handed back for the dead-letter topic.
import type { ContactEvent, EsClient } from '@segmenter/shared';
import { contactDocument } from './contact-document';

export interface BulkOutcome {
  indexed: number;
  stale: number;
  failed: { event: ContactEvent; reason: string }[];
}

export interface BulkWriterOptions {
  alias: string;
  maxItemRetries: number;
  retryBaseMs: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Keeps only the newest version of each contact: older ones would be refused anyway. */
export function newestPerContact(events: ContactEvent[]): ContactEvent[] {
  const newest = new Map<string, ContactEvent>();
  for (const event of events) {
    const current = newest.get(event.contactId);
    if (!current || versionOf(event) > versionOf(current)) newest.set(event.contactId, event);
  }
  return [...newest.values()];
}

export function versionOf(event: ContactEvent): number {
  switch (event.type) {
    case 'contact.upserted':
      return event.contact.version;
  }
}

export function bulkOperations(events: ContactEvent[], alias: string): object[] {
  return events.flatMap((event) => {
    switch (event.type) {
      case 'contact.upserted':
        return [
          {
            index: {
              _index: alias,
              _id: event.contactId,
              routing: event.workspaceId,
              version: event.contact.version,
              version_type: 'external',
            },
          },
          contactDocument(event.contact),
        ];
    }
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function writeContactEvents(es: EsClient, events: ContactEvent[], options: BulkWriterOptions): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { indexed: 0, stale: 0, failed: [] };
  let pending = newestPerContact(events);
  for (let attempt = 0; pending.length > 0; attempt++) {
    // A request-level failure (Elasticsearch down) throws: the caller retries the whole batch.
    const response = await es.bulk({ operations: bulkOperations(pending, options.alias), refresh: false });
    const retry: ContactEvent[] = [];
    response.items.forEach((item, i) => {
      const event = pending[i]!;
      const result = item.index!;
      if (result.status < 300) outcome.indexed += 1;
      else if (result.status === 409) outcome.stale += 1;
      else if (RETRYABLE.has(result.status) && attempt < options.maxItemRetries) retry.push(event);
      else outcome.failed.push({ event, reason: `${result.status} ${result.error?.type ?? ''}: ${result.error?.reason ?? 'unknown'}` });
    });
    pending = retry;
    if (pending.length > 0) await sleep(options.retryBaseMs * 2 ** attempt);
  }
  return outcome;
}
