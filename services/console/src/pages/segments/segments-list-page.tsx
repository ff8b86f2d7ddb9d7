// The saved segments, one page at a time by name (the API's cursor), each with its count and
// sendable totals (one count request for the page), to open in the builder or to delete: the
// delete first shows its dry run (the segments that use this one, which block it, with their counts).
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import { ModalDialog } from '../tags/modal-dialog';
import '../tags/tags.css';
import {
  type CountResult,
  countSaved,
  deleteSegment,
  type DeletePreview,
  fetchSegmentsPage,
  isCount,
  previewSegmentDelete,
  type SegmentRow,
} from './segments-source';

const PAGE_SIZE = 25;
const format = (n: number) => n.toLocaleString('en-US');

interface Page {
  key: string;
  rows: SegmentRow[];
  nextCursor: string | null;
  counts: CountResult[];
}

export function SegmentsListPage() {
  usePageTitle('Segments');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [reloads, setReloads] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');
  const [deleting, setDeleting] = useState<{ row: SegmentRow; preview: DeletePreview | null; problem: Problem | null } | null>(null);
  const cursor = cursors[cursors.length - 1];
  const requestKey = JSON.stringify([cursor ?? null, reloads]);
  const loading = page?.key !== requestKey;

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const { rows, nextCursor } = await fetchSegmentsPage(PAGE_SIZE, cursor, controller.signal);
      const counts = await countSaved(
        rows.map((r) => r.id),
        controller.signal,
      );
      setPage({ key: requestKey, rows, nextCursor, counts });
      setProblem(null);
    })().catch((err: unknown) => {
      if (!controller.signal.aborted) setProblem(problemOf(err));
    });
    return () => controller.abort();
  }, [requestKey]);

  async function askDelete(row: SegmentRow) {
    setMessage('');
    setDeleting({ row, preview: null, problem: null });
    try {
      const preview = await previewSegmentDelete(row.id);
      setDeleting({ row, preview, problem: null });
    } catch (err) {
      setDeleting({ row, preview: null, problem: problemOf(err) });
    }
  }

  async function confirmDelete() {
    if (!deleting) return;
    try {
      await deleteSegment(deleting.row.id);
      setDeleting(null);
      setMessage(`Deleted ${deleting.row.name}.`);
      setReloads((n) => n + 1);
    } catch (err) {
      setDeleting({ ...deleting, problem: problemOf(err) });
    }
  }

  const rows = page?.rows ?? [];
  return (
    <section className="segments">
      <h1>Segments</h1>
      <div className="toolbar">
        <Link className="button-link" to="/segments/new">
          New segment
        </Link>
      </div>
      <ProblemView problem={problem} />
      <p className="status-line" role="status">
        {message || (loading ? 'Loading segments…' : rows.length === 0 ? 'No saved segment yet.' : `Page ${cursors.length}: ${rows.length} segments.`)}
      </p>
      <div className="table-wrap">
        <table aria-busy={loading} data-testid="segments-table">
          <caption className="visually-hidden">Saved segments with their counts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Condition</th>
              <th scope="col" className="number">
                Contacts
              </th>
              <th scope="col" className="number">
                Sendable by email
              </th>
              <th scope="col" className="number">
                Sendable by phone
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const count = page?.counts[i];
              return (
                <tr key={row.id} data-segment-id={row.id}>
                  <th scope="row">
                    <Link to={`/segments/${row.id}`}>{row.name}</Link>
                  </th>
                  <td className="segment-text-cell">
                    <code>{row.text}</code>
                    {row.broken && <span className="broken"> (broken: {row.broken.reason})</span>}
                  </td>
                  {count && isCount(count) ? (
                    <>
                      <td className="number">{format(count.total)}</td>
                      <td className="number">{format(count.sendable.email)}</td>
                      <td className="number">{format(count.sendable.phone)}</td>
                    </>
                  ) : (
                    <td colSpan={3} className="count-problem">
                      {count ? `Not counted: ${count.detail}` : ''}
                    </td>
                  )}
                  <td>
                    <span className="row-actions">
                      <Link to={`/segments/${row.id}`} aria-label={`Open ${row.name}`}>
                        Open
                      </Link>
                      <button type="button" className="danger" onClick={() => void askDelete(row)} aria-label={`Delete ${row.name}`}>
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={cursors.length === 1 || loading} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={!page?.nextCursor || loading} onClick={() => setCursors([...cursors, page!.nextCursor!])}>
          Next page
        </button>
      </div>
      {deleting && <DeleteDialog {...deleting} onCancel={() => setDeleting(null)} onConfirm={() => void confirmDelete()} />}
    </section>
  );
}

function DeleteDialog({
  row,
  preview,
  problem,
  onCancel,
  onConfirm,
}: {
  row: SegmentRow;
  preview: DeletePreview | null;
  problem: Problem | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const refusal = preview?.refusal ?? null;
  return (
    <ModalDialog title={`Delete the segment ${row.name}?`} onClose={onCancel}>
      {!preview && !problem && <p role="status">Checking what uses this segment…</p>}
      {preview && preview.segments.length === 0 && <p>No other segment uses it.</p>}
      {preview && preview.segments.length > 0 && (
        <>
          <p>These segments use it:</p>
          <ul data-testid="delete-dependents">
            {preview.segments.map((s) => (
              <li key={s.id}>
                {s.name} ({s.dependency}){s.count ? `: ${format(s.count.total)} contacts` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <ProblemView problem={problem ?? (refusal ? { ...refusal } : null)} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={!preview || refusal !== null} onClick={onConfirm}>
          Delete
        </button>
      </div>
    </ModalDialog>
  );
}
