// Every search the api makes is bounded in time: Elasticsearch's own `timeout` in the body (it
// answers what it found so far, marked timed_out) and the client's request timeout beyond it. A
// timed-out or partial answer is never reported as a number: it becomes a 503 (SearchTimeoutError).
import type { EsClient } from '@segmenter/shared';
import { AppError } from '../errors/app-error';
import { createSearchSlots, SearchSlots } from './search-slots';

export interface SearchTimeouts {
  /** Elasticsearch's own search timeout (the body's `timeout`). */
  timeoutMs: number;
  /** The client's: how long the api waits for the answer at all. */
  requestTimeoutMs: number;
  /** Searches in flight at once through this client (search-slots.ts); unbounded when absent. */
  maxInFlight?: number;
  /** Searches waiting for a slot before one more is refused with a 503. */
  maxQueued?: number;
}

/** The client's defaults (es-client: 30 s) for a client nobody configured (scripts, some tests). */
const DEFAULT_TIMEOUTS: SearchTimeouts = { timeoutMs: 30_000, requestTimeoutMs: 30_000 };

// Per client, not per module: several apps (tests) run side by side in one process, each with its own.
const configured = new WeakMap<EsClient, SearchTimeouts>();
const slotsOf = new WeakMap<EsClient, SearchSlots>();

/** Sets the timeouts (and the bound on searches in flight) every search through `es` uses (api-service, from config). */
export function limitSearchTime(es: EsClient, timeouts: SearchTimeouts): EsClient {
  configured.set(es, timeouts);
  if (timeouts.maxInFlight !== undefined) slotsOf.set(es, createSearchSlots(timeouts.maxInFlight, timeouts.maxQueued ?? 1000, timeouts.requestTimeoutMs));
  return es;
}

/** The searches in flight and waiting through `es` (metrics); zeros for an unbounded client. */
export function searchSlotUse(es: EsClient): { inFlight: number; queued: number } {
  const slots = slotsOf.get(es);
  return { inFlight: slots?.inFlight ?? 0, queued: slots?.queued ?? 0 };
}

/**
 * What a search through `es` adds: `body` to the request body, `options` as the transport options.
 * One retry, not the client's three: a search that timed out once would only time out again, at
 * four times the cost.
 */
export function searchTime(es: EsClient): { body: { timeout: string }; options: { requestTimeout: number; maxRetries: number } } {
  const t = configured.get(es) ?? DEFAULT_TIMEOUTS;
  return { body: { timeout: `${t.timeoutMs}ms` }, options: { requestTimeout: t.requestTimeoutMs, maxRetries: 1 } };
}

/** The search index did not answer within the configured time: retry later, or simplify the condition. */
export class SearchTimeoutError extends AppError {
  constructor(field = 'body') {
    super(503, 'Search timed out', 'The search index did not answer in full in time (timed out, or a shard failed); retry later, or simplify the condition', [
      { field, rule: 'must be answerable by the search index within the configured search timeout' },
    ]);
  }
}

/**
 * Whether a response holds every match: not timed out, and no shard failed. Elasticsearch answers
 * 200 with what the other shards found when one fails (allow_partial_search_results), and that
 * lower total must never be reported as an exact count or freeze a snapshot missing members.
 */
export function isPartial(response: { timed_out?: boolean; _shards?: { failed?: number } }): boolean {
  return response.timed_out === true || (response._shards?.failed ?? 0) > 0;
}

/** A response that may be partial (timed out, or a shard failed) becomes the 503, never a number. */
export function completeOrThrow<T extends { timed_out?: boolean; _shards?: { failed?: number } }>(response: T, field?: string): T {
  if (isPartial(response)) throw new SearchTimeoutError(field);
  return response;
}

/** The client gave up waiting (TimeoutError from the transport): the same 503, never a 500. */
function isSearchTimeout(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'TimeoutError';
}

/** Runs a search call through `es` in one of its slots, turning the client's timeout into SearchTimeoutError. */
export async function withinSearchTime<T>(es: EsClient, search: () => Promise<T>, field?: string): Promise<T> {
  const slots = slotsOf.get(es);
  try {
    return await (slots ? slots.run(search, field) : search());
  } catch (err) {
    if (isSearchTimeout(err)) throw new SearchTimeoutError(field);
    throw err;
  }
}
