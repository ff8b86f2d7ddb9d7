// The bulk action dialog of the Contacts list: which contacts (the selected rows, a saved segment,
// or a segment text), which action (add or remove a tag, set or remove a label, with suggestions),
// then a progress bar on the work until it ends, with processed/total and the contacts it could not
// change. A modal <dialog>: the page behind is inert, Escape closes it, and focus returns to the
// button that opened it.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { type Problem, problemOf, unwrap } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { type BulkAction, type BulkProgress, type BulkTarget, runBulkAction } from './bulk-source';
import { fieldRule } from './field-rule';
import { SuggestInput } from './suggest-input';
import { forgetSuggestions, suggestLabelKeys, suggestLabelValues, suggestTagNames } from './suggestions-source';

type TargetKind = BulkTarget['kind'];
type ActionKind = BulkAction['kind'];

const ACTIONS: { value: ActionKind; label: string }[] = [
  { value: 'add_tag', label: 'Add a tag' },
  { value: 'remove_tag', label: 'Remove a tag' },
  { value: 'set_label', label: 'Set a label' },
  { value: 'remove_label', label: 'Remove a label' },
];

interface BulkActionDialogProps {
  open: boolean;
  selectedIds: string[];
  /** The list view's status filters as a segment text, offered for "a segment text". */
  defaultText: string;
  onClose: (ranSomething: boolean) => void;
}

