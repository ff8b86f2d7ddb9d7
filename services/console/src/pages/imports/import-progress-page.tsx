// One import, followed until it ends: a progress bar of rows processed out of the file's rows, the
// rate and time left measured from successive polls, then the summary (created, updated,
// unchanged, skipped, rejected), the refused rows page by page and the rejected-rows file to download.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Link, useParams } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { saveFile } from '../../components/export-button';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import { describeTarget } from './column-choices';
import { formatDuration, type ProgressSample, rowsPerSecond, secondsLeft } from './import-rate';
import { onUploadsChange, uploadOf } from './import-uploads';
import { cancelImport, FINAL_STATUSES, getImport, type ImportRecord, type Rejections, rejectedRowsFile, rejectionsPage, STATUS_TEXT } from './imports-source';

/** How often a running import is read: often enough for a live rate, cheap for the API (one row read). */
const POLL_MS = 1000;
const REJECTIONS_PAGE = 20;

export function ImportProgressPage() {
  const { id = '' } = useParams();
  usePageTitle('Import');
  const [record, setRecord] = useState<ImportRecord | null>(null);
  const [samples, setSamples] = useState<ProgressSample[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');
  const upload = useSyncExternalStore(onUploadsChange, () => uploadOf(id));

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setSamples([]);
    const poll = async () => {
      try {
        const answer = await getImport(id, controller.signal);
        setRecord(answer);
        const total = answer.progress.estimatedRows;
        // Once every row is processed, later polls (the indexing phase) add nothing to the rate: keep the samples that measured it.
        setSamples((all) => {
          const last = all[all.length - 1];
          if (last && total !== null && last.processed >= total) return all;
          return [...all.slice(-20), { at: Date.now(), processed: answer.progress.processed }];
        });
        setProblem(null);
        if (FINAL_STATUSES.has(answer.status)) return;
      } catch (err) {
        if (controller.signal.aborted) return;
        setProblem(problemOf(err));
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [id]);

  async function cancel() {
    try {
      setRecord(await cancelImport(id));
      setActionProblem(null);
    } catch (err) {
      setActionProblem(problemOf(err));
    }
  }

  async function downloadRejected() {
    try {
      const { blob, response } = await rejectedRowsFile(id);
      setMessage(`Saved ${saveFile(blob, response, `rejected-rows-${id}.csv`)}.`);
      setActionProblem(null);
    } catch (err) {
      setActionProblem(problemOf(err));
    }
  }

  const final = record ? FINAL_STATUSES.has(record.status) : false;
  const progress = record?.progress;
  const total = progress?.estimatedRows ?? null;
  const processed = progress?.processed ?? 0;
  // Once ended, the API's own rate (rows over the whole run) is the honest figure; before, the recent one.
  const rate = final ? (record?.rowsPerSecond ?? null) : rowsPerSecond(samples, total);
  const left = final ? 0 : secondsLeft(total, processed, rate);
  const percent = total ? Math.min(100, Math.floor((processed * 100) / total)) : null;

  return (
    <section className="imports">
      <p>
        <Link to="/imports">All imports</Link>
      </p>
      <h1>Import {record?.fileName ? `of ${record.fileName}` : ''}</h1>
      <ProblemView problem={upload?.problem ?? null} />
      <ProblemView problem={problem} />
      {record && progress && (
        <>
          <p role="status" className="import-status" data-status={record.status}>
            {STATUS_TEXT[record.status]}
            {upload?.state === 'sending' ? ' (sending the file)' : ''}
          </p>
          <div className="import-progress">
            <label htmlFor="import-progress-bar">Rows processed</label>
            {total !== null ? (
              <progress id="import-progress-bar" max={Math.max(total, 1)} value={Math.min(processed, Math.max(total, 1))}>
                {percent}%
              </progress>
            ) : (
              <progress id="import-progress-bar" />
            )}
            <p data-testid="import-counts">
              {processed.toLocaleString()} of {total === null ? 'an unknown number of' : total.toLocaleString()} rows
              {percent !== null ? ` (${percent}%)` : ''}
            </p>
            <p>
              Rate: <span data-testid="import-rate">{rate === null ? 'measuring…' : `${Math.round(rate).toLocaleString()} rows/s`}</span>
              {' · '}
              Time left: <span data-testid="import-eta">{left === null ? 'unknown' : formatDuration(left)}</span>
            </p>
            {(record.status === 'indexing' || progress.written > 0) && (
              <p>
                Searchable: {progress.indexed.toLocaleString()} of {progress.written.toLocaleString()} contacts written
              </p>
            )}
          </div>
          {!final && (
            <button type="button" onClick={() => void cancel()}>
              Cancel import
            </button>
          )}
          <ProblemView problem={actionProblem} />
          {record.error && (
            <p className="import-error">
              <strong>Error:</strong> {record.error}
            </p>
          )}
          {final && <ImportSummary record={record} onDownload={() => void downloadRejected()} message={message} />}
          <details className="import-mapping">
            <summary>Column mapping used</summary>
            <ul>
              {record.mapping.map((m) => (
                <li key={m.index}>
                  <strong>{m.header || '(no header)'}</strong>: {describeTarget(m.target)}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}

function ImportSummary({ record, onDownload, message }: { record: ImportRecord; onDownload: () => void; message: string }) {
  const p = record.progress;
  const counts: [string, number][] = [
    ['Created', p.created],
    ['Updated', p.updated],
    ['Unchanged', p.unchanged],
    ['Skipped', p.skipped],
    ['Rejected', p.rejected],
  ];
  return (
    <section aria-labelledby="import-summary-title" className="import-summary">
      <h2 id="import-summary-title">Summary</h2>
      <dl>
        {counts.map(([name, n]) => (
          <div key={name} data-count={name.toLowerCase()}>
            <dt>{name}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {p.rejected > 0 && (
        <>
          <p>
            <button type="button" onClick={onDownload}>
              Download rejected rows (CSV)
            </button>{' '}
            <span role="status" className="status-line">
              {message}
            </span>
          </p>
          <RejectionsTable importId={record.id} />
        </>
      )}
    </section>
  );
}

/** The refused rows, a page at a time by row number (the API's `after` cursor). */
function RejectionsTable({ importId }: { importId: string }) {
  const [afters, setAfters] = useState<number[]>([0]);
  const [page, setPage] = useState<Rejections | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const after = afters[afters.length - 1] ?? 0;

  useEffect(() => {
    const controller = new AbortController();
    rejectionsPage(importId, after, REJECTIONS_PAGE, controller.signal).then(setPage, (err: unknown) => {
      if (!controller.signal.aborted) setProblem(problemOf(err));
    });
    return () => controller.abort();
  }, [importId, after]);

  return (
    <>
      <ProblemView problem={problem} />
      <div className="table-wrap">
        <table aria-label="Rejected rows">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {(page?.items ?? []).flatMap((r) =>
              r.problems.map((p, i) => (
                <tr key={`${r.rowNumber}-${i}`}>
                  <td>{r.rowNumber}</td>
                  <td>{p.column}</td>
                  <td>{p.rule}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Rejected rows pages">
        <button type="button" disabled={afters.length <= 1} onClick={() => setAfters(afters.slice(0, -1))}>
          Previous rejected rows
        </button>
        <button type="button" disabled={!page?.nextAfter} onClick={() => page?.nextAfter && setAfters([...afters, page.nextAfter])}>
          Next rejected rows
        </button>
      </nav>
    </>
  );
}
