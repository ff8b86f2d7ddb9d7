// Renaming and deleting custom field definitions, as a client does it: each is a job; saved
// segments that use the field are rewritten (rename) or guarded (delete: 409 unless forced, then
// marked broken); every contact's value moves or goes, and the index follows.
import { ApiHarness, startApiHarness, Workspace } from '../../../../test/support/api-harness';
import { expectSearchIndexConverges } from '../../../../test/support/search-index-equality';

let h: ApiHarness;
let ws: Workspace;
let ids: string[] = [];

beforeAll(async () => {
  h = await startApiHarness({ relay: true, jobRunner: true, indexer: true });
  ws = await h.createWorkspace();
  for (const [key, type] of [
    ['plan', 'string'],
    ['seats', 'number'],
  ])
    expect((await call('POST', '/v1/custom-fields', { key, type })).status).toBe(201);
  const batch = await call('POST', '/v1/contacts/batch-upsert', {
    matchBy: 'email',
    contacts: Array.from({ length: 5 }, (_, i) => ({
      email: `f${i}@example.com`,
      customFields: { plan: i < 3 ? 'pro' : 'free', ...(i === 0 ? { seats: 10 } : {}) },
    })),
  });
  ids = batch.body.results.map((r: { id: string }) => r.id);
  await expectSearchIndexConverges(h.env, ws.id);
});
afterAll(async () => h?.stop());

function call(method: string, path: string, body?: unknown, key = ws.key) {
  return h.request(method, path, { key, body });
}
const finished = (jobId: string) => h.jobEnded(ws.key, jobId);
const count = async (query: object) => (await call('POST', '/v1/segments/count', { queries: [query] })).body.results[0];

test('a rename moves every value and rewrites the saved segments that use the field', async () => {
  const segment = (await call('POST', '/v1/segments', { name: 'Pro', text: 'custom:plan = pro' })).body;
  const createdAt = (await call('GET', '/v1/custom-fields')).body.items.find((d: { key: string }) => d.key === 'plan').createdAt;
  const started = await call('PATCH', '/v1/custom-fields/plan', { key: 'tier' });
  expect(started.status).toBe(202);
  expect(started.headers.get('location')).toBe(`/v1/jobs/${started.body.id}`);
  // The segment names the new key at once.
  expect((await call('GET', `/v1/segments/${segment.id}`)).body.text).toBe('custom:tier = pro');
  const job = await finished(started.body.id);
  expect([job.status, job.done]).toEqual(['succeeded', 5]);
  const contact = (await call('GET', `/v1/contacts/${ids[0]}`)).body;
  expect(contact.customFields).toEqual({ tier: 'pro', seats: 10 });
  const definitions = (await call('GET', '/v1/custom-fields')).body.items;
  expect(definitions.map((d: { key: string }) => d.key)).toEqual(['seats', 'tier']);
  // The same field under a new key: its type and creation time stay.
  expect(definitions.find((d: { key: string }) => d.key === 'tier')).toMatchObject({ type: 'string', createdAt });
  await expectSearchIndexConverges(h.env, ws.id);
  expect(await count({ segmentId: segment.id })).toMatchObject({ total: 3 });
  // The old key is gone for writes and for segments.
  const write = await call('PATCH', `/v1/contacts/${ids[1]}`, { customFields: { plan: 'x' } });
  expect([write.status, write.body.errors]).toEqual([400, [{ field: 'body.customFields.plan', rule: 'is not a custom field defined in this workspace' }]]);
});

test('deleting a field saved segments use is a 409 naming them; forced, they are marked broken and every value goes', async () => {
  const segment = (await call('POST', '/v1/segments', { name: 'Big teams', text: 'custom:seats > 5' })).body;
  const refused = await call('DELETE', '/v1/custom-fields/seats');
  expect(refused.status).toBe(409);
  expect(refused.body.errors[0]).toEqual({
    field: 'params.key',
    rule: `is used by saved segments "Big teams" (${segment.id}); change them first, or pass force=true to delete anyway and mark them broken`,
  });
  const started = await call('DELETE', '/v1/custom-fields/seats?force=true');
  expect(started.status).toBe(202);
  expect((await finished(started.body.id)).status).toBe('succeeded');
  expect((await call('GET', `/v1/contacts/${ids[0]}`)).body.customFields).toEqual({ tier: 'pro' });
  const broken = (await call('GET', `/v1/segments/${segment.id}`)).body;
  expect(broken).toMatchObject({
    text: 'custom:seats > 5',
    broken: { reason: 'custom field seats was deleted', missing: [{ kind: 'customField', key: 'seats' }] },
  });
  expect(await count({ segmentId: segment.id })).toMatchObject({ status: 409 });
  expect((await call('GET', '/v1/custom-fields')).body.items.map((d: { key: string }) => d.key)).toEqual(['tier']);
});

test('bad renames and deletes are 4xx naming the field and rule', async () => {
  expect((await call('PATCH', '/v1/custom-fields/nope', { key: 'other' })).status).toBe(404);
  expect((await call('PATCH', '/v1/custom-fields/tier', { key: 'Bad Key' })).body.errors[0].field).toBe('body.key');
  expect((await call('PATCH', '/v1/custom-fields/tier', { key: 'tier' })).status).toBe(409);
  expect((await call('DELETE', '/v1/custom-fields/tier?force=yes')).body.errors).toEqual([{ field: 'query.force', rule: 'must be true or false' }]);
  expect((await call('DELETE', '/v1/custom-fields/NOT_A_KEY')).body.errors[0].field).toBe('params.key');
  const other = await h.createWorkspace();
  expect((await call('DELETE', '/v1/custom-fields/tier', undefined, other.key)).status).toBe(404);
});

test('while a rename or delete runs, neither key can be renamed or deleted again', async () => {
  // No job runner: the jobs stay queued, as a long one would be running.
  const paused = await startApiHarness({ jobRunner: false });
  try {
    const own = await paused.createWorkspace();
    const ask = (method: string, path: string, body?: unknown) => paused.request(method, path, { key: own.key, body });
    await ask('POST', '/v1/custom-fields', { key: 'a', type: 'string' });
    expect((await ask('PATCH', '/v1/custom-fields/a', { key: 'b' })).status).toBe(202);
    const onTarget = await ask('DELETE', '/v1/custom-fields/b?force=true');
    expect([onTarget.status, onTarget.body.detail]).toEqual([409, 'Custom field b is the new key of a rename still running; wait for its job to end']);
    expect((await ask('PATCH', '/v1/custom-fields/b', { key: 'c' })).status).toBe(409);
    const onSource = await ask('DELETE', '/v1/custom-fields/a');
    expect([onSource.status, onSource.body.detail]).toEqual([409, 'Custom field a is being renamed; wait for its job to end']);
    // Writes may already use the new key, never the old one.
    expect((await ask('POST', '/v1/contacts', { email: 'paused@example.com', customFields: { b: 'x' } })).status).toBe(201);
    expect((await ask('POST', '/v1/contacts', { email: 'paused2@example.com', customFields: { a: 'x' } })).status).toBe(400);
  } finally {
    await paused.stop();
  }
});