export function BulkActionDialog({ open, selectedIds, defaultText, onClose }: BulkActionDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const [targetKind, setTargetKind] = useState<TargetKind>(selectedIds.length > 0 ? 'selected' : 'text');
  const [segmentId, setSegmentId] = useState('');
  const [segments, setSegments] = useState<{ items: { id: string; name: string }[]; nextCursor: string | null } | null>(null);
  const [text, setText] = useState(defaultText);
  const [actionKind, setActionKind] = useState<ActionKind>('add_tag');
  const [tag, setTag] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const [running, setRunning] = useState(false);
  const stopReading = useRef<AbortController | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setTargetKind(selectedIds.length > 0 ? 'selected' : 'text');
      setText(defaultText);
      setProblem(null);
      setProgress(null);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  // The saved segments are read when that choice is first made, one page at a time.
  useEffect(() => {
    if (targetKind === 'segment' && !segments) void moreSegments(undefined);
  }, [targetKind]);

  async function moreSegments(cursor: string | undefined) {
    try {
      const page = await unwrap(api.GET('/v1/segments', { params: { query: { limit: 100, cursor } } }));
      const items = [...(segments?.items ?? []), ...page.items.map((s) => ({ id: s.id, name: s.name }))];
      setSegments({ items, nextCursor: page.nextCursor });
      if (!segmentId && items[0]) setSegmentId(items[0].id);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }

  function close() {
    stopReading.current?.abort();
    onClose(progress !== null);
    opener.current?.focus();
  }

  function target(): BulkTarget {
    if (targetKind === 'selected') return { kind: 'selected', ids: selectedIds };
    if (targetKind === 'segment') return { kind: 'segment', segmentId };
    return { kind: 'text', text };
  }

  function action(): BulkAction {
    switch (actionKind) {
      case 'add_tag':
      case 'remove_tag':
        return { kind: actionKind, tag: tag.trim() };
      case 'set_label':
        return { kind: 'set_label', key: key.trim(), value };
      case 'remove_label':
        return { kind: 'remove_label', key: key.trim() };
    }
  }

  async function run(event: FormEvent) {
    event.preventDefault();
    const controller = new AbortController();
    stopReading.current = controller;
    setRunning(true);
    setProblem(null);
    setProgress({ state: 'running', done: 0, total: targetKind === 'selected' ? selectedIds.length : null, changed: 0, failed: 0 });
    try {
      await runBulkAction(target(), action(), setProgress, controller.signal);
      forgetSuggestions();
    } catch (err) {
      if (!controller.signal.aborted) {
        setProblem(problemOf(err));
        setProgress(null);
      }
    } finally {
      setRunning(false);
    }
  }

  const tagError = fieldRule(problem, 'tag') ?? fieldRule(problem, 'body.tags', true) ?? fieldRule(problem, 'body.name');
  const valueError = fieldRule(problem, `body.labels.${key.trim()}`);
  const keyError = valueError ? undefined : (fieldRule(problem, 'body.labels', true) ?? fieldRule(problem, 'body.keys', true));
  const textError = fieldRule(problem, 'body.query', true);
  const withTag = actionKind === 'add_tag' || actionKind === 'remove_tag';
  const ready = (withTag ? tag.trim() : key.trim()) && (targetKind !== 'segment' || segmentId) && (targetKind !== 'text' || text.trim());

  return (
    <dialog
      ref={dialog}
      className="bulk-dialog"
      aria-labelledby="bulk-title"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id="bulk-title">Bulk action</h2>
      <form onSubmit={(e) => void run(e)}>
        <fieldset disabled={running}>
          <legend>Which contacts</legend>
          <label>
            <input
              type="radio"
              name="bulk-target"
              value="selected"
              checked={targetKind === 'selected'}
              disabled={selectedIds.length === 0}
              onChange={() => setTargetKind('selected')}
            />{' '}
            The {selectedIds.length} selected contact{selectedIds.length === 1 ? '' : 's'}
          </label>
          <label>
            <input type="radio" name="bulk-target" value="segment" checked={targetKind === 'segment'} onChange={() => setTargetKind('segment')} /> The members
            of a saved segment
          </label>
          {targetKind === 'segment' && (
            <div className="suggest">
              <label htmlFor="bulk-segment">Saved segment</label>
              <select id="bulk-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
                {(segments?.items ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              {segments?.nextCursor && (
                <button type="button" onClick={() => void moreSegments(segments.nextCursor ?? undefined)}>
                  More segments
                </button>
              )}
            </div>
          )}
          <label>
            <input type="radio" name="bulk-target" value="text" checked={targetKind === 'text'} onChange={() => setTargetKind('text')} /> The contacts a segment
            text finds
          </label>
          {targetKind === 'text' && (
            <div className="suggest">
              <label htmlFor="bulk-text">Segment text</label>
              <textarea
                id="bulk-text"
                rows={2}
                value={text}
                placeholder="email_status = active AND tag = vip"
                aria-invalid={textError ? true : undefined}
                aria-describedby={textError ? 'bulk-text-error' : undefined}
                onChange={(e) => setText(e.target.value)}
              />
              {textError && (
                <p id="bulk-text-error" className="field-error">
                  {textError}
                </p>
              )}
            </div>
          )}
        </fieldset>
        <fieldset disabled={running}>
          <legend>What to do</legend>
          <div className="suggest">
            <label htmlFor="bulk-action">Action</label>
            <select id="bulk-action" value={actionKind} onChange={(e) => setActionKind(e.target.value as ActionKind)}>
              {ACTIONS.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
          {withTag ? (
            <SuggestInput id="bulk-tag" label="Tag" value={tag} onChange={setTag} suggest={suggestTagNames} error={tagError} />
          ) : (
            <>
              <SuggestInput id="bulk-label-key" label="Label key" value={key} onChange={setKey} suggest={suggestLabelKeys} error={keyError} />
              {actionKind === 'set_label' && (
                <SuggestInput
                  id="bulk-label-value"
                  label="Label value"
                  value={value}
                  onChange={setValue}
                  suggest={(typed) => suggestLabelValues(key.trim(), typed)}
                  error={valueError}
                />
              )}
            </>
          )}
        </fieldset>
        <ProblemView problem={problem} />
        {progress && <ProgressView progress={progress} />}
        <div className="dialog-buttons">
          <button type="submit" disabled={running || !ready}>
            Run
          </button>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ProgressView({ progress: p }: { progress: BulkProgress }) {
  const summary =
    p.state === 'running'
      ? p.total === null
        ? 'Finding the members…'
        : `Processed ${p.done} of ${p.total}…`
      : p.state === 'succeeded'
        ? `Done: processed ${p.done} of ${p.total ?? p.done}, ${p.changed} changed, ${p.failed} failed.`
        : `Failed after ${p.done} of ${p.total ?? '?'}: ${p.error ?? 'the job stopped'}.`;
  return (
    <div className="bulk-progress">
      <label htmlFor="bulk-progress-bar">Progress</label>
      {/* Without a total yet, an indeterminate bar: the job is still freezing the members. */}
      <progress
        id="bulk-progress-bar"
        max={p.total === null ? undefined : Math.max(p.total, 1)}
        value={p.total === null ? undefined : p.total === 0 ? 1 : p.done}
      />
      <p role="status" data-state={p.state}>
        {summary}
      </p>
    </div>
  );
}
