// Reconcile: compares the search index with Postgres, workspace by workspace, one id range at a time,
// and (with repair) fixes what differs. For each page of contacts in id order it reads the
// documents of the id range, then Postgres's contacts and erasures of the same range, and
// compares whole documents, not just versions: a change that forgot to bump the version shows up
// as "mismatched". Elasticsearch is read before the contacts it is compared with, so Postgres is
// never older than the documents: a change in flight can only look missing or stale, and
// repairing those writes the truth, which the in-flight event then cannot undo (it is older).
// Categories:
//   missing     in Postgres, no document
//   stale       the document has an older version
//   mismatched  same version, different content
//   ahead       the document has a newer version than Postgres (should never happen; reported,
//               not repaired: Elasticsearch keeps refusing lower versions, so a rebuild fixes it)
//   extra       a live document with neither a contact nor an erasure in Postgres
// Repairs write the Postgres state (a tombstone for extra documents) to every index behind the
// write alias, with versions chosen so that the repair wins and later events still win over it,
// one bulk write per page through the document writer (contact-document-writer.ts).
import { isDeepStrictEqual } from 'node:util';
import {
  announceSearchIndexChanges,
  contactDocument,
  ContactDocument,
  documentOperation,
  DocumentWrite,
  EsClient,
  estypes,
  Pool,
  PoolClient,
  tombstoneDocument,
  workspaceSearch,
  writeContactDocumentsOrThrow,
  writeTargets,
} from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../contacts/contacts-store';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';

export const RECONCILE_JOB = 'search-index.reconcile';
const PAGE = 500;
const SAMPLE = 20;

export type DriftKind = 'missing' | 'stale' | 'mismatched' | 'ahead' | 'extra';

export interface ReconcileReport {
  checked: number;
  documents: number;
  drift: Record<DriftKind, number>;
  repaired: number;
  /**
   * Repairs Elasticsearch refused: a document deleted by hand remembers a higher version for
   * index.gc_deletes (60 s), so its repair waits for a later run.
   */
  unrepaired: number;
  /** Up to 20 contact ids per kind, to look at. */
  samples: Record<DriftKind, string[]>;
  /** Workspaces with drift: contacts in Postgres and live documents at the time each was checked. */
  workspaces: Record<string, { postgres: number; elasticsearch: number }>;
}

export interface ReconcileState {
  workspaceId: string | null;
  repair: boolean;
  /** Where the next chunk starts: the workspace being checked and the last contact id done. */
  cursor: { workspaceId: string; contactId: string | null; counts?: { postgres: number; elasticsearch: number } } | null;
}

const emptyReport = (): ReconcileReport => ({
  checked: 0,
  documents: 0,
  drift: { missing: 0, stale: 0, mismatched: 0, ahead: 0, extra: 0 },
  repaired: 0,
  unrepaired: 0,
  samples: { missing: [], stale: [], mismatched: [], ahead: [], extra: [] },
  workspaces: {},
});

interface Found {
  id: string;
  version: number;
  source: ContactDocument;
}

/** Classifies one id; undefined when the document matches. Pure, unit-tested. */
export function driftOf(expected: ContactDocument | undefined, found: Found | undefined): DriftKind | undefined {
  if (expected && !found) return 'missing';
  if (!expected && found) return found.source.erased ? undefined : 'extra';
  if (!expected || !found) return undefined;
  if (found.version < expected.version) return 'stale';
  if (found.version > expected.version) return 'ahead';
  return isDeepStrictEqual(found.source, expected) ? undefined : 'mismatched';
}

async function documentsInRange(es: EsClient, alias: string, workspaceId: string, after: string | null, upTo: string | null): Promise<Found[]> {
  const range: Record<string, string> = {};
  if (after) range.gt = after;
  if (upTo) range.lte = upTo;
  const filters: estypes.QueryDslQueryContainer[] = Object.keys(range).length > 0 ? [{ range: { contact_id: range } }] : [];
  const found: Found[] = [];
  let searchAfter: estypes.SortResults | undefined;
  for (;;) {
    const response = await es.search<ContactDocument>({
      ...workspaceSearch(alias, workspaceId, filters, { documents: 'all' }),
      size: 1000,
      version: true,
      sort: [{ contact_id: 'asc' }],
      ...(searchAfter ? { search_after: searchAfter } : {}),
    });
    const hits = response.hits.hits;
    found.push(...hits.map((h) => ({ id: h._id!, version: h._version!, source: h._source! })));
    if (hits.length < 1000) return found;
    searchAfter = hits[hits.length - 1]!.sort;
  }
}

/** Postgres's answer for one drifted id: its document, or a tombstone for a document with no contact. */
export function repairWrite(kind: Exclude<DriftKind, 'ahead'>, expected: ContactDocument | undefined, found: Found | undefined): DocumentWrite {
  if (kind === 'extra') {
    const f = found!;
    // One above the document's version, compared as external: the tombstone wins over the
    // document, and an event that lands first with that version is not overwritten (409).
    return { operation: documentOperation(tombstoneDocument(f.source.workspace_id, f.id, f.version + 1)) };
  }
  // external_gte: equal versions with different content are overwritten; newer events still win.
  return { operation: documentOperation(expected!, 'external_gte') };
}

