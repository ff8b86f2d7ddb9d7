// The cost of a request is bounded (issue 12 point 4), as a client meets it: pattern values past
// the model's bound are a 400 naming the field and rule (counting and saving), a key past its rate
// or search budget gets 429 with Retry-After and recovers, bad keys from one client IP get 429
// before any lookup, and a search that times out answers 503, never a count.
import { SEGMENT_LIMITS } from '@segmenter/shared';
import { ApiHarness, ApiResponse, startApiHarness } from '../../../../test/support/api-harness';
import { infraEndpoints } from '../../../../test/support/infra-endpoints';
import { SlowElasticsearchProxy, startSlowElasticsearchProxy } from '../../../../test/support/slow-elasticsearch-proxy';

const atBound = 'a'.repeat(SEGMENT_LIMITS.patternLength);
const pastBound = 'b'.repeat(SEGMENT_LIMITS.patternLength + 1);
const rule = `must be at most ${SEGMENT_LIMITS.patternLength} characters for contains (found ${pastBound.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A well-formed key that no workspace holds. */
const unknownKey = (n: number) => `sk_${n.toString(16).padStart(12, '0')}_${'x'.repeat(43)}`;

describe('with low limits', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({
      configure: (c) => ({
        ...c,
        limits: {
          ...c.limits,
          rate: { requests: 5, windowSeconds: 2 },
          searchCost: { points: 14, windowSeconds: 2 },
          authFailures: { attempts: 3, windowSeconds: 60 },
        },
      }),
    });
  });
  afterAll(async () => h?.stop());

  test('a CONTAINS at the bound counts; one past it is a 400 naming the field and rule, when counting and when saving', async () => {
    const ws = await h.createWorkspace();
    const count = await h.request('POST', '/v1/segments/count', {
      key: ws.key,
      body: {
        queries: [{ text: `first_name CONTAINS "${atBound}"` }, { condition: { kind: 'text', field: 'first_name', op: 'contains', values: [pastBound] } }],
      },
    });
    expect(count.status).toBe(200);
    expect(count.body.results[0]).toEqual({ total: 0, sendable: { email: 0, phone: 0 } });
    expect(count.body.results[1]).toMatchObject({ status: 400, errors: [{ field: 'body.queries.1.condition.values.0', rule }] });

    const saved = await h.request('POST', '/v1/segments', { key: ws.key, body: { name: 'long', text: `first_name CONTAINS "${pastBound}"` } });
    expect(saved.status).toBe(400);
    expect(saved.body.errors).toEqual([{ field: 'body.text', rule: `values.0: ${rule}` }]);
  });

  test('a key past its request rate gets 429 with Retry-After, and is let in again after it', async () => {
    const ws = await h.createWorkspace();
    const statuses: number[] = [];
    let refused: ApiResponse | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await h.request('GET', '/v1/tags', { key: ws.key });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(refused!.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused!.body.errors).toEqual([{ field: 'headers.x-api-key', rule: 'must make at most 5 requests per 2 s' }]);
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // Another key is not affected by this one's rate.
    expect((await h.request('GET', '/v1/tags', { key: (await h.createWorkspace()).key })).status).toBe(200);
    await sleep(retryAfter * 1000 + 100);
    expect((await h.request('GET', '/v1/tags', { key: ws.key })).status).toBe(200);
  });

  test('search cost is charged per key: pattern conditions cost more, past the budget 429, a request above the whole budget 400', async () => {
    const ws = await h.createWorkspace();
    // 1 + 5 per CONTAINS: 6 points, twice in the budget of 14, not three times.
    const count = (text: string, key = ws.key) => h.request('POST', '/v1/segments/count', { key, body: { queries: [{ text }] } });
    const first = await count('first_name CONTAINS an');
    const second = await count('first_name CONTAINS al');
    const third = await count('first_name CONTAINS am');
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(third.headers.get('retry-after')).toMatch(/^[12]$/);
    expect(third.body.errors).toEqual([{ field: 'headers.x-api-key', rule: 'must spend at most 14 search points per 2 s (this request costs 6)' }]);
    // A count the api answers from its cache costs Elasticsearch nothing, and the key no points.
    expect((await count('first_name CONTAINS an')).status).toBe(200);
    const query = { text: 'first_name CONTAINS an' };

    const other = await h.createWorkspace();
    const tooBig = await h.request('POST', '/v1/segments/count', { key: other.key, body: { queries: [query, query, query] } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toEqual([{ field: 'body.queries', rule: expect.stringContaining('costs 18 search points; a request may cost at most 14') }]);
  });

  // Last in this harness: it throttles the client IP (127.0.0.1) every test here shares.
  test('bad keys from one client get 429 past the limit; a good key from that client still passes (no lockout)', async () => {
    const ws = await h.createWorkspace();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.request('GET', '/v1/tags', { key: unknownKey(i) })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const bad = await h.request('GET', '/v1/tags', { key: unknownKey(9) });
    expect(bad.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(bad.body.errors).toEqual([{ field: 'headers.x-api-key', rule: 'must not fail more than 3 times per 60 s from one client' }]);
    // Another tenant behind the same address (a proxy, a NAT) is not locked out by the guesser.
    expect((await h.request('GET', '/v1/tags', { key: ws.key })).status).toBe(200);
  });
});

describe('with a search timeout too short to meet', () => {
  let h: ApiHarness;
  let slowNode: SlowElasticsearchProxy;
  beforeAll(async () => {
    slowNode = await startSlowElasticsearchProxy(infraEndpoints().elasticsearchUrl);
    h = await startApiHarness({
      configure: (c) => ({
        ...c,
        elasticsearch: { ...c.elasticsearch, url: slowNode.url },
        limits: { ...c.limits, search: { ...c.limits.search, timeoutMs: 50, requestTimeoutMs: 100 } },
      }),
    });
  });
  afterAll(async () => {
    await h?.stop();
    await slowNode?.stop();
  });

  test('counts, previews and member streams answer 503, never a number', async () => {
    const ws = await h.createWorkspace();
    // Every answer from the node now arrives well after the request timeout.
    slowNode.setDelayMs(400);
    const query = { text: `first_name CONTAINS "${atBound}"` };
    const count = await h.request('POST', '/v1/segments/count', { key: ws.key, body: { queries: [query] } });
    expect(count.status).toBe(503);
    expect(count.body).toMatchObject({ status: 503, title: 'Search timed out', errors: [{ field: 'body.queries' }] });
    expect(count.body).not.toHaveProperty('results');
    const preview = await h.request('POST', '/v1/segments/preview', { key: ws.key, body: { query } });
    expect(preview.status).toBe(503);
    const members = await h.request('POST', '/v1/segments/members', { key: ws.key, body: { query, format: 'ndjson' } });
    expect(members.status).toBe(503);
    const dashboard = await h.request('GET', '/v1/counts', { key: ws.key });
    expect(dashboard.status).toBe(503);
  });
});
