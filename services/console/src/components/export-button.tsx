// A button that exports contacts to CSV (POST /v1/exports/contacts) and saves the file: the members
// of a saved segment, of a segment text, or the contacts a search finds. Any screen can place one.
import { useState } from 'react';
import { api } from '../api/client';
import { type Problem, problemOf, unwrap } from '../api/problem';
import { ProblemView } from './problem-view';

/** What to export: a saved segment by id, a segment written in the segment language, or a contact search (`GET /v1/contacts?q=`). */
export type ExportSource = { segmentId: string } | { text: string } | { q: string };

/** The file name the API gave (Content-Disposition), or the fallback. */
function fileNameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

/**
 * Saves a file the API answered. The API key travels in a header, so the browser cannot follow a
 * plain link to the file: the console fetches it and hands the browser an object URL to save.
 */
export function saveFile(blob: Blob, response: Response, fallbackName: string): string {
  const name = fileNameOf(response, fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

function requestBodyOf(source: ExportSource) {
  if ('segmentId' in source) return { segment: { segmentId: source.segmentId } };
  if ('text' in source) return { segment: { text: source.text } };
  return { search: { q: source.q || undefined } };
}

export function ExportButton({ source, label = 'Export to CSV', disabled = false }: { source: ExportSource; label?: string; disabled?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');

  async function exportContacts() {
    setBusy(true);
    setProblem(null);
    setMessage('Exporting…');
    try {
      const call = api.POST('/v1/exports/contacts', { body: requestBodyOf(source), parseAs: 'blob' });
      const blob = (await unwrap(call)) as unknown as Blob;
      const name = saveFile(blob, (await call).response, 'contacts.csv');
      setMessage(`Saved ${name} (${blob.size.toLocaleString()} bytes).`);
    } catch (err) {
      setMessage('');
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export-button">
      <button type="button" onClick={() => void exportContacts()} disabled={disabled || busy} aria-busy={busy}>
        {label}
      </button>
      <span role="status" className="status-line">
        {message}
      </span>
      <ProblemView problem={problem} />
    </div>
  );
}
