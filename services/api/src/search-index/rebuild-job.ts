// Rebuilding the search index from Postgres, as a job. The route created the new index and put it
// behind the write alias before queuing the job, so from then on the indexer writes every event to
// both indices. Chunks copy the contacts (all workspaces, in id order), then the tombstones of
// erased contacts, each with its version as external version: whichever of the copy and a live
// event is newer wins, in either order. When the copy is done, one atomic alias update points
// reads and writes at the new index; after a grace period every other generation no alias uses
// is deleted (a write still naming one fails, by require_alias, instead of recreating it).
import {
  announceSearchIndexChanges,
  EVERY_WORKSPACE,
  contactDocument,
  ContactDocument,
  documentOperation,
  EsClient,
  indicesOf,
  Logger,
  Pool,
  PoolClient,
  strayGenerations,
  targetAliasOf,
  tombstoneDocument,
  writeAliasOf,
  writeContactDocumentsOrThrow,
} from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../contacts/contacts-store';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';

export const REBUILD_JOB = 'search-index.rebuild';
const PAGE = 1000;

export interface RebuildState {
  target: string;
  phase: 'copy' | 'tombstones' | 'retire';
  cursor: string | null;
  retireAfter?: number;
}

export interface RebuildOptions {
  es: EsClient;
  alias: string;
  /** Where the swap is announced (search_index_changes), outside the chunk's transaction. */
  pool: Pool;
  log: Logger;
  /** How long the old index outlives the swap, so reads in flight on it finish. */
  retireGraceMs: number;
}

/**
 * Writes documents to one generation (through its target alias, so a deleted index is never
 * recreated) with external versions, by the one document writer: items that fail with 429/5xx
 * are retried with backoff; anything but success or "already newer" throws, failing the chunk.
 */
export async function copyDocuments(es: EsClient, index: string, documents: ContactDocument[]): Promise<void> {
  const writes = documents.map((d) => ({ operation: documentOperation(d) }));
  await writeContactDocumentsOrThrow(es, writes, { resolveTargets: async () => [targetAliasOf(index)] }, 'copy');
}

export function createRebuildChunk(options: RebuildOptions) {
  const { es, alias, log, pool } = options;
  const writeAlias = writeAliasOf(alias);

  async function copyPage(client: PoolClient, job: Job, state: RebuildState): Promise<ChunkResult | undefined> {
    const tombstones = state.phase === 'tombstones';
    const { rows } = tombstones
      ? await client.query(
          `select workspace_id, contact_id as id, version from erased_contacts where ($1::uuid is null or contact_id > $1::uuid) order by contact_id limit ${PAGE}`,
          [state.cursor],
        )
      : await client.query(`${SNAPSHOT_SELECT} where ($1::uuid is null or c.id > $1::uuid) order by c.id limit ${PAGE}`, [state.cursor]);
    if (rows.length === 0) return undefined;
    await copyDocuments(
      es,
      state.target,
      rows.map((r) => (tombstones ? tombstoneDocument(r.workspace_id, r.id, Number(r.version)) : contactDocument(toSnapshot(r)))),
    );
    await saveJobState(client, job.id, { ...state, cursor: rows[rows.length - 1].id });
    return { processed: tombstones ? 0 : rows.length, finished: false };
  }

  return async function rebuildChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as RebuildState;
    if (state.phase === 'copy' || state.phase === 'tombstones') {
      const copied = await copyPage(client, job, state);
      if (copied) return copied;
      if (state.phase === 'copy') {
        await saveJobState(client, job.id, { ...state, phase: 'tombstones', cursor: null });
        return { processed: 0, finished: false };
      }
      // Copied everything: swap both aliases in one atomic update (idempotent if retried).
      const previous = (await indicesOf(es, alias)).filter((i) => i !== state.target);
      const previousWrites = (await indicesOf(es, writeAlias)).filter((i) => i !== state.target);
      await es.indices.updateAliases({
        actions: [
          { add: { index: state.target, alias } },
          ...previous.map((index) => ({ remove: { index, alias } })),
          ...previousWrites.map((index) => ({ remove: { index, alias: writeAlias } })),
        ],
      });
      log.info({ target: state.target, previous }, 'search index swapped');
      // Every workspace now reads another index: no count cached from the old one may be served.
      await announceSearchIndexChanges(es, alias, pool, [EVERY_WORKSPACE]);
      await saveJobState(client, job.id, { ...state, phase: 'retire', retireAfter: Date.now() + options.retireGraceMs });
      return { processed: 0, finished: false };
    }
    const wait = (state.retireAfter ?? 0) - Date.now();
    if (wait > 0) {
      // Short naps keep the chunk (and its transaction) brief; the runner calls again.
      await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
      return { processed: 0, finished: false };
    }
    // Every generation no alias uses: the one just replaced, and any an earlier run left behind.
    const stray = await strayGenerations(es, alias, [state.target]);
    if (stray.length > 0) await es.indices.delete({ index: stray, ignore_unavailable: true });
    log.info({ deleted: stray }, 'retired search index generations deleted');
    return { processed: 0, finished: true };
  };
}
