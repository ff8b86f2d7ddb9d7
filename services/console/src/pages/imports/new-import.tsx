// Start an import: choose a CSV file (file input, or drop it on the zone), see how each column of
// its header maps (the API's preview), change a column's target or skip it, then start. The
// mapping is checked by the API's own rules (a preview under the chosen options) before the file is sent.
import { type DragEvent, useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { type ColumnChoice, choiceOf, describeTarget, overridesOf } from './column-choices';
import { startUpload } from './import-uploads';
import {
  cancelImport,
  createImport,
  type ImportOptions,
  type ImportPreview,
  type ImportRecord,
  importTargets,
  labelKeys,
  previewImport,
} from './imports-source';

type MatchBy = NonNullable<ImportOptions['matchBy']>;
type OnMatch = NonNullable<ImportOptions['onMatch']>;

/** An import created for the chosen file, with the options it was created with (fixed at creation). */
interface Draft {
  record: ImportRecord;
  optionsKey: string;
  preview: ImportPreview;
}

const mappingProblem = (preview: ImportPreview): Problem | null =>
  preview.problems.length === 0
    ? null
    : {
        title: "The file's columns cannot be imported",
        detail: 'The API refuses this mapping: change the columns it names (or skip them), then start again.',
        errors: preview.problems,
      };

export function NewImport() {
  const navigate = useNavigate();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [choices, setChoices] = useState<ColumnChoice[]>([]);
  const [matchBy, setMatchBy] = useState<MatchBy>('email');
  const [onMatch, setOnMatch] = useState<OnMatch>('update');
  const [createMissingTags, setCreateMissingTags] = useState(false);
  const [targets, setTargets] = useState<{ standard: string[]; customFields: string[] }>({ standard: [], customFields: [] });
  const [keys, setKeys] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState('');

  useEffect(() => {
    importTargets().then(setTargets, (err: unknown) => setProblem(problemOf(err)));
    labelKeys().then(setKeys, () => undefined);
  }, []);

  const optionsFor = (chosen: File, columns: Record<string, string | null>): ImportOptions => ({
    fileName: chosen.name.trim().slice(0, 255) || 'upload.csv',
    matchBy,
    onMatch,
    createMissingTags,
    columns,
  });

  /** Creates an import with these options and previews the file under them; the previous draft, never started, is cancelled. */
  async function draftFor(chosen: File, options: ImportOptions, previous: Draft | null): Promise<Draft> {
    if (previous && previous.record.status === 'awaiting_file') await cancelImport(previous.record.id).catch(() => undefined);
    const record = await createImport(options);
    try {
      const preview = await previewImport(record.id, chosen);
      return { record, optionsKey: JSON.stringify(options), preview };
    } catch (err) {
      // A file the preview refuses (empty, not UTF-8) leaves no import waiting for it.
      await cancelImport(record.id).catch(() => undefined);
      throw err;
    }
  }

  async function choose(chosen: File | undefined) {
    if (!chosen) return;
    setProblem(null);
    setBusy('Reading the header…');
    try {
      const next = await draftFor(chosen, optionsFor(chosen, {}), draft);
      setFile(chosen);
      setDraft(next);
      setChoices(next.preview.mapping.map(choiceOf));
      setProblem(mappingProblem(next.preview));
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy('');
    }
  }

  async function start() {
    if (!file || !draft) return;
    setProblem(null);
    setBusy('Checking the mapping…');
    try {
      const problemFields = new Set(draft.preview.problems.map((p) => p.field));
      const options = optionsFor(file, overridesOf(choices, problemFields));
      let current = draft;
      if (JSON.stringify(options) !== draft.optionsKey) {
        current = await draftFor(file, options, draft);
        setDraft(current);
      }
      const refused = mappingProblem(current.preview);
      if (refused) {
        setProblem(refused);
        return;
      }
      startUpload(current.record.id, file);
      void navigate(`/imports/${current.record.id}`);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy('');
    }
  }

  async function reset() {
    if (draft?.record.status === 'awaiting_file') await cancelImport(draft.record.id).catch(() => undefined);
    setFile(null);
    setDraft(null);
    setChoices([]);
    setProblem(null);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer.files[0]);
  }

  const update = (index: number, change: Partial<ColumnChoice>) => setChoices((all) => all.map((c) => (c.index === index ? { ...c, ...change } : c)));

  return (
    <section aria-labelledby="new-import-title" className="imports-panel">
      <h2 id="new-import-title">Import contacts from a CSV file</h2>
      {!draft && (
        <div
          className={`drop-zone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={drop}
          data-testid="drop-zone"
        >
          <label htmlFor={inputId}>Choose a CSV file</label>
          <input id={inputId} type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} disabled={busy !== ''} />
          <p className="note">or drop it here. The first row must name the columns (email or phone at least).</p>
        </div>
      )}

      <p role="status" className="status-line">
        {busy}
      </p>
      <ProblemView problem={problem} />

      {draft && file && (
        <form
          className="mapping"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <p>
            <strong>{file.name}</strong> ({file.size.toLocaleString()} bytes), {choices.length} columns.{' '}
            <button type="button" onClick={() => void reset()}>
              Choose another file
            </button>
          </p>
          <div className="toolbar">
            <label htmlFor="import-match-by">Match contacts by</label>
            <select id="import-match-by" value={matchBy} onChange={(e) => setMatchBy(e.target.value as MatchBy)}>
              <option value="email">email</option>
              <option value="phone">phone</option>
            </select>
            <label htmlFor="import-on-match">When a row matches a contact</label>
            <select id="import-on-match" value={onMatch} onChange={(e) => setOnMatch(e.target.value as OnMatch)}>
              <option value="update">update it</option>
              <option value="skip">leave it as it is</option>
            </select>
            <input id="import-create-tags" type="checkbox" checked={createMissingTags} onChange={(e) => setCreateMissingTags(e.target.checked)} />
            <label htmlFor="import-create-tags">Create tags the file names that do not exist</label>
          </div>

          <div className="table-wrap">
            <table aria-label="Column mapping">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Column in the file</th>
                  <th scope="col">Guessed</th>
                  <th scope="col">Import as</th>
                </tr>
              </thead>
              <tbody>
                {choices.map((c) => (
                  <tr key={c.index} data-column={c.header}>
                    <td>{c.index + 1}</td>
                    <th scope="row">{c.header || <em>(no header)</em>}</th>
                    <td>{describeTarget(c.guess)}</td>
                    <td>
                      <select aria-label={`Import column "${c.header}" as`} value={c.choice} onChange={(e) => update(c.index, { choice: e.target.value })}>
                        <option value="skip">Skip this column</option>
                        <optgroup label="Contact fields">
                          {targets.standard.map((column) => (
                            <option key={column} value={`field:${column}`}>
                              {column}
                            </option>
                          ))}
                        </optgroup>
                        <option value="label">A label…</option>
                        {targets.customFields.length > 0 && (
                          <optgroup label="Custom fields">
                            {targets.customFields.map((key) => (
                              <option key={key} value={`custom:${key}`}>
                                {`custom field ${key}`}
                              </option>
                            ))}
                          </optgroup>
                        )}
                      </select>
                      {c.choice === 'label' && (
                        <input
                          aria-label={`Label key for column "${c.header}"`}
                          className="label-key"
                          list="import-label-keys"
                          value={c.labelKey}
                          onChange={(e) => update(c.index, { labelKey: e.target.value })}
                          placeholder="label key"
                          required
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <datalist id="import-label-keys">
            {keys.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
          <button type="submit" disabled={busy !== ''}>
            Start import
          </button>
        </form>
      )}
    </section>
  );
}
