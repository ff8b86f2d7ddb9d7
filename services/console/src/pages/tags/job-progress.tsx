// A job followed to its end: GET /v1/jobs/{id} polled until it succeeds or fails, shown as a
// progress bar with processed/total. The tag delete and the label hygiene jobs both use it.
import { useEffect, useState } from 'react';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { fetchJob, type Job } from './tags-source';

const POLL_MS = 500;

export const jobEnded = (job: Job) => job.status === 'succeeded' || job.status === 'failed';

/** The job as last read, polled every POLL_MS until it ends; `onEnd` is called once when it does. */
export function useJob(started: Job | null, onEnd?: (job: Job) => void): { job: Job | null; problem: Problem | null } {
  const [job, setJob] = useState<Job | null>(started);
  const [problem, setProblem] = useState<Problem | null>(null);
  const id = started?.id;

  useEffect(() => {
    if (!started) return;
    setJob(started);
    setProblem(null);
    const controller = new AbortController();
    let timer: number | undefined;
    let failures = 0;
    const poll = async () => {
      try {
        const read = await fetchJob(started.id, controller.signal);
        if (controller.signal.aborted) return;
        failures = 0;
        setProblem(null);
        setJob(read);
        if (jobEnded(read)) onEnd?.(read);
        else timer = window.setTimeout(() => void poll(), POLL_MS);
      } catch (err) {
        if (controller.signal.aborted) return;
        // The job runs on whatever a read met (a 429, a network blip): shown, and read again, later each time.
        setProblem(problemOf(err));
        failures += 1;
        timer = window.setTimeout(() => void poll(), Math.min(10_000, POLL_MS * 2 ** failures));
      }
    };
    void poll();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
    // Only a new job restarts the polling; onEnd is read when it ends.
  }, [id]);

  return { job, problem };
}

/** A progress bar with processed/total and the job's state, announced politely as it changes. */
export function JobProgress({ job, problem, label }: { job: Job | null; problem: Problem | null; label: string }) {
  if (!job) return null;
  const total = job.total ?? undefined;
  const max = total === undefined ? undefined : Math.max(total, 1);
  // A finished job fills the bar, even one with nothing to do (total 0).
  const value = max === undefined ? undefined : job.status === 'succeeded' ? max : Math.min(job.done, max);
  const state = job.status === 'succeeded' ? 'done' : job.status === 'failed' ? 'failed' : job.status;
  return (
    <div className="job-progress" data-job-id={job.id} data-job-status={job.status}>
      <label htmlFor={`job-${job.id}`}>{label}</label>
      {/* Without a total the bar is indeterminate (the job does not know yet how much there is). */}
      <progress id={`job-${job.id}`} max={max} value={value}>
        {job.done}
      </progress>
      <p role="status" className="job-progress-text">
        {job.done} of {total ?? '?'} processed: {state}
        {job.error ? ` (${job.error})` : ''}
      </p>
      <ProblemView problem={problem} />
    </div>
  );
}
