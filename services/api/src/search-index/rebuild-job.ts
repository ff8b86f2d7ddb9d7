// Rebuilding the search index from Postgres, as a job. The route created the new index and put it
// behind the write alias before queuing the job, so from then on the indexer writes every event to
// both indices. Each chunk copies the next page of contacts (all workspaces, in id order) with
// their versions as external versions: whichever of the copy and a live event is newer wins, in
// either order. When the copy is done, one atomic alias update points reads and writes at the new
// index; the old one is deleted after a grace period that outlasts any bulk request in flight.
import { contactDocument, EsClient, indicesOf, Logger, PoolClient, writeAliasOf } from '@segmenter/shared';
import { SNAPSHOT_SELECT, toSnapshot } from '../contacts/contacts-store';
import type { ChunkResult } from '../jobs/job-runner';
import { Job, saveJobState } from '../jobs/jobs-store';

export const REBUILD_JOB = 'search-index.rebuild';
const PAGE = 1000;

export interface RebuildState {
  target: string;
  phase: 'copy' | 'retire';
  cursor: string | null;
  retireAfter?: number;
  retired?: string[];
}

export interface RebuildOptions {
  es: EsClient;
  alias: string;
  log: Logger;
  /** How long the old index outlives the swap (bulk requests in flight may still name it). */
  retireGraceMs: number;
}

/** Writes documents to one index with external versions; anything but success or "already newer" throws. */
export async function copyDocuments(es: EsClient, index: string, documents: ReturnType<typeof contactDocument>[]): Promise<void> {
  if (documents.length === 0) return;
  const response = await es.bulk({
    operations: documents.flatMap((d) => [{ index: { _index: index, _id: d.contact_id, routing: d.workspace_id, version: d.version, version_type: 'external' } }, d]),
  });
  const failed = response.items.map((i) => i.index!).filter((r) => r.status >= 300 && r.status !== 409);
  if (failed.length > 0) throw new Error(`copy failed for ${failed.length} documents: ${failed[0]!.status} ${failed[0]!.error?.reason}`);
}

export function createRebuildChunk(options: RebuildOptions) {
  const { es, alias, log } = options;
  const writeAlias = writeAliasOf(alias);
  return async function rebuildChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
    const state = job.params as unknown as RebuildState;
    if (state.phase === 'copy') {
      const { rows } = await client.query(`${SNAPSHOT_SELECT} where ($1::uuid is null or c.id > $1::uuid) order by c.id limit ${PAGE}`, [state.cursor]);
      if (rows.length > 0) {
        await copyDocuments(es, state.target, rows.map((r) => contactDocument(toSnapshot(r))));
        await saveJobState(client, job.id, { ...state, cursor: rows[rows.length - 1].id });
        return { processed: rows.length, finished: false };
      }
      // Copied everything: swap both aliases in one atomic update.
      const previous = (await indicesOf(es, alias)).filter((i) => i !== state.target);
      const previousWrites = (await indicesOf(es, writeAlias)).filter((i) => i !== state.target);
      await es.indices.updateAliases({
        actions: [
          { add: { index: state.target, alias } },
          ...previous.map((index) => ({ remove: { index, alias } })),
          ...previousWrites.map((index) => ({ remove: { index, alias: writeAlias } })),
        ],
      });
      log.info({ target: state.target, retired: previous }, 'search index swapped');
      await saveJobState(client, job.id, { ...state, phase: 'retire', retireAfter: Date.now() + options.retireGraceMs, retired: [...new Set([...previous, ...previousWrites])] });
      return { processed: 0, finished: false };
    }
    const wait = (state.retireAfter ?? 0) - Date.now();
    if (wait > 0) {
      // Short naps keep the chunk (and its transaction) brief; the runner calls again.
      await new Promise((r) => setTimeout(r, Math.min(wait, 2000)));
      return { processed: 0, finished: false };
    }
    if (state.retired && state.retired.length > 0) await es.indices.delete({ index: state.retired, ignore_unavailable: true });
    return { processed: 0, finished: true };
  };
}
