// Idempotency-Key over HTTP against real Postgres: a retry replays the first answer and writes
// nothing twice; the key with another request is refused.
import { useApiHarness } from '../../../../test/support/api-harness';

const t = useApiHarness();

const post = (path: string, body: unknown, key: string) => t.h.request('POST', path, { key: t.ws.key, body, headers: { 'idempotency-key': key } });

test('a retried create replays the first answer and creates one contact', async () => {
  const first = await post('/v1/contacts', { email: 'once@example.com' }, 'create-1');
  const retry = await post('/v1/contacts', { email: 'once@example.com' }, 'create-1');
  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.body).toEqual(first.body);
  // The replay carries the first answer's token, so the retrying client can still wait for its write.
  expect(first.headers.get('consistency-token')).toMatch(/^ct1_/);
  expect(retry.headers.get('consistency-token')).toBe(first.headers.get('consistency-token'));
  const { rows } = await t.h.env.pool.query("select count(*)::int as n from contacts where email = 'once@example.com'");
  expect(rows[0].n).toBe(1);
  expect((await t.h.outboxEvents(t.ws.id)).filter((e) => e.aggregateId === first.body.id)).toHaveLength(1);
});

test('a retried batch replays its per-item results', async () => {
  const body = { matchBy: 'email', contacts: [{ email: 'batch-once@example.com' }, { email: 'bad' }] };
  const first = await post('/v1/contacts/batch-upsert', body, 'batch-1');
  const retry = await post('/v1/contacts/batch-upsert', body, 'batch-1');
  expect(retry.body).toEqual(first.body);
  expect(first.body.summary).toMatchObject({ created: 1, failed: 1 });
});

test('a write too large for an inline token stores one receipt, and its replay carries the same token', async () => {
  const body = { matchBy: 'email', contacts: Array.from({ length: 150 }, (_, i) => ({ email: `receipt-${i}@example.com` })) };
  const first = await post('/v1/contacts/batch-upsert', body, 'batch-receipt');
  const retry = await post('/v1/contacts/batch-upsert', body, 'batch-receipt');
  expect(first.body.summary).toMatchObject({ created: 150 });
  const token = first.headers.get('consistency-token');
  expect(token).toMatch(/^ct1_/);
  expect(retry.headers.get('consistency-token')).toBe(token);
  const { rows } = await t.h.env.pool.query('select count(*)::int as n from write_receipts where workspace_id = $1', [t.ws.id]);
  expect(rows[0].n).toBe(1);
});

test('an error answer is replayed too, with its problem document', async () => {
  const first = await post('/v1/contacts', { email: 'nope' }, 'bad-1');
  const retry = await post('/v1/contacts', { email: 'nope' }, 'bad-1');
  expect([first.status, retry.status]).toEqual([400, 400]);
  expect(retry.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(retry.body.errors).toEqual(first.body.errors);
});

test('the same key with a different request is refused; keys are per workspace', async () => {
  await post('/v1/contacts', { email: 'a1@example.com' }, 'shared-key');
  const other = await post('/v1/contacts', { email: 'a2@example.com' }, 'shared-key');
  expect(other.status).toBe(422);
  const otherWs = await t.h.createWorkspace();
  const elsewhere = await t.h.request('POST', '/v1/contacts', {
    key: otherWs.key,
    body: { email: 'a2@example.com' },
    headers: { 'idempotency-key': 'shared-key' },
  });
  expect(elsewhere.status).toBe(201);
});

test('a malformed key is refused naming the header', async () => {
  const res = await post('/v1/contacts', { email: 'k@example.com' }, 'x'.repeat(256));
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([{ field: 'headers.idempotency-key', rule: 'must be 1-255 visible ASCII characters' }]);
});
