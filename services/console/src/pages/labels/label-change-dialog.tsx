// A label hygiene job (rename a key, merge values): its dry run first (the contacts it rewrites,
// the saved segments naming the old key or values with their counts, the refusal if any), then the
// job followed to its end with a progress bar.
import { useEffect, useState } from 'react';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { JobProgress, useJob } from '../tags/job-progress';
import { ModalDialog } from '../tags/modal-dialog';
import { AffectedSegments } from '../tags/tag-delete-dialog';
import type { ChangePreview, Job } from '../tags/tags-source';
import { type LabelChange, previewLabelChange, startLabelChange } from './labels-source';

export function titleOf(change: LabelChange): string {
  return change.kind === 'rename'
    ? `Rename label key “${change.key}” to “${change.to}”`
    : `Merge ${change.from.map((v) => `“${v}”`).join(', ')} into “${change.to}” (key “${change.key}”)`;
}

export function LabelChangeDialog({ change, onClose, onEnded }: { change: LabelChange; onClose: () => void; onEnded: (job: Job) => void }) {
  const [preview, setPreview] = useState<{ answer?: ChangePreview; problem?: Problem } | null>(null);
  const [started, setStarted] = useState<Job | null>(null);
  const [starting, setStarting] = useState(false);
  const [startProblem, setStartProblem] = useState<Problem | null>(null);
  const { job, problem: pollProblem } = useJob(started, onEnded);

  useEffect(() => {
    let current = true;
    previewLabelChange(change)
      .then((answer) => current && setPreview({ answer }))
      .catch((err: unknown) => current && setPreview({ problem: problemOf(err) }));
    return () => {
      current = false;
    };
  }, [change]);

  async function start() {
    setStarting(true);
    setStartProblem(null);
    try {
      setStarted((await startLabelChange(change)).job);
    } catch (err) {
      setStartProblem(problemOf(err));
    } finally {
      setStarting(false);
    }
  }

  const answer = preview?.answer;
  const refusal = answer?.refusal ?? null;
  return (
    <ModalDialog title={titleOf(change)} onClose={onClose}>
      {!started && (
        <>
          {!preview && <p role="status">Checking what the job would do…</p>}
          <ProblemView problem={preview?.problem} />
          {answer && (
            <>
              <p>{answer.contactsAffected ?? '?'} contacts would be rewritten, as a job.</p>
              <AffectedSegments preview={answer} />
              {refusal && <ProblemView problem={refusal} />}
            </>
          )}
          <ProblemView problem={startProblem} />
        </>
      )}
      <JobProgress job={job} problem={pollProblem} label="Rewriting contacts' labels" />
      <div className="dialog-actions">
        {!started && (
          <button type="button" disabled={!answer || refusal !== null || starting} onClick={() => void start()}>
            {change.kind === 'rename' ? 'Rename key' : 'Merge values'}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {started ? 'Close' : 'Cancel'}
        </button>
      </div>
    </ModalDialog>
  );
}
