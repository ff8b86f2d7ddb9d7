// Deleting a tag: the dry run first (DELETE ?dryRun=true: the contacts carrying it, the saved
// segments using it with their counts, and the refusal if it would be refused), then the job,
// followed to its end with a progress bar.
import { useEffect, useState } from 'react';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { JobProgress, jobEnded, useJob } from './job-progress';
import { ModalDialog } from './modal-dialog';
import { type ChangePreview, type Job, previewTagDelete, startTagDelete, type TagRow } from './tags-source';

export const EFFECT_LABELS: Record<ChangePreview['segments'][number]['effect'], string> = {
  marked_broken: 'marked broken',
  uses_broken: 'uses a broken segment',
  blocks: 'blocks the change',
  rewritten: 'rewritten',
  text_changes: 'its text changes',
  stale: 'left naming the old one',
  follows_change: 'its members change',
  unchanged: 'unchanged',
};

/** The segments a dry run lists, with what the change does to each and its count now. */
export function AffectedSegments({ preview }: { preview: ChangePreview }) {
  if (preview.segments.length === 0) return <p>No saved segment uses it.</p>;
  return (
    <>
      <table aria-label="Saved segments affected">
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col">Uses it</th>
            <th scope="col">Effect</th>
            <th scope="col">Contacts now</th>
          </tr>
        </thead>
        <tbody>
          {preview.segments.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.dependency === 'direct' ? 'directly' : `through ${s.via.map((v) => v.name).join(', ')}`}</td>
              <td>{EFFECT_LABELS[s.effect]}</td>
              <td>{s.count ? s.count.total : (s.countProblem?.detail ?? 'not counted')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.uncounted > 0 && <p className="note">{preview.uncounted} more segments, not counted.</p>}
    </>
  );
}

export function TagDeleteDialog({ tag, onClose, onDeleted }: { tag: TagRow; onClose: () => void; onDeleted: () => void }) {
  const [force, setForce] = useState(false);
  const [preview, setPreview] = useState<{ force: boolean; answer?: ChangePreview; problem?: Problem } | null>(null);
  const [started, setStarted] = useState<Job | null>(null);
  const [startProblem, setStartProblem] = useState<Problem | null>(null);
  const [starting, setStarting] = useState(false);
  const { job, problem: pollProblem } = useJob(started, (ended) => ended.status === 'succeeded' && onDeleted());

  useEffect(() => {
    let current = true;
    previewTagDelete(tag.id, force)
      .then((answer) => current && setPreview({ force, answer }))
      .catch((err: unknown) => current && setPreview({ force, problem: problemOf(err) }));
    return () => {
      current = false;
    };
  }, [tag.id, force]);

  const answer = preview?.force === force ? preview.answer : undefined;
  const usedBySegments = (answer?.segments.length ?? 0) > 0;
  // Without force, a tag saved segments use is refused; force marks them broken. A protected tag is refused either way.
  const refusal = answer?.refusal ?? null;
  const canStart = answer !== undefined && refusal === null && !started && !starting;

  async function start() {
    setStarting(true);
    setStartProblem(null);
    try {
      setStarted(await startTagDelete(tag.id, force));
    } catch (err) {
      setStartProblem(problemOf(err));
    } finally {
      setStarting(false);
    }
  }

  const finished = job !== null && jobEnded(job);
  return (
    <ModalDialog title={`Delete tag “${tag.name}”`} onClose={onClose}>
      {!started && (
        <>
          {!answer && !preview?.problem && <p role="status">Checking what the delete would do…</p>}
          <ProblemView problem={preview?.force === force ? preview.problem : null} />
          {answer && (
            <>
              <p>{answer.contactsAffected ?? '?'} contacts carry this tag; the delete removes it from each of them, as a job.</p>
              <AffectedSegments preview={answer} />
              {refusal && <ProblemView problem={{ title: refusal.title, status: refusal.status, detail: refusal.detail, errors: refusal.errors }} />}
            </>
          )}
          {(usedBySegments || force) && !tag.protected && (
            <p>
              <input id="tag-delete-force" type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />{' '}
              <label htmlFor="tag-delete-force">Delete anyway and mark the segments that use it broken</label>
            </p>
          )}
          <ProblemView problem={startProblem} />
        </>
      )}
      <JobProgress job={job} problem={pollProblem} label="Removing the tag from its contacts" />
      {finished && job.status === 'succeeded' && <p>The tag “{tag.name}” is deleted.</p>}
      <div className="dialog-actions">
        {!started && (
          <button type="button" className="danger" disabled={!canStart} onClick={() => void start()}>
            Delete tag
          </button>
        )}
        <button type="button" onClick={onClose}>
          {started ? 'Close' : 'Cancel'}
        </button>
      </div>
    </ModalDialog>
  );
}
