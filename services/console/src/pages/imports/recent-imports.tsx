// The workspace's imports, newest first, a page at a time (the API's cursor), each with its status
// and counts; refreshed while one of them is still running.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { FINAL_STATUSES, type ImportRecord, listImports, STATUS_TEXT } from './imports-source';

const PAGE_SIZE = 10;
/** A running import's row changes within seconds; a list of ended ones never does. */
const REFRESH_MS = 3000;

export function RecentImports() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ items: ImportRecord[]; nextCursor: string | null } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reloads, setReloads] = useState(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const controller = new AbortController();
    listImports(cursor, PAGE_SIZE, controller.signal).then(
      (answer) => {
        setPage(answer);
        setProblem(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setProblem(problemOf(err));
      },
    );
    return () => controller.abort();
  }, [cursor, reloads]);

  const running = page?.items.some((i) => !FINAL_STATUSES.has(i.status) && i.status !== 'awaiting_file') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setReloads((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, page]);

  const items = page?.items ?? [];
  return (
    <section aria-labelledby="recent-imports-title" className="imports-panel">
      <h2 id="recent-imports-title">Recent imports</h2>
      <ProblemView problem={problem} />
      <p className="status-line">{page === null ? 'Loading…' : items.length === 0 ? 'No imports yet.' : ''}</p>
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Recent imports">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col">Rows</th>
                <th scope="col">Created</th>
                <th scope="col">Updated</th>
                <th scope="col">Rejected</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} data-import-id={i.id}>
                  <td>
                    <Link to={`/imports/${i.id}`}>{i.fileName ?? i.id}</Link>
                  </td>
                  <td>{i.status === 'cancelled' && i.startedAt === null ? 'Cancelled before its file was sent' : STATUS_TEXT[i.status]}</td>
                  <td>
                    {i.progress.processed.toLocaleString()}
                    {i.progress.estimatedRows !== null ? ` of ${i.progress.estimatedRows.toLocaleString()}` : ''}
                  </td>
                  <td>{i.progress.created.toLocaleString()}</td>
                  <td>{i.progress.updated.toLocaleString()}</td>
                  <td>{i.progress.rejected.toLocaleString()}</td>
                  <td>{new Date(i.startedAt ?? i.createdAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Imports pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer imports
        </button>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Older imports
        </button>
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </nav>
    </section>
  );
}
