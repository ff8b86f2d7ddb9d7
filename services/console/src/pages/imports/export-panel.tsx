// Export contacts to CSV: the members of a saved segment (picked from the list, paged), of a
// segment written as text, or the contacts a search finds; the ExportButton does the rest.
import { useEffect, useState } from 'react';
import { type Problem, problemOf } from '../../api/problem';
import { ExportButton, type ExportSource } from '../../components/export-button';
import { ProblemView } from '../../components/problem-view';
import { type SavedSegment, savedSegmentsPage } from './imports-source';

type SourceKind = 'saved' | 'text' | 'search';

export function ExportPanel() {
  const [kind, setKind] = useState<SourceKind>('saved');
  const [segments, setSegments] = useState<SavedSegment[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null | undefined>(undefined);
  const [segmentId, setSegmentId] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  async function loadSegments(cursor: string | undefined) {
    try {
      const page = await savedSegmentsPage(cursor);
      setSegments((all) => (cursor ? [...all, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      if (!cursor && page.items[0]) setSegmentId((id) => id || page.items[0]!.id);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }

  useEffect(() => {
    void loadSegments(undefined);
  }, []);

  const source: ExportSource | null =
    kind === 'saved' ? (segmentId ? { segmentId } : null) : kind === 'text' ? (text.trim() ? { text } : null) : { q: q.trim() };

  return (
    <section aria-labelledby="export-title" className="imports-panel">
      <h2 id="export-title">Export contacts to CSV</h2>
      <p className="note">The file has the import&apos;s columns, so it can be edited and imported back.</p>
      <fieldset>
        <legend>What to export</legend>
        {(
          [
            ['saved', 'A saved segment'],
            ['text', 'A segment written as text'],
            ['search', 'A contact search'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input type="radio" name="export-source" value={value} checked={kind === value} onChange={() => setKind(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      <ProblemView problem={problem} />
      {kind === 'saved' && (
        <div className="toolbar">
          <label htmlFor="export-segment">Segment</label>
          <select id="export-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
            {segments.length === 0 && <option value="">No saved segment</option>}
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {nextCursor && (
            <button type="button" onClick={() => void loadSegments(nextCursor)}>
              More segments
            </button>
          )}
        </div>
      )}
      {kind === 'text' && (
        <div className="toolbar">
          <label htmlFor="export-text">Segment</label>
          <textarea
            id="export-text"
            rows={2}
            cols={60}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="tag = vip AND email_status = active"
          />
        </div>
      )}
      {kind === 'search' && (
        <div className="toolbar">
          <label htmlFor="export-q">Search by email, phone, name or id (empty: every contact)</label>
          <input id="export-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
      )}
      <ExportButton source={source ?? { q: '' }} disabled={source === null} />
    </section>
  );
}
