// Workspaces and API keys through the operator's admin API, against real Postgres.
import { ApiHarness, startApiHarness } from '../../../../test/support/api-harness';

let h: ApiHarness;
let operator: Record<string, string>;

beforeAll(async () => {
  h = await startApiHarness();
  operator = { authorization: `Bearer ${h.env.config.api.operatorKey}` };
});
afterAll(async () => h?.stop());

const admin = (method: string, path: string, body?: unknown, headers = operator) => h.request(method, `/v1/admin${path}`, { body, headers });

test('keys are issued with their secret once, listed by prefix only, and revoked at once', async () => {
  const created = await admin('POST', '/workspaces', { name: 'Keys' });
  const workspaceId = created.body.workspace.id;
  const issued = await admin('POST', `/workspaces/${workspaceId}/api-keys`, { name: 'reporting', scopes: ['read', 'read'] });
  expect(issued.status).toBe(201);
  expect(issued.body).toMatchObject({ name: 'reporting', scopes: ['read'] });
  expect(issued.body.key).toMatch(new RegExp(`^sk_${issued.body.prefix}_`));

  const listed = await admin('GET', `/workspaces/${workspaceId}/api-keys`);
  expect(listed.body.items.map((k: { name: string; revokedAt: null }) => [k.name, k.revokedAt])).toEqual([
    ['initial key', null],
    ['reporting', null],
  ]);
  expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);

  const reporting = issued.body.key as string;
  expect((await h.request('GET', '/v1/contacts', { key: reporting })).status).toBe(200);
  expect((await h.request('POST', '/v1/contacts', { key: reporting, body: { email: 'r@example.com' } })).status).toBe(403);
  expect((await admin('DELETE', `/workspaces/${workspaceId}/api-keys/${issued.body.id}`)).status).toBe(204);
  expect((await h.request('GET', '/v1/contacts', { key: reporting })).status).toBe(401);
  expect((await admin('GET', `/workspaces/${workspaceId}/api-keys`)).body.items[1].revokedAt).not.toBeNull();
  // The initial key still works.
  expect((await h.request('GET', '/v1/contacts', { key: created.body.apiKey.key })).status).toBe(200);
});

test('a key of one workspace cannot be revoked through another', async () => {
  const a = (await admin('POST', '/workspaces', { name: 'A' })).body;
  const b = (await admin('POST', '/workspaces', { name: 'B' })).body;
  expect((await admin('DELETE', `/workspaces/${b.workspace.id}/api-keys/${a.apiKey.id}`)).status).toBe(404);
  expect((await h.request('GET', '/v1/contacts', { key: a.apiKey.key })).status).toBe(200);
});

test.each([
  ['POST', '/workspaces/00000000-0000-4000-8000-000000000000/api-keys', { name: 'x', scopes: ['read'] }, 404],
  ['POST', '/workspaces/not-a-uuid/api-keys', { name: 'x', scopes: ['read'] }, 400],
  ['GET', '/workspaces/00000000-0000-4000-8000-000000000000/api-keys', undefined, 404],
  ['POST', '/workspaces', { name: '' }, 400],
  ['POST', '/workspaces', { name: 'x'.repeat(201) }, 400],
])('%s %s answers %d', async (method, path, body, status) => {
  expect((await admin(method, path, body)).status).toBe(status);
});

test('scopes are checked', async () => {
  const ws = (await admin('POST', '/workspaces', { name: 'Scopes' })).body.workspace.id;
  const res = await admin('POST', `/workspaces/${ws}/api-keys`, { name: 'x', scopes: ['superuser'] });
  expect(res.status).toBe(400);
  expect(res.body.errors[0].field).toBe('body.scopes.0');
  const none = await admin('POST', `/workspaces/${ws}/api-keys`, { name: 'x', scopes: [] });
  expect(none.body.errors).toEqual([{ field: 'body.scopes', rule: 'must hold at least one scope' }]);
});

test('workspace API keys cannot use the admin API, and a wrong operator key is refused', async () => {
  const { apiKey } = (await admin('POST', '/workspaces', { name: 'NoAdmin' })).body;
  expect((await admin('POST', '/workspaces', { name: 'x' }, { 'x-api-key': apiKey.key })).status).toBe(401);
  expect((await admin('POST', '/workspaces', { name: 'x' }, { authorization: 'Bearer not-the-operator-key' })).status).toBe(401);
});

test('a request body over the limit is a 413, and nothing is stored', async () => {
  const { apiKey } = (await admin('POST', '/workspaces', { name: 'Big' })).body;
  const res = await h.request('POST', '/v1/contacts', {
    key: apiKey.key,
    raw: JSON.stringify({ email: 'big@example.com', firstName: 'x'.repeat(3 * 1024 * 1024) }),
  });
  expect(res.status).toBe(413);
  expect(res.body.detail).toBe('The request body exceeds the limit of 2mb');
  expect((await h.request('GET', '/v1/contacts?q=big@', { key: apiKey.key })).body.items).toEqual([]);
});
