// Contacts deleted before suppressions outlived contacts: the migration queues a backfill job per
// workspace, and once it has run, an address such a contact had unsubscribed stays unsubscribed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApiHarness } from '../../../../test/support/api-harness';
import { eventually } from '../../../../test/support/test-environment';

const t = useApiHarness({ jobRunner: true });
const req = (method: string, path: string, body?: unknown) => t.h.request(method, path, { key: t.ws.key, body });

/** The migration's Up part, run again as it ran against a database with such contacts. */
const migrationUp = readFileSync(join(__dirname, '../../migrations/1764002000000_suppression-backfill.sql'), 'utf8').split('-- Down Migration')[0]!;

test('contacts deleted before the list existed get their suppressions back through the backfill job', async () => {
  const gone = (await req('POST', '/v1/contacts', { email: 'legacy@example.com', phone: '+14155550177', phoneStatus: 'opted_out' })).body;
  await req('POST', `/v1/contacts/${gone.id}/actions/unsubscribe-email`);
  const kept = (await req('POST', '/v1/contacts', { email: 'legacy-active@example.com' })).body;
  await req('DELETE', `/v1/contacts/${gone.id}`);
  await req('DELETE', `/v1/contacts/${kept.id}`);
  // As before the list existed: nothing on it.
  await t.h.env.pool.query('delete from suppressions where workspace_id = $1', [t.ws.id]);
  expect((await req('GET', '/v1/suppressions')).body.items).toEqual([]);

  await t.h.env.pool.query(migrationUp);
  const { rows } = await t.h.env.pool.query("select id, total from jobs where workspace_id = $1 and type = 'suppressions.backfill'", [t.ws.id]);
  expect(rows).toEqual([{ id: expect.any(String), total: 1 }]); // the active one is not counted
  const job = await eventually(
    async () => (await req('GET', `/v1/jobs/${rows[0].id}`)).body,
    (j) => j.status === 'succeeded' || j.status === 'failed',
  );
  expect([job.status, job.done]).toEqual(['succeeded', 1]);

  const entries = (await req('GET', '/v1/suppressions')).body.items.map((e: { channel: string; status: string }) => [e.channel, e.status]).sort();
  expect(entries).toEqual([
    ['email', 'unsubscribed'],
    ['phone', 'opted_out'],
  ]);
  const again = await req('POST', '/v1/contacts', { email: 'legacy@example.com' });
  expect(again.body.emailStatus).toBe('unsubscribed');
  expect((await req('POST', '/v1/contacts', { email: 'legacy-active@example.com' })).body.emailStatus).toBe('active');
});
