import { ApiError, createApiClient, NetworkError, renderError, type FetchLike } from './api-client';
import { createFakeFetch, jsonResponse, problemResponse } from './fake-context';

const connection = { url: 'http://api.test/base/', apiKey: 'sk_test' };

/** The lines a failed request renders to. */
async function renderedFailure(answer: () => Response | Promise<Response>): Promise<string[]> {
  const { fetch } = createFakeFetch({ 'GET /base/v1/segments': answer });
  const api = createApiClient({ ...connection, fetch });
  const err = await api.json('GET', '/v1/segments').catch((e: unknown) => e);
  return renderError(err);
}

describe('createApiClient', () => {
  test('sends the key, appends the path to the base (keeping its prefix) and drops absent query values', async () => {
    const { fetch, requests } = createFakeFetch({ 'GET /base/v1/segments/s1/members': () => jsonResponse(200, { ok: true }) });
    const api = createApiClient({ ...connection, fetch });
    await api.json('GET', '/v1/segments/s1/members', { query: { format: 'csv', fields: undefined } });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('http://api.test/base/v1/segments/s1/members?format=csv');
    expect(requests[0]!.headers['x-api-key']).toBe('sk_test');
  });

  test('sends JSON with its content type and parses the JSON answer', async () => {
    const { fetch, requests } = createFakeFetch({ 'POST /base/v1/segments': (r) => jsonResponse(201, { id: 's1', echo: JSON.parse(r.body!) }) });
    const api = createApiClient({ ...connection, fetch });
    expect(await api.json('POST', '/v1/segments', { json: { name: 'n', text: 't' } })).toEqual({ id: 's1', echo: { name: 'n', text: 't' } });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
  });

  test('streams a body with duplex half, which fetch requires for a stream', async () => {
    const { fetch, requests } = createFakeFetch({ 'PUT /base/v1/imports/i1/file': () => jsonResponse(202, {}) });
    const api = createApiClient({ ...connection, fetch });
    const stream = new Blob(['email\na@x.test\n']).stream();
    await api.json('PUT', '/v1/imports/i1/file', { stream, contentType: 'text/csv' });
    expect(requests[0]).toMatchObject({ body: 'email\na@x.test\n', duplex: 'half', headers: { 'content-type': 'text/csv' } });
  });

  test('answers undefined for 204 No Content', async () => {
    const { fetch } = createFakeFetch({ 'DELETE /base/v1/segments/s1': () => new Response(null, { status: 204 }) });
    expect(await createApiClient({ ...connection, fetch }).json('DELETE', '/v1/segments/s1')).toBeUndefined();
  });

  test('an interruptible request carries the signal; one marked otherwise does not', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const fetch: FetchLike = async (_url, init) => {
      signals.push(init.signal);
      return jsonResponse(200, {});
    };
    const signal = new AbortController().signal;
    const api = createApiClient({ ...connection, fetch, signal });
    await api.json('GET', '/a');
    await api.json('POST', '/b', { interruptible: false });
    expect(signals).toEqual([signal, undefined]);
  });
});

describe('error rendering', () => {
  test.each([
    {
      description: 'a validation problem: its detail, then one line per field',
      answer: () =>
        problemResponse(400, {
          title: 'Validation failed',
          detail: 'body.name: must not be empty; body.text: must not be empty',
          errors: [
            { field: 'body.name', rule: 'must not be empty' },
            { field: 'body.text', rule: 'must not be empty' },
          ],
        }),
      expected: ['error: body.name: must not be empty; body.text: must not be empty', '  body.name: must not be empty', '  body.text: must not be empty'],
    },
    {
      description: 'a problem without detail (an internal error): status and title',
      answer: () => problemResponse(500, { title: 'Internal Server Error' }),
      expected: ['error: HTTP 500 Internal Server Error'],
    },
    {
      description: 'a proxy error page: status and the first line of the body',
      answer: () => new Response('upstream connect error\nmore', { status: 502, statusText: 'Bad Gateway' }),
      expected: ['error: HTTP 502 Bad Gateway: upstream connect error'],
    },
    {
      description: 'an empty error answer: its status',
      answer: () => new Response(null, { status: 503, statusText: 'Service Unavailable' }),
      expected: ['error: HTTP 503 Service Unavailable'],
    },
    {
      description: 'malformed field problems are left out, the detail kept',
      answer: () => problemResponse(409, { title: 'Conflict', detail: 'Segment s1 is used by other segments: vip', errors: [{ field: 1 }, 'x'] }),
      expected: ['error: Segment s1 is used by other segments: vip'],
    },
  ])('$description', async ({ answer, expected }) => {
    expect(await renderedFailure(answer)).toEqual(expected);
  });

  test('an API error keeps the whole problem, status included', async () => {
    const { fetch } = createFakeFetch({});
    const err = await createApiClient({ ...connection, fetch })
      .json('GET', '/v1/nowhere')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toEqual({ status: 404, title: 'Not found', detail: 'No route for GET /base/v1/nowhere' });
  });

  test('an unreachable server names the URL and the reason fetch hid in its cause', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }) });
    };
    const err = await createApiClient({ ...connection, fetch })
      .json('GET', '/v1/segments')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(renderError(err)).toEqual(['error: cannot reach http://api.test/base: connect ECONNREFUSED 127.0.0.1:8080']);
  });

  test('an aborted request renders as interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { fetch } = createFakeFetch({});
    const err = await createApiClient({ ...connection, fetch, signal: controller.signal })
      .json('GET', '/v1/segments')
      .catch((e: unknown) => e);
    expect(renderError(err)).toEqual(['error: interrupted']);
  });

  test('a 2xx answer that is not JSON says so', async () => {
    expect(await renderedFailure(() => new Response('<html>', { status: 200 }))).toEqual([
      'error: GET /v1/segments answered 200 with a body that is not JSON: <html>',
    ]);
  });
});