/**
 * Writes the repairs to every index behind the write alias (through each generation's target
 * alias with require_alias: never recreates a retired index), in bulk. A newer event may land
 * first (409): that index is already past what we would write, and the repair counts as not done.
 */
export async function repairDrift(es: EsClient, alias: string, writes: DocumentWrite[]): Promise<{ repaired: number; unrepaired: number }> {
  const { conflicts } = await writeContactDocumentsOrThrow(es, writes, { resolveTargets: () => writeTargets(es, alias) }, 'repair');
  return { repaired: writes.length - conflicts.length, unrepaired: conflicts.length };
}

async function nextWorkspace(client: PoolClient, after: string | null): Promise<string | undefined> {
  const { rows } = await client.query('select id from workspaces where $1::uuid is null or id > $1::uuid order by id limit 1', [after]);
  return rows[0]?.id;
}

async function workspaceCounts(client: PoolClient, es: EsClient, alias: string, workspaceId: string) {
  const { rows } = await client.query('select count(*)::int as n from contacts where workspace_id = $1', [workspaceId]);
  const search = workspaceSearch(alias, workspaceId, [{ bool: { must_not: [{ term: { erased: true } }] } }], { documents: 'all' });
  const { count } = await es.count({ index: search.index, routing: search.routing, query: search.query });
  return { postgres: rows[0].n as number, elasticsearch: count };
}

/** `pool`: where repairs are announced (search_index_changes), outside the chunk's transaction. */
export function createReconcileChunk(options: { es: EsClient; alias: string; pool: Pool }) {
  const { es, alias, pool } = options;
  return async function reconcileChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as ReconcileState;
    const report = (job.result as ReconcileReport | null) ?? emptyReport();
    if (!state.cursor) {
      const first = state.workspaceId ?? (await nextWorkspace(client, null));
      if (!first) return { processed: 0, finished: true };
      state.cursor = { workspaceId: first, contactId: null };
    }
    const { workspaceId, contactId } = state.cursor;
    state.cursor.counts ??= await workspaceCounts(client, es, alias, workspaceId);

    // The page's id range comes from the contacts; the last page of a workspace also covers
    // every document and erasure past its last contact.
    const { rows: page } = await client.query(
      `select id from contacts where workspace_id = $1 and ($2::uuid is null or id > $2::uuid) order by id limit ${PAGE}`,
      [workspaceId, contactId],
    );
    const lastPage = page.length < PAGE;
    const upTo: string | null = lastPage ? null : page[page.length - 1].id;
    const found = await documentsInRange(es, alias, workspaceId, contactId, upTo);
    // Now Postgres, in a new statement (a newer snapshot than the documents just read).
    const range = [workspaceId, contactId, upTo];
    const inRange = (column: string) => `($2::uuid is null or ${column} > $2::uuid) and ($3::uuid is null or ${column} <= $3::uuid)`;
    const { rows } = await client.query(`${SNAPSHOT_SELECT} where c.workspace_id = $1 and ${inRange('c.id')} order by c.id`, range);
    const { rows: erased } = await client.query(`select contact_id, version from erased_contacts where workspace_id = $1 and ${inRange('contact_id')}`, range);
    const expected = new Map<string, ContactDocument>(rows.map((r) => [r.id, contactDocument(toSnapshot(r))]));
    for (const e of erased) expected.set(e.contact_id, tombstoneDocument(workspaceId, e.contact_id, Number(e.version)));
    const foundById = new Map(found.map((f) => [f.id, f]));
    report.checked += page.length;
    report.documents += found.length;
    let drifted = false;
    const repairs: DocumentWrite[] = [];
    for (const id of [...new Set([...expected.keys(), ...foundById.keys()])].sort()) {
      const kind = driftOf(expected.get(id), foundById.get(id));
      if (!kind) continue;
      drifted = true;
      report.drift[kind] += 1;
      if (report.samples[kind].length < SAMPLE) report.samples[kind].push(id);
      if (state.repair && kind !== 'ahead') repairs.push(repairWrite(kind, expected.get(id), foundById.get(id)));
    }
    if (repairs.length > 0) {
      const { repaired, unrepaired } = await repairDrift(es, alias, repairs);
      report.repaired += repaired;
      report.unrepaired += unrepaired;
      // Repaired documents change the workspace's counts: the api's cached ones are dropped.
      if (repaired > 0) await announceSearchIndexChanges(es, alias, pool, [workspaceId]);
    }
    if (drifted || state.cursor.counts.postgres !== state.cursor.counts.elasticsearch) report.workspaces[workspaceId] = state.cursor.counts;

    if (!lastPage) {
      state.cursor = { workspaceId, contactId: upTo, counts: state.cursor.counts };
    } else {
      const next = state.workspaceId ? undefined : await nextWorkspace(client, workspaceId);
      state.cursor = next ? { workspaceId: next, contactId: null } : null;
      if (!next) {
        await saveJobState(client, job.id, { ...state, done: true }, report);
        return { processed: page.length, finished: true };
      }
    }
    await saveJobState(client, job.id, state, report);
    return { processed: page.length, finished: false };
  };
}
