// Answers of the job endpoints (jobs/): a job, named once as the Job component that every operation
// starting one answers, and a page of jobs.
import { z } from 'zod';
import { answer, pageOf, ref, timestamp, uuid } from '../http/answer-schemas';

/** A job (jobs-store.ts): long work followed at /v1/jobs/{id}. System jobs have no workspace. */
export const Job = answer({
  id: uuid,
  workspaceId: uuid.nullable(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  total: z.number().int().nullable(),
  done: z.number().int(),
  error: z.string().nullable(),
  /** What a finished job found (a reconcile's report), when it reports anything. */
  result: z.unknown().describe('Any JSON: the report of the job type, or null'),
  attempts: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
  finishedAt: timestamp.nullable(),
});
export const jobRef = ref('Job');
export const JobList = pageOf(jobRef);
