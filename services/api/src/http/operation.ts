// What a route is, as its description: one operation (method, path, scope, what it takes and what it
// answers) and the answer helpers the tables use. Each feature lists its operations next to its
// routes (<feature>-operations.ts); openapi/openapi-document.ts joins them.
import { z } from 'zod';

/** One answer of an operation: a JSON body (its schema), a stream or file (content types), or none. */
export interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON bodies (CSV, NDJSON), described by their content types only. */
  contentTypes?: string[];
}
export const ok = (schema: z.ZodType, description = 'OK'): Answer => ({ description, schema });
export const created = (schema: z.ZodType) => ok(schema, 'Created');
export const accepted = (schema: z.ZodType, description = 'Accepted: follow the job') => ok(schema, description);
export const none = (description: string): Answer => ({ description });
export const file = (description: string, ...contentTypes: string[]): Answer => ({ description, contentTypes });
export const CSV_STREAM = file('A CSV file, streamed', 'text/csv');

/** The documented bound of waitMs (the default CONSISTENCY_MAX_WAIT_MS; a deployment may differ). */
export const DOCUMENTED_MAX_WAIT_MS = 30_000;

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  scope: 'read' | 'write' | 'admin' | 'operator';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The route reads a missing body as `{}`. */
  bodyOptional?: boolean;
  responses: Record<number, Answer>;
  /**
   * Errors beyond those every operation of its kind can answer (see errorStatuses): 404 for an id
   * in the body, 409 for a state conflict.
   */
  errors?: (404 | 409)[];
  idempotent?: boolean;
  /** Waits for a Consistency-Token: 503 when the index has not caught up within waitMs. */
  waitsForConsistency?: boolean;
  /** Searches the index while the request waits: 503 when the search times out (http/search-timeouts). */
  searchesInRequest?: boolean;
  /** Answers from the api's count cache unless the request says `Cache-Control: no-cache`. */
  countCache?: boolean;
  /** A raw text/csv request body (file uploads), described in words. */
  csvBody?: string;
}
