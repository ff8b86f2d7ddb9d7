// Every documented operation exists on the running api (a missing route would answer 404 "No
// route"), and the document and reference page are served.
import { startApiHarness, ApiHarness } from '../../../../test/support/api-harness';
import { OPERATIONS } from './openapi-document';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => h?.stop());

test('every documented operation is routed', async () => {
  const sample: Record<string, string> = {
    workspaceId: '00000000-0000-4000-8000-000000000000',
    keyId: '00000000-0000-4000-8000-000000000000',
    id: '00000000-0000-4000-8000-000000000000',
    key: 'tier',
    field: 'phone',
    value: '%2B14155550100',
  };
  for (const op of OPERATIONS) {
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => sample[name]!);
    const res = await h.request(op.method.toUpperCase(), path);
    expect([op.method, op.path, res.status === 404 && String(res.body?.detail).startsWith('No route')]).toEqual([op.method, op.path, false]);
  }
});

test('the document and the reference page are served', async () => {
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toBe('3.1.0');
  const page = await fetch(`${h.api.url}/docs`);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('/openapi.json');
  expect((await fetch(`${h.api.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
});

describe('every problem has one shape: type, title, status, detail, instance and errors [{ field, rule }]', () => {
  const shape = (status: number) =>
    expect.objectContaining({
      type: 'about:blank',
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.any(String),
      errors: expect.any(Array),
    });

  test('401 without a key and with an unknown key names the header', async () => {
    for (const key of [undefined, 'sk_live_unknownunknownunknown']) {
      const res = await h.request('GET', '/v1/contacts', { key });
      expect([res.status, res.headers.get('content-type')]).toEqual([401, expect.stringContaining('application/problem+json')]);
      expect(res.body).toEqual(shape(401));
      expect(res.body.errors).toEqual([{ field: 'headers.x-api-key', rule: expect.any(String) }]);
    }
    const operator = await h.request('GET', '/v1/admin/search-index', { headers: { authorization: 'Bearer wrong' } });
    expect(operator.body).toEqual(shape(401));
    expect(operator.body.errors).toEqual([{ field: 'headers.authorization', rule: expect.any(String) }]);
  });

  test('403 for a key without the scope names the scope', async () => {
    const ws = await h.createWorkspace();
    const readOnly = await h.operator('POST', `/v1/admin/workspaces/${ws.id}/api-keys`, { name: 'reader', scopes: ['read'] });
    const res = await h.request('POST', '/v1/tags', { key: readOnly.body.key, body: { name: 'VIP' } });
    expect(res.body).toEqual(shape(403));
    expect(res.body.errors).toEqual([{ field: 'headers.x-api-key', rule: 'must have the "write" scope' }]);
  });

  test('404 (an unknown contact, an unknown route) and 409 (a duplicate tag) carry errors too', async () => {
    const ws = await h.createWorkspace();
    const missing = await h.request('GET', '/v1/contacts/00000000-0000-4000-8000-000000000000', { key: ws.key });
    expect(missing.body).toEqual(shape(404));
    const noRoute = await h.request('GET', '/v1/no-such-thing', { key: ws.key });
    expect(noRoute.body).toEqual(shape(404));
    expect(noRoute.body.errors).toEqual([]);
    await h.request('POST', '/v1/tags', { key: ws.key, body: { name: 'VIP' } });
    const conflict = await h.request('POST', '/v1/tags', { key: ws.key, body: { name: 'VIP' } });
    expect(conflict.body).toEqual(shape(409));
    expect(conflict.body.errors).toEqual([{ field: 'body.name', rule: expect.any(String) }]);
  });
});
