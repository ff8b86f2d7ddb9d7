// Keeps "no input gets a 5xx" true: every operation of the OpenAPI document receives generated
// hostile requests (test/support/request-generators.ts) against a workspace holding a little data.
// Asserted per answer: no 5xx; every 4xx is application/problem+json with an `errors` array (and
// matches the document, like every answer tests receive); a refused write changed no stored row.
// Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> npx jest test/route-fuzz.int.test.ts
import fc from 'fast-check';
import { OPERATIONS, openApiDocument, operationId } from '../services/api/src/openapi/openapi-document';
import { ApiHarness, startApiHarness, Workspace } from './support/api-harness';
import { responseCheckEnabled, responseViolation } from './support/openapi-response-check';
import { describeRequest, FuzzContext, FuzzRequest, fuzzRequest } from './support/request-generators';
import { firstDifference, workspaceRows } from './support/workspace-rows';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Requests per operation: about 90 operations x 20 stays near a minute on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** Shrinking resends many requests; a CI failure reports the first counterexample instead. */
const SHRINK = process.env.FUZZ_SHRINK === '1';

// Writes that delete run last, so the other operations meet the data they were given.
const ORDERED = [...OPERATIONS].sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));

let h: ApiHarness;
let ws: Workspace;
let ctx: FuzzContext;
/** The workspace's rows as of the last accepted write: a refused one must leave them so. */
let rowsBefore: string;

async function must<T = any>(method: string, path: string, body: unknown, status: number, key = ws.key): Promise<T> {
  const res = await h.request(method, path, { key, body });
  if (res.status !== status) throw new Error(`fuzz setup: ${method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

async function issueKey(name: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await h.operator('POST', `/v1/admin/workspaces/${ws.id}/api-keys`, { name, scopes });
  if (res.status !== 201) throw new Error(`fuzz setup: key ${name} answered ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.apiKey?.id ?? res.body.id, key: res.body.apiKey?.key ?? res.body.key };
}

/** A small workspace: contacts sharing a phone, a tag, labels, a custom field, a segment, a suppression, an import, a snapshot. */
async function seedWorkspace(): Promise<FuzzContext> {
  const other = await h.createWorkspace();
  const readOnly = await issueKey('fuzz-read-only', ['read']);
  // Revoking keys is fuzzed too: it gets a key of its own, so the others keep working.
  const spare = await issueKey('fuzz-spare', ['read']);
  await must('POST', '/v1/custom-fields', { key: 'score', type: 'number' }, 201);
  const tag = await must('POST', '/v1/tags', { name: 'vip' }, 201);
  const contacts = [];
  for (const [i, email] of ['ann@fuzz.example.com', 'bob@fuzz.example.com', 'cy@fuzz.example.com'].entries()) {
    contacts.push(await must('POST', '/v1/contacts', { email, phone: '+14155550100', firstName: `Name${i}`, customFields: { score: i } }, 201));
  }
  const contactIds = contacts.map((c) => c.id as string);
  await must('POST', `/v1/contacts/${contactIds[0]}/tags/add`, { tagIds: [tag.id] }, 200);
  await must('PATCH', `/v1/contacts/${contactIds[0]}/labels`, { set: { plan: 'gold' } }, 200);
  await must('POST', `/v1/contacts/${contactIds[1]}/actions/blacklist-email`, undefined, 200);
  const segment = await must('POST', '/v1/segments', { name: 'fuzz-vips', text: 'tag:vip OR label:plan = gold' }, 201);
  const importRow = await must('POST', '/v1/imports', {}, 201);
  const snapshot = await must('POST', '/v1/segments/snapshots', { query: { segmentId: segment.id } }, 202);
  const suppressions = await must('GET', '/v1/suppressions', undefined, 200);
  const suppressionIds = (suppressions.items as { id: string }[]).map((s) => s.id);
  const segmentId = (segment.segment?.id ?? segment.id) as string;
  return {
    document: openApiDocument() as unknown as FuzzContext['document'],
    keys: { valid: ws.key, readOnly: readOnly.key, otherWorkspace: other.key, operator: h.env.config.api.operatorKey! },
    pathValues: {
      contacts: contactIds,
      tags: [tag.id],
      segments: [segmentId],
      imports: [importRow.id],
      jobs: [snapshot.job.id],
      snapshots: [snapshot.snapshot.id],
      suppressions: suppressionIds,
      labels: ['plan'],
      'custom-fields': ['score'],
      workspaces: [ws.id],
      'api-keys': [spare.id],
      key: ['plan'],
      field: ['phone', 'email'],
      value: [encodeURIComponent('+14155550100')],
    },
    fieldValues: {
      segmentId: [segmentId],
      contactIds: [contactIds],
      ids: [contactIds],
      tagIds: [[tag.id]],
      tags: [['vip'], [tag.id]],
      key: ['plan', 'score'],
      keys: [['plan']],
      email: ['ann@fuzz.example.com', 'new@fuzz.example.com'],
      phone: ['+14155550100'],
      text: ['tag:vip', 'first_name CONTAINS "ann"', 'custom:score > 1'],
      value: ['+14155550100'],
      field: ['phone'],
      // The contacts-created range: valid ones reach the search (random dates are mostly refused as reversed or too long).
      from: ['2024-01-01'],
      to: ['2024-03-31'],
      timeZone: ['Europe/Paris', 'UTC'],
    },
  };
}

