// The search index's maintenance jobs on the loaded data: a rebuild (Postgres copied into a new
// index, then the alias swapped) against Elasticsearch's raw _bulk of the same documents, the
// baseline taken in the same run; and a check-only reconcile of the large workspace.
import { contactDocument, CONTACTS_MAPPING, CONTACTS_SETTINGS } from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../../services/api/src/contacts/contacts-store';
import { eventually } from '../../test/support/test-environment';
import type { SectionResult } from '../bench-context';
import { call } from '../bench-api';
import type { Harness } from '../bench-harness';
import { round, timed } from '../bench-stats';

/**
 * Raw _bulk of documents into a scratch index: Elasticsearch's own ingest rate here, the baseline.
 * Deliberately not the document writer (search-index/contact-document-writer.ts): this is what it is measured against.
 */
async function rawBulkRate(h: Harness, limit: number): Promise<number> {
  const { rows } = await h.pool.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1 order by c.id limit $2`, [h.workspace.id, limit]);
  const documents = rows.map((r) => contactDocument(toSnapshot(r)));
  const index = `${h.env.config.elasticsearch.indexPrefix}raw-baseline`;
  await h.es.indices.create({ index, settings: CONTACTS_SETTINGS, mappings: CONTACTS_MAPPING });
  try {
    const { ms } = await timed(async () => {
      for (let i = 0; i < documents.length; i += 1000) {
        const page = documents.slice(i, i + 1000);
        const res = await h.es.bulk({ operations: page.flatMap((d) => [{ index: { _index: index, _id: d.contact_id, routing: d.workspace_id } }, d]) });
        if (res.errors) throw new Error('raw bulk failed');
      }
      await h.es.indices.refresh({ index });
    });
    return documents.length / (ms / 1000);
  } finally {
    await h.es.indices.delete({ index });
  }
}

interface JobView {
  status: string;
  error?: string | null;
  result?: { drift?: Record<string, number> } & Record<string, unknown>;
}

async function runJob(h: Harness, route: string, body: unknown): Promise<JobView> {
  const operator = { operatorKey: h.operatorKey };
  const job = await call(h.apiUrl, 'POST', route, operator, body);
  const done = await eventually(
    () => call<JobView>(h.apiUrl, 'GET', `/v1/admin/search-index/jobs/${job.id}`, operator),
    (j) => j.status === 'succeeded' || j.status === 'failed',
    4 * 60 * 60_000,
  );
  if (done.status !== 'succeeded') throw new Error(`${route}: ${done.status} ${JSON.stringify(done.error ?? done)}`);
  return done;
}

export async function indexJobsSection(h: Harness): Promise<SectionResult> {
  const total = (await h.pool.query('select count(*)::int as n from contacts where deleted_at is null')).rows[0].n as number;
  const rawRate = await rawBulkRate(h, Math.min(h.smoke ? 5000 : 50_000, h.contacts));
  h.log(`index jobs: raw _bulk baseline ${Math.round(rawRate)} docs/s; rebuilding ${total} contacts`);
  const rebuild = await timed(() => runJob(h, '/v1/admin/search-index/rebuild', {}));
  const rebuildRate = total / (rebuild.ms / 1000);
  const reconcile = await timed(() => runJob(h, '/v1/admin/search-index/reconcile', { workspaceId: h.workspace.id }));
  const reconcileRate = h.contacts / (reconcile.ms / 1000);
  const drift = reconcile.value.result?.drift;
  return {
    figures: {
      rebuild: { contacts: total, seconds: round(rebuild.ms / 1000), contactsPerSecond: Math.round(rebuildRate), rawBulkDocsPerSecond: Math.round(rawRate) },
      reconcile: { contacts: h.contacts, seconds: round(reconcile.ms / 1000), contactsPerSecond: Math.round(reconcileRate), result: reconcile.value.result },
    },
    rows: [
      {
        section: 'index jobs',
        measure: 'rebuild (Postgres to a new index)',
        value: Math.round(rebuildRate),
        unit: 'contacts/s',
        note: `${round(rebuildRate / rawRate, 2)}x raw _bulk of the same documents (${Math.round(rawRate)}/s); every workspace, ${total.toLocaleString('en-US')} contacts`,
      },
      {
        section: 'index jobs',
        measure: 'reconcile, check only',
        value: Math.round(reconcileRate),
        unit: 'contacts/s',
        note: `drift: ${JSON.stringify(drift ?? {})}`,
      },
    ],
  };
}
