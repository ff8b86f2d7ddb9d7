// The first end-to-end path, real on every hop: HTTP -> Postgres (row + outbox, one transaction)
// -> relay -> Kafka -> indexer -> Elasticsearch, then counted per workspace in Elasticsearch. One
// suite, run against the services from their sources in-process (end-to-end.int.test.ts) and as
// the compiled production build in processes of their own (end-to-end-build.int.test.ts).
import { expectSearchIndexConverges } from './search-index-equality';
import { createTestEnvironment, eventually, TestEnvironment } from './test-environment';

/** A running service as the suite sees it: where it answers, and how to stop it. */
export interface EndToEndService {
  url: string;
  stop(): Promise<void>;
}

export type StartServices = (env: TestEnvironment) => Promise<{ api: EndToEndService; indexer: EndToEndService }>;

export function describeEndToEnd(startServices: StartServices): void {
  let env: TestEnvironment;
  let api: EndToEndService;
  let indexer: EndToEndService;

  async function createWorkspace(name: string): Promise<string> {
    const res = await fetch(`${api.url}/v1/admin/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.config.api.operatorKey}` },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { apiKey: { key: string } }).apiKey.key;
  }

  function postContact(apiKey: string, body: unknown) {
    return fetch(`${api.url}/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });
  }

  async function countInIndex(workspaceId: string): Promise<number> {
    const alias = env.config.elasticsearch.contactsAlias;
    await env.es.indices.refresh({ index: alias });
    const { count } = await env.es.count({ index: alias, routing: workspaceId, query: { bool: { filter: [{ term: { workspace_id: workspaceId } }] } } });
    return count;
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    ({ api, indexer } = await startServices(env));
  });

  afterAll(async () => {
    await indexer?.stop();
    await api?.stop();
    await env?.cleanup();
  });

  test('contacts created over HTTP are counted per workspace in Elasticsearch', async () => {
    const keyA = await createWorkspace('Workspace A');
    const keyB = await createWorkspace('Workspace B');

    const created = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        postContact(keyA, { email: `Person${i}@Example.com`, firstName: `Person ${i}`, ...(i % 5 === 0 ? { phone: `+1415555${String(1000 + i)}` } : {}) }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(25).fill(201));
    const contacts = (await Promise.all(created.map((r) => r.json()))) as { id: string; email: string; version: number }[];
    expect(contacts[3]!.email).toBe('person3@example.com'); // normalised to lower case
    expect((await postContact(keyB, { phone: '+442071838750' })).status).toBe(201);

    const { rows } = await env.pool.query<{ workspace_id: string }>(
      'select distinct workspace_id from contacts c join api_keys k using (workspace_id) where k.prefix = $1',
      [keyA.split('_')[1]],
    );
    const workspaceA = rows[0]!.workspace_id;

    await eventually(
      () => countInIndex(workspaceA),
      (n) => n === 25,
    );
    // The outbox holds only the unpublished backlog: the relay deletes what Kafka acknowledged.
    await eventually(
      async () => (await env.pool.query('select count(*)::int as n from outbox')).rows[0].n as number,
      (n) => n === 0,
    );

    const doc = await env.es.get<{ email: string; version: number; workspace_id: string }>({
      index: env.config.elasticsearch.contactsAlias,
      id: contacts[3]!.id,
      routing: workspaceA,
    });
    expect(doc._source).toMatchObject({ email: 'person3@example.com', version: 1, workspace_id: workspaceA });
    expect(doc._version).toBe(1); // external versioning: the ES version is the contact's version
  });

  test('tags, labels, statuses, deletes and erasure reach the index; Elasticsearch ends equal to Postgres', async () => {
    const key = await createWorkspace('Mirror');
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as any };
    };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await call('POST', '/v1/contacts', { email: `m${i}@example.com` })).body.id);
    const vip = (await call('POST', '/v1/tags', { name: 'VIP' })).body.id;
    await call('POST', '/v1/tags/bulk-add', { contactIds: ids.slice(0, 4), tagIds: [vip] });
    await call('POST', '/v1/labels/bulk-set', { contactIds: ids.slice(2), labels: { tier: 'gold' } });
    await call('PATCH', `/v1/contacts/${ids[3]}/labels`, { set: { tier: 'silver' } });
    await call('POST', `/v1/contacts/${ids[1]}/actions/unsubscribe-email`);
    await call('DELETE', `/v1/contacts/${ids[4]}`, { reason: 'test' });
    expect((await call('DELETE', `/v1/contacts/${ids[5]}/erase`)).status).toBe(204);
    await call('PATCH', `/v1/tags/${vip}`, { name: 'Very Important' }); // touches no document

    const { rows } = await env.pool.query<{ workspace_id: string }>('select workspace_id from api_keys where prefix = $1', [key.split('_')[1]]);
    const workspaceId = rows[0]!.workspace_id;
    const alias = env.config.elasticsearch.contactsAlias;
    const liveQuery = (extra: object[]) => ({ bool: { filter: [{ term: { workspace_id: workspaceId } }, { term: { deleted: false } }, ...extra] } });
    const count = async (extra: object[]) => {
      await env.es.indices.refresh({ index: alias });
      return (await env.es.count({ index: alias, routing: workspaceId, query: liveQuery(extra) })).count;
    };
    // Wait until the last write (the erasure's tombstone) is indexed, then compare everything.
    await eventually(async () => {
      await env.es.indices.refresh({ index: alias });
      const doc = await env.es.get<{ erased?: boolean }>({ index: alias, id: ids[5]!, routing: workspaceId }).catch(() => undefined);
      return doc?._source?.erased === true;
    }, Boolean);
    // Events of different contacts travel on different partitions: the erasure being indexed says
    // nothing of the others. Every document must equal its contact first.
    await expectSearchIndexConverges(env, workspaceId);
    expect(await count([])).toBe(4);
    expect(await count([{ term: { tag_ids: vip } }])).toBe(4);
    expect(await count([{ term: { labels: 'tier=gold' } }])).toBe(1);
    expect(await count([{ terms: { labels: ['tier=gold', 'tier=silver'] } }])).toBe(2);
    expect(await count([{ term: { email_status: 'unsubscribed' } }])).toBe(1);

    // Every document's version and content equal the contact in Postgres.
    for (const id of ids.slice(0, 5)) {
      const pg = (await call('GET', `/v1/contacts/${id}`)).body;
      const doc = (await env.es.get<Record<string, unknown>>({ index: alias, id, routing: workspaceId }))._source!;
      expect([id, doc.version, doc.tag_ids, doc.labels, doc.deleted, doc.email_status]).toEqual([
        id,
        pg.version,
        pg.tagIds,
        Object.entries(pg.labels).map(([k, v]) => `${k}=${v}`),
        pg.deletedAt !== null,
        pg.emailStatus,
      ]);
    }
    const tombstone = (await env.es.get<Record<string, unknown>>({ index: alias, id: ids[5]!, routing: workspaceId }))._source;
    // created (1), labelled (2), erased (3): the tombstone outranks every earlier event.
    expect(tombstone).toEqual({ workspace_id: workspaceId, contact_id: ids[5], version: 3, deleted: true, erased: true });
  });

  test('bad input is a 4xx naming the field and the rule, and stores nothing', async () => {
    const key = await createWorkspace('Validation');
    const cases: { body: unknown; status: number; field: string }[] = [
      { body: { email: 'not-an-email' }, status: 400, field: 'body.email' },
      { body: { phone: '0044 207' }, status: 400, field: 'body.phone' },
      { body: { firstName: 'x'.repeat(101), email: 'a@b.co' }, status: 400, field: 'body.firstName' },
      { body: {}, status: 400, field: 'body.email' },
      { body: { email: 'a@b.co', unknown: 1 }, status: 400, field: 'body' },
    ];
    for (const c of cases) {
      const res = await postContact(key, c.body);
      expect(res.status).toBe(c.status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await res.json()) as { errors: { field: string; rule: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain(c.field);
    }
    const malformed = await fetch(`${api.url}/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: '{"email": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: { rule: string }[] }).errors[0]!.rule).toBe('must be valid JSON');

    expect((await postContact(key, { email: 'dup@example.com' })).status).toBe(201);
    const duplicate = await postContact(key, { email: 'DUP@example.com' });
    expect(duplicate.status).toBe(409);

    const { rows } = await env.pool.query('select count(*)::int as n from contacts c join api_keys k using (workspace_id) where k.prefix = $1', [
      key.split('_')[1],
    ]);
    expect(rows[0].n).toBe(1);
  });

  test('requests without a valid key are refused', async () => {
    expect((await postContact('sk_000000000000_' + 'a'.repeat(43), { email: 'x@y.co' })).status).toBe(401);
    expect((await fetch(`${api.url}/v1/contacts`, { method: 'POST' })).status).toBe(401);
    const adminWithoutOperatorKey = await fetch(`${api.url}/v1/admin/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(adminWithoutOperatorKey.status).toBe(401);
  });

  test('health and readiness of both services', async () => {
    for (const url of [api.url, indexer.url]) {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'up', kafka: 'up', elasticsearch: 'up' } });
    }
  });
}
