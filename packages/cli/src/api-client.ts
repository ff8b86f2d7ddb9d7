// The one door to the segmenter REST API: base URL and x-api-key on every request, JSON in and
// out, and every failure (problem+json answer, unreachable server) turned into an error that renders.
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Connection } from './args';

/** Just what the client uses of `fetch`, so tests inject a fake. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FieldProblem {
  field: string;
  rule: string;
}

/** The API's application/problem+json body (RFC 9457), as far as the CLI reads it. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: FieldProblem[];
}

/** The API answered with an error status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly problem: Problem) {
    // A problem without detail (an internal error) still says what happened, by status and title.
    super(problem.detail ?? `HTTP ${problem.status}${problem.title ? ` ${problem.title}` : ''}`);
  }
}

/** The request never got an answer: refused, DNS, TLS, reset. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export interface RequestOptions {
  /** Sent as application/json. */
  json?: unknown;
  /** Streamed as the request body, never buffered (fetch needs duplex 'half' for that). */
  stream?: WebReadableStream<Uint8Array>;
  contentType?: string;
  /** The stream's length when known (a file): the server can refuse an oversize file up front and estimate progress. */
  contentLength?: number;
  query?: Record<string, string | undefined>;
  /** False for the one request that must still go out after Ctrl-C: cancelling the import. */
  interruptible?: boolean;
}

export interface ApiClient {
  /** The answer when its status is 2xx; its body is left unread, for streaming. */
  send(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** The parsed JSON answer (undefined for 204). */
  json<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

export interface ApiClientOptions extends Connection {
  fetch: FetchLike;
  /** Aborts every interruptible request, and the streaming of its answer. */
  signal?: AbortSignal;
}

export function createApiClient({ url, apiKey, fetch, signal }: ApiClientOptions): ApiClient {
  // Appended rather than resolved with new URL(path, base), which would drop a path prefix in the base.
  const base = url.replace(/\/+$/, '');

  async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const query = Object.entries(options.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const target = `${base}${path}${query.length > 0 ? `?${new URLSearchParams(query)}` : ''}`;
    const headers: Record<string, string> = { 'x-api-key': apiKey, accept: 'application/json, application/problem+json, */*' };
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.stream) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
      body = options.stream as ReadableStream<Uint8Array>;
    }
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body, signal: options.interruptible === false ? undefined : signal };
    if (options.stream) init.duplex = 'half';
    let response: Response;
    try {
      response = await fetch(target, init);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new NetworkError(`cannot reach ${base}: ${causeOf(err)}`);
    }
    if (!response.ok) throw new ApiError(await readProblem(response));
    return response;
  }

  async function json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    const response = await send(method, path, options);
    const text = await response.text();
    if (response.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  return { send, json };
}

/** undici's "fetch failed" hides the reason in `cause` (an AggregateError when every address failed). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message || cause?.code || (err as Error).message || String(err);
}

/** Any error body becomes a Problem: a proxy's HTML page or an empty 502 still tells the status. */
async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  const fallback: Problem = { status: response.status, ...(response.statusText ? { title: response.statusText } : {}) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const firstLine = text.trim().split('\n', 1)[0]?.slice(0, 200);
    return firstLine ? { ...fallback, detail: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}: ${firstLine}` } : fallback;
  }
  if (typeof parsed !== 'object' || parsed === null) return fallback;
  const p = parsed as Record<string, unknown>;
  const errors = Array.isArray(p.errors) ? p.errors.filter((e): e is FieldProblem => typeof e?.field === 'string' && typeof e?.rule === 'string') : [];
  return {
    ...fallback,
    ...(typeof p.title === 'string' ? { title: p.title } : {}),
    ...(typeof p.detail === 'string' ? { detail: p.detail } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/** `error: <detail>` and one indented `<field>: <rule>` line per field problem. */
export function renderError(err: unknown): string[] {
  if (err instanceof ApiError) {
    return [`error: ${err.message}`, ...(err.problem.errors ?? []).map((e) => `  ${e.field}: ${e.rule}`)];
  }
  if ((err as Error)?.name === 'AbortError') return ['error: interrupted'];
  return [`error: ${err instanceof Error ? err.message : String(err)}`];
}
