// SQL for jobs. The runner claims a job with FOR UPDATE SKIP LOCKED for the length of one chunk,
// so several api processes share the work without running one chunk twice.
import type { Queryable } from '@segmenter/shared';
import { newestFirstPage, newestFirstSql } from '../http/list-keys';
import type { ListPage, ListQuery } from '../http/list-page';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  /** null for system jobs (search index rebuild and reconcile), which belong to no workspace. */
  workspaceId: string | null;
  type: string;
  params: Record<string, unknown>;
  status: JobStatus;
  total: number | null;
  done: number;
  error: string | null;
  /** What a finished job found (a reconcile's report), when it reports anything. */
  result: unknown;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const COLUMNS = 'id, workspace_id, type, params, status, total, done, error, result, attempts, created_at, updated_at, finished_at';

function toJob(r: any): Job {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    type: r.type,
    params: r.params,
    status: r.status,
    total: r.total,
    done: r.done,
    error: r.error,
    result: r.result ?? null,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

export async function insertJob(client: Queryable, workspaceId: string | null, type: string, params: object, total: number | null): Promise<Job> {
  const { rows } = await client.query(`insert into jobs (workspace_id, type, params, total) values ($1, $2, $3, $4) returning ${COLUMNS}`, [
    workspaceId,
    type,
    params,
    total,
  ]);
  return toJob(rows[0]);
}

export async function findJob(client: Queryable, workspaceId: string, id: string): Promise<Job | undefined> {
  const { rows } = await client.query(`select ${COLUMNS} from jobs where workspace_id = $1 and id = $2`, [workspaceId, id]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** A page of the workspace's jobs, newest first (creation time, then id, so jobs created in one instant keep one order). */
export async function listJobs(client: Queryable, workspaceId: string, page: ListQuery): Promise<ListPage<Job>> {
  const sql = newestFirstSql('', 2, 3);
  const { items, nextCursor } = await newestFirstPage(page, 'jobs', async (after, limit) => {
    const { rows } = await client.query(
      `select ${COLUMNS}, ${sql.cursorColumn} from jobs where workspace_id = $1 and ${sql.after} order by ${sql.orderBy} limit $4`,
      [workspaceId, after.time, after.id, limit],
    );
    return rows;
  });
  return { items: items.map(toJob), nextCursor };
}

/**
 * Claims the runnable job that waited longest since its last chunk (updated_at moves on with
 * each chunk), for this transaction: jobs take turns, so a long rebuild does not hold up a tag
 * deletion. Undefined when there is none free.
 */
export async function claimRunnableJob(client: Queryable): Promise<Job | undefined> {
  const { rows } = await client.query(
    `select ${COLUMNS} from jobs where status in ('queued', 'running') and (run_after is null or run_after <= now())
      order by updated_at, created_at limit 1 for update skip locked`,
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Records a committed chunk; a chunk that succeeds resets the count of failures in a row; a job with nothing to do yet rests `restMs`. */
export async function recordJobProgress(client: Queryable, id: string, processed: number, finished: boolean, restMs = 0): Promise<void> {
  await client.query(
    `update jobs set done = done + $2, status = $3, attempts = 0, updated_at = now(), finished_at = case when $3 = 'succeeded' then now() end,
            run_after = case when $4 > 0 then now() + $4 * interval '1 millisecond' end
      where id = $1`,
    [id, processed, finished ? 'succeeded' : 'running', restMs],
  );
}

/** Whether a queued or running job of this type has params containing `params`. */
export async function pendingJobExists(client: Queryable, workspaceId: string, type: string, params: object): Promise<boolean> {
  const { rowCount } = await client.query(
    `select 1 from jobs where workspace_id = $1 and type = $2 and status in ('queued', 'running') and params @> $3 limit 1`,
    [workspaceId, type, params],
  );
  return (rowCount ?? 0) > 0;
}

/** The job's total, once it is known (a segment action knows it after freezing the members). */
export async function setJobTotal(client: Queryable, id: string, total: number): Promise<void> {
  await client.query('update jobs set total = $2 where id = $1', [id, total]);
}

export async function failJob(client: Queryable, id: string, error: string): Promise<void> {
  await client.query(`update jobs set status = 'failed', error = $2, updated_at = now(), finished_at = now() where id = $1`, [id, error]);
}

export async function countJobAttempt(client: Queryable, id: string): Promise<number> {
  const { rows } = await client.query('update jobs set attempts = attempts + 1 where id = $1 returning attempts', [id]);
  return rows[0].attempts;
}

/** A system job (no workspace) by id. */
export async function findSystemJob(client: Queryable, id: string): Promise<Job | undefined> {
  const { rows } = await client.query(`select ${COLUMNS} from jobs where workspace_id is null and id = $1`, [id]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Whether a system job of this type is queued or running. */
export async function pendingSystemJob(client: Queryable, type: string): Promise<Job | undefined> {
  const { rows } = await client.query(`select ${COLUMNS} from jobs where workspace_id is null and type = $1 and status in ('queued', 'running') limit 1`, [
    type,
  ]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Saves a job's state (its cursor) and, optionally, its result so far, in the chunk's transaction. */
export async function saveJobState(client: Queryable, id: string, params: object, result?: unknown): Promise<void> {
  await client.query('update jobs set params = $2, result = coalesce($3, result) where id = $1', [
    id,
    params,
    result === undefined ? null : JSON.stringify(result),
  ]);
}
