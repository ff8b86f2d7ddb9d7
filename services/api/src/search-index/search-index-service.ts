// Operator actions on the search index: its state (which indices serve reads and take writes),
// starting a rebuild (a new index generation filled from Postgres, then swapped in) and starting
// a reconcile (compare with Postgres, optionally repair), and following either. Both run as system jobs.
import {
  createContactsIndex,
  EsClient,
  generationOf,
  indicesOf,
  inTransaction,
  latestGeneration,
  lockForTransaction,
  onCommit,
  strayGenerations,
  Pool,
  writeAliasOf,
} from '@segmenter/shared';
import { ConflictError, NotFoundError } from '../errors/app-error';
import type { JobRunner } from '../jobs/job-runner';
import { findSystemJob, insertJob, Job, pendingSystemJob } from '../jobs/jobs-store';
import { REBUILD_JOB, RebuildState } from './rebuild-job';
import { RECONCILE_JOB, ReconcileState } from './reconcile-job';

export interface SearchIndexState {
  alias: string;
  readIndices: string[];
  writeIndices: string[];
  generation: number | null;
  rebuilding: boolean;
}

export type SearchIndexService = ReturnType<typeof createSearchIndexService>;

export function createSearchIndexService(options: { pool: Pool; es: EsClient; alias: string; jobs?: JobRunner }) {
  const { pool, es, alias } = options;
  const writeAlias = writeAliasOf(alias);

  async function state(): Promise<SearchIndexState> {
    const readIndices = await indicesOf(es, alias);
    const writeIndices = await indicesOf(es, writeAlias);
    return {
      alias,
      readIndices,
      writeIndices,
      generation: readIndices.length === 1 ? (generationOf(alias, readIndices[0]!) ?? null) : null,
      rebuilding: writeIndices.some((i) => !readIndices.includes(i)),
    };
  }

  return {
    state,

    /** A rebuild or reconcile job with its progress and report. */
    async job(id: string): Promise<Job> {
      const job = await findSystemJob(pool, id);
      if (!job) throw new NotFoundError(`Job ${id}`);
      return job;
    },

    /**
     * Creates the next index generation, puts it behind the write alias (from now on every event
     * reaches it) and queues the job that copies Postgres into it and swaps it in. An index left
     * behind the write alias by a failed rebuild, and any generation no alias uses, are dropped first.
     */
    async startRebuild(): Promise<Job> {
      return inTransaction(pool, async (client) => {
        // One rebuild at a time, across api processes: the advisory lock serialises the check.
        await lockForTransaction(client, 'segmenter.search-index.rebuild');
        const pending = await pendingSystemJob(client, REBUILD_JOB);
        if (pending) throw new ConflictError(`A rebuild is already running (job ${pending.id})`);
        const current = await state();
        const leftovers = current.writeIndices.filter((i) => !current.readIndices.includes(i));
        if (leftovers.length > 0) {
          await es.indices.updateAliases({ actions: leftovers.map((index) => ({ remove: { index, alias: writeAlias } })) });
        }
        const stray = await strayGenerations(es, alias);
        if (stray.length > 0) await es.indices.delete({ index: stray, ignore_unavailable: true });
        const target = await createContactsIndex(es, alias, (await latestGeneration(es, alias)) + 1);
        await es.indices.updateAliases({ actions: [{ add: { index: target, alias: writeAlias } }] });
        const { rows } = await client.query('select count(*)::int as n from contacts');
        const params: RebuildState = { target, phase: 'copy', cursor: null };
        const job = await insertJob(client, null, REBUILD_JOB, params, rows[0].n);
        onCommit(client, () => options.jobs?.nudge()); // a runner woken before the commit would not see the job
        return job;
      });
    },

    async startReconcile(request: { workspaceId?: string; repair: boolean }): Promise<Job> {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query('select count(*)::int as n from contacts where $1::uuid is null or workspace_id = $1::uuid', [
          request.workspaceId ?? null,
        ]);
        const params: ReconcileState = { workspaceId: request.workspaceId ?? null, repair: request.repair, cursor: null };
        const job = await insertJob(client, null, RECONCILE_JOB, params, rows[0].n);
        onCommit(client, () => options.jobs?.nudge()); // a runner woken before the commit would not see the job
        return job;
      });
    },
  };
}