beforeAll(async () => {
  // Limits far above what the fuzz sends (about 2,000 requests a minute, some of them with a bad
  // key), so every request reaches its route instead of the throttles' 429 (tested on their own).
  h = await startApiHarness({
    configure: (c) => ({
      ...c,
      limits: {
        ...c.limits,
        rate: { ...c.limits.rate, requests: 1_000_000 },
        searchCost: { ...c.limits.searchCost, points: 100_000_000 },
        authFailures: { ...c.limits.authFailures, attempts: 1_000_000 },
      },
    }),
  });
  ws = await h.createWorkspace();
  ctx = await seedWorkspace();
  rowsBefore = await workspaceRows(h.env.pool, ws.id);
}, 120_000);
afterAll(async () => h?.stop());

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * A socket the api closed as idle (its keep-alive timeout) can be picked from the client's pool in
 * the same instant, most often after a slow setup on a loaded machine: the request never reached
 * the api, and fetch fails with a reset. That is sent again; anything else, and a reset on every
 * attempt, fails the test.
 */
function resetBeforeAnswer(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return err instanceof TypeError && ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(cause?.code ?? '');
}

/**
 * The pool may hold several sockets the api closed meanwhile (setup sends requests side by side).
 * Each retry first lets the event loop run its I/O: the client drops a socket only once it has
 * processed that socket's close, and a busy loop that retries at once meets the next stale one.
 */
async function fetchPastStaleSockets(url: string, init: RequestInit, attempts = 6): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (attempt >= attempts || !resetBeforeAnswer(err)) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function send(r: FuzzRequest): Promise<Answer> {
  const init = { method: r.method, headers: r.headers, body: r.body, redirect: 'manual' as const };
  const res = await fetchPastStaleSockets(`${h.api.url}${r.url}`, init).catch((err: unknown) => {
    // fetch's own message says only "fetch failed": the cause (its code) is what tells a reset from a crash.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`${(err as Error).message}: ${cause?.code ?? 'no code'} ${cause?.message ?? ''}`, { cause: err });
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (/json/.test(contentType) && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = `(unparseable JSON) ${text.slice(0, 200)}`;
    }
  }
  return { status: res.status, contentType, body };
}

/** Why an answer breaks the rules, or undefined. */
async function violation(r: FuzzRequest, a: Answer, writes: boolean): Promise<string | undefined> {
  if (a.status >= 500) return `answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`;
  if (a.status >= 400) {
    if (!a.contentType.startsWith('application/problem+json')) return `answered ${a.status} as "${a.contentType}", not application/problem+json`;
    if (!Array.isArray((a.body as { errors?: unknown })?.errors))
      return `answered ${a.status} without an errors array: ${JSON.stringify(a.body).slice(0, 300)}`;
  }
  if (responseCheckEnabled()) {
    // The path as the server saw it: the URL parser folds `/v1/tags/.` into `/v1/tags/` (the list).
    const sent = new URL(`${h.api.url}${r.url}`);
    const contract = responseViolation(r.method, `${sent.pathname}${sent.search}`, a.status, a.contentType || null, a.body);
    if (contract) return contract;
  }
  if (!writes) return undefined;
  const rowsAfter = await workspaceRows(h.env.pool, ws.id);
  // An accepted write may change rows (and becomes the new baseline); a refused one must not.
  if (a.status >= 400 && rowsAfter !== rowsBefore) return `answered ${a.status} but changed stored rows: ${firstDifference(rowsBefore, rowsAfter)}`;
  rowsBefore = rowsAfter;
  return undefined;
}

describe('route fuzz: no generated input gets a 5xx, every 4xx is a problem, a refused write changes nothing', () => {
  test.each(ORDERED.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s', async (_name, op) => {
    const writes = op.method !== 'get';
    const property = fc.asyncProperty(fuzzRequest(ctx, op), async (r) => {
      const answer = await send(r);
      const problem = await violation(r, answer, writes);
      if (problem) throw new Error(`${problem}\n  request: ${describeRequest(r)}`);
    });
    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: !SHRINK, includeErrorInReport: true });
    } catch (err) {
      const reproduce = `FUZZ_SEED=${SEED} npx jest test/route-fuzz.int.test.ts -t '${op.method.toUpperCase()} ${op.path}'`;
      throw new Error(`${operationId(op)} failed with seed ${SEED}; reproduce: ${reproduce}\n${(err as Error).message}`, { cause: err });
    }
  });
});
