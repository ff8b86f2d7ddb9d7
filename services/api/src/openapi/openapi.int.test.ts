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
  const sample: Record<string, string> = { workspaceId: '00000000-0000-4000-8000-000000000000', keyId: '00000000-0000-4000-8000-000000000000', id: '00000000-0000-4000-8000-000000000000', key: 'tier', field: 'phone', value: '%2B14155550100' };
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
