// Compares the search index with the truth, exactly: every contact of a workspace in Postgres must be a
// document with the same version and the same content (as the pure document builder makes it
// from the contact's snapshot), every erased contact a tombstone at its erasure's version, and
// any other document a tombstone (one reconcile wrote for a document that should not exist).
import { isDeepStrictEqual } from 'node:util';
import { announceSearchIndexChanges, contactDocument, ContactDocument, tombstoneDocument, workspaceSearch } from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../../services/api/src/contacts/contacts-store';
import { eventually, TestEnvironment } from './test-environment';

/** Human-readable differences; [] when Elasticsearch equals Postgres for the workspace. */
export async function searchIndexDifferences(env: TestEnvironment, workspaceId: string, index = env.config.elasticsearch.contactsAlias): Promise<string[]> {
  const { rows } = await env.pool.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1 order by c.id`, [workspaceId]);
  const expected = new Map<string, ContactDocument>(rows.map((r) => [r.id, contactDocument(toSnapshot(r))]));
  // Erased contacts must be tombstones at their erasure's version.
  const erased = await env.pool.query('select contact_id, version from erased_contacts where workspace_id = $1', [workspaceId]);
  for (const e of erased.rows) expected.set(e.contact_id, tombstoneDocument(workspaceId, e.contact_id, Number(e.version)));
  await env.es.indices.refresh({ index });
  const found = new Map<string, { version: number; source: ContactDocument }>();
  let searchAfter: (string | number)[] | undefined;
  for (;;) {
    const response = await env.es.search<ContactDocument>({
      ...workspaceSearch(index, workspaceId, [], { documents: 'all' }),
      size: 5000,
      version: true,
      sort: [{ contact_id: 'asc' }],
      ...(searchAfter ? { search_after: searchAfter } : {}),
    });
    for (const hit of response.hits.hits) found.set(hit._id!, { version: hit._version!, source: hit._source! });
    if (response.hits.hits.length < 5000) break;
    searchAfter = response.hits.hits[response.hits.hits.length - 1]!.sort as (string | number)[];
  }
  const differences: string[] = [];
  for (const [id, doc] of expected) {
    const hit = found.get(id);
    if (!hit) differences.push(`${id}: missing (Postgres v${doc.version})`);
    else if (hit.version !== doc.version) differences.push(`${id}: version ${hit.version}, Postgres v${doc.version}`);
    else if (!isDeepStrictEqual(hit.source, doc)) differences.push(`${id}: content differs at v${doc.version}`);
  }
  for (const [id, hit] of found) {
    if (!expected.has(id) && !hit.source.erased) differences.push(`${id}: in Elasticsearch (v${hit.version}) but not in Postgres`);
  }
  return differences;
}

/**
 * Waits until the search index equals Postgres for the workspace; fails with the differences left.
 * Then announces the workspace as changed, as the indexer would within a second, and waits for the
 * apis' next read of the announcements: counts asked afterwards come from the converged index,
 * not from an api's count cache (which serves a count up to about a second after a change is
 * searchable; docs/architecture.md).
 */
export async function expectSearchIndexConverges(env: TestEnvironment, workspaceId: string, timeoutMs = 60_000): Promise<void> {
  let last: string[] = [];
  try {
    await eventually(
      async () => (last = await searchIndexDifferences(env, workspaceId)),
      (d) => d.length === 0,
      timeoutMs,
    );
  } catch {
    throw new Error(`the search index did not converge in ${timeoutMs} ms; ${last.length} differences, first: ${last.slice(0, 5).join('; ')}`);
  }
  await announceSearchIndexChanges(env.es, env.config.elasticsearch.contactsAlias, env.pool, [workspaceId]);
  // Two polls of every api process, and a margin for a loaded machine.
  await new Promise((r) => setTimeout(r, env.config.counts.changePollMs * 2 + 100));
}
