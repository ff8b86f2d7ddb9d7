// A CliContext for tests: streams that capture what a command prints, and a fake fetch that
// answers from a route table ('POST /v1/imports' → handler) and records every request it got.
import { Writable } from 'node:stream';
import type { FetchLike } from './api-client';
import type { CliContext } from './command';

export interface RecordedRequest {
  method: string;
  url: string;
  /** The path without the query string, as routes are keyed. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The body as text, a streamed one read to the end. */
  body: string | undefined;
  duplex?: string;
}

export type FakeHandler = (request: RecordedRequest) => Response | Promise<Response>;

export const jsonResponse = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const problemResponse = (status: number, problem: Record<string, unknown>) =>
  new Response(JSON.stringify({ type: 'about:blank', status, ...problem }), { status, headers: { 'content-type': 'application/problem+json' } });
export const textResponse = (text: string, contentType = 'text/csv') => new Response(text, { status: 200, headers: { 'content-type': contentType } });

export function captureStream(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function bodyText(body: RequestInit['body']): Promise<string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  return new Response(body).text();
}

/**
 * A route given a list answers its items in turn and repeats the last (polling); a request
 * to a route not in the table answers 404, like the API.
 */
export function createFakeFetch(routes: Record<string, FakeHandler | FakeHandler[]>) {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const fetch: FetchLike = async (url, init) => {
    init.signal?.throwIfAborted();
    const parsed = new URL(url);
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: { ...(init.headers as Record<string, string>) },
      body: undefined,
      duplex: (init as { duplex?: string }).duplex,
    };
    // Recorded in the order sent: a poll sent while an upload streams comes after the upload.
    requests.push(request);
    request.body = await bodyText(init.body);
    const key = `${request.method} ${request.path}`;
    const route = routes[key];
    if (!route || (Array.isArray(route) && route.length === 0)) return problemResponse(404, { title: 'Not found', detail: `No route for ${key}` });
    const handlers = Array.isArray(route) ? route : [route];
    const turn = served.get(key) ?? 0;
    served.set(key, turn + 1);
    return handlers[Math.min(turn, handlers.length - 1)]!(request);
  };
  return { fetch, requests };
}

export function createFakeContext(routes: Record<string, FakeHandler | FakeHandler[]>, overrides: Partial<CliContext> = {}) {
  const stdout = captureStream();
  const stderr = captureStream();
  const { fetch, requests } = createFakeFetch(routes);
  const context: CliContext = {
    env: { SEGMENTER_API_KEY: 'sk_test', SEGMENTER_URL: 'http://api.test' },
    stdout: stdout.stream,
    stderr: stderr.stream,
    fetch,
    pollIntervalMs: 1,
    ...overrides,
  };
  return { context, requests, stdout: stdout.text, stderr: stderr.text };
}
