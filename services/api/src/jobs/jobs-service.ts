// Reading a workspace's jobs (/v1/jobs): a page of them, or one with its progress (a 404 when it is
// not there or not the caller's). System jobs are read by the search index service.
import type { Pool } from '@segmenter/shared';
import { NotFoundError } from '../errors/app-error';
import type { ListQuery } from '../http/list-page';
import { findJob, listJobs } from './jobs-store';

export function createJobsService(deps: { pool: Pool }) {
  const { pool } = deps;
  return {
    list: (workspaceId: string, page: ListQuery) => listJobs(pool, workspaceId, page),

    async get(workspaceId: string, id: string) {
      const job = await findJob(pool, workspaceId, id);
      if (!job) throw new NotFoundError(`Job ${id}`);
      return job;
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
