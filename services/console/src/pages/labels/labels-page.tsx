// The Labels screen: label keys in use with their contact counts, and one key's values with theirs,
// each paged by the API's cursor; a key can be renamed and its values merged (label hygiene jobs,
// previewed first, followed with a progress bar). It owns every route under /console/labels/.
import { type FormEvent, useMemo, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import type { Job } from '../tags/tags-source';
import { LabelChangeDialog } from './label-change-dialog';
import { fetchLabelKeys, fetchLabelValues, type LabelChange } from './labels-source';
import { type CursorPage, useCursorPages } from '../tags/use-cursor-pages';
import '../tags/tags.css';

const PAGE_SIZES = [25, 50, 100];

export function LabelsPage() {
  return (
    <Routes>
      <Route index element={<LabelKeysPage />} />
      <Route path=":key" element={<LabelValuesPage />} />
    </Routes>
  );
}

function usePageSize(): [number, (n: string) => void] {
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('limit'));
  return [PAGE_SIZES.includes(asked) ? asked : 50, (n) => setParams(n === '50' ? {} : { limit: n })];
}

function PagingControls({
  limit,
  setLimit,
  list,
}: {
  limit: number;
  setLimit: (n: string) => void;
  list: ReturnType<typeof useCursorPages<CursorPage<unknown>>>;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={list.loading || !list.hasPrevious} onClick={list.previous}>
        Previous page
      </button>
      <button type="button" disabled={list.loading || !list.nextCursor} onClick={list.next}>
        Next page
      </button>
      <label htmlFor="labels-page-size">Per page</label>
      <select id="labels-page-size" value={limit} onChange={(e) => setLimit(e.target.value)}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </nav>
  );
}

function statusOf(list: { loading: boolean; rows: unknown[]; pageNumber: number; nextCursor: string | null }, limit: number, noun: string): string {
  if (list.loading) return 'Loading…';
  if (list.rows.length === 0) return `No ${noun}.`;
  const first = (list.pageNumber - 1) * limit + 1;
  return `Page ${list.pageNumber}: ${noun} ${first}–${first + list.rows.length - 1}${list.nextCursor ? '' : ' (last page)'}.`;
}

function LabelKeysPage() {
  usePageTitle('Labels');
  const [limit, setLimit] = usePageSize();
  const list = useCursorPages(String(limit), (cursor, signal) => fetchLabelKeys(limit, cursor, signal));
  return (
    <section className="labels">
      <h1>Labels</h1>
      <p className="note">Label keys in use, with the live contacts that have each. Open a key for its values.</p>
      <ProblemView problem={list.problem} />
      <p role="status" className="status-line">
        {statusOf(list, limit, 'label keys')}
      </p>
      <div className="table-wrap">
        <table aria-busy={list.loading} aria-label="Label keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col" className="number">
                Contacts
              </th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((row) => (
              <tr key={row.key}>
                <td>
                  <Link to={`/labels/${encodeURIComponent(row.key)}`}>{row.key}</Link>
                </td>
                <td className="number">{row.contactCount.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagingControls limit={limit} setLimit={setLimit} list={list} />
    </section>
  );
}

function LabelValuesPage() {
  const key = useParams().key ?? '';
  usePageTitle(`Label ${key}`);
  const navigate = useNavigate();
  const [limit, setLimit] = usePageSize();
  const list = useCursorPages(JSON.stringify([key, limit]), (cursor, signal) => fetchLabelValues(key, limit, cursor, signal));
  const [selected, setSelected] = useState<string[]>([]);
  const [mergeTo, setMergeTo] = useState('');
  const [renameTo, setRenameTo] = useState('');
  const [updateSegments, setUpdateSegments] = useState(false);
  const [change, setChange] = useState<LabelChange | null>(null);
  const [message, setMessage] = useState('');
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  function toggle(value: string, on: boolean) {
    setSelected((now) => (on ? [...now, value] : now.filter((v) => v !== value)));
  }

  function ended(job: Job) {
    if (job.status !== 'succeeded') return;
    setMessage(change?.kind === 'rename' ? `Renamed “${key}” to “${change.to}”.` : `Merged into “${change?.to ?? ''}”.`);
    setSelected([]);
    list.reload();
  }

  function closeDialog() {
    const done = change;
    setChange(null);
    // After a rename the key has a new name: its values are there now.
    if (done?.kind === 'rename' && message.startsWith('Renamed')) void navigate(`/labels/${encodeURIComponent(done.to)}`);
  }

  return (
    <section className="labels">
      <p>
        <Link to="/labels">All label keys</Link>
      </p>
      <h1>Label “{key}”</h1>
      <ProblemView problem={list.problem} />
      <p role="status" className="status-line">
        {message ? `${message} ` : ''}
        {statusOf(list, limit, 'values')}
      </p>
      <div className="table-wrap">
        <table aria-busy={list.loading} aria-label={`Values of ${key}`}>
          <thead>
            <tr>
              <th scope="col" className="select-column">
                <span className="visually-hidden">Select</span>
              </th>
              <th scope="col">Value</th>
              <th scope="col" className="number">
                Contacts
              </th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((row) => (
              <tr key={row.value}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${row.value}`}
                    checked={selectedSet.has(row.value)}
                    onChange={(e) => toggle(row.value, e.target.checked)}
                  />
                </td>
                <td>{row.value}</td>
                <td className="number">{row.contactCount.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagingControls limit={limit} setLimit={setLimit} list={list} />

      <h2>Clean up</h2>
      <p>
        <input id="label-update-segments" type="checkbox" checked={updateSegments} onChange={(e) => setUpdateSegments(e.target.checked)} />{' '}
        <label htmlFor="label-update-segments">Also rewrite the saved segments that name the old key or values</label>
      </p>
      <form
        className="toolbar"
        aria-label="Merge values"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setMessage('');
          setChange({ kind: 'merge', key, from: selected, to: mergeTo.trim(), updateSegments });
        }}
      >
        <label htmlFor="label-merge-to">Merge the {selected.length} selected values into</label>
        <input id="label-merge-to" value={mergeTo} onChange={(e) => setMergeTo(e.target.value)} />
        <button type="submit" disabled={selected.length === 0}>
          Preview merge
        </button>
      </form>
      <form
        className="toolbar"
        aria-label="Rename the key"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setMessage('');
          setChange({ kind: 'rename', key, to: renameTo.trim(), updateSegments });
        }}
      >
        <label htmlFor="label-rename-to">Rename the key “{key}” to</label>
        <input id="label-rename-to" value={renameTo} onChange={(e) => setRenameTo(e.target.value)} />
        <button type="submit">Preview rename</button>
      </form>
      {change && <LabelChangeDialog change={change} onClose={closeDialog} onEnded={ended} />}
    </section>
  );
}
