// The segment builder: the text editor and the form over one tree, kept in sync both ways (a form
// edit prints the tree into the text; typed text that parses redraws the form), with the live count
// and sendable totals (300 ms after typing stops, a newer text cancelling the older request), the
// explain funnel beside each condition, the first contacts, and save (new or existing).
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { type Problem, ProblemError, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import type { CompletionNames } from './segment-completions';
import { diagnosticsOf, problemMessages } from './segment-diagnostics';
import { type Replacement, SegmentEditor } from './segment-editor';
import { SegmentForm } from './segment-form';
import { type Condition, parseSegmentText, printSegment } from './segment-language';
import {
  countText,
  createSegment,
  type ExplainAnswer,
  type ExplainNode,
  explainText,
  fetchLabelValues,
  fetchSegment,
  fetchVocabulary,
  isCount,
  type PreviewAnswer,
  previewText,
  type SegmentCount,
  updateSegment,
  type Vocabulary,
} from './segments-source';

const PREVIEW_SIZE = 10;
const format = (n: number) => n.toLocaleString('en-US');

/** What the API answered for one text: its count or its problem, then its explanation and first contacts. */
interface Analysis {
  text: string;
  count?: SegmentCount;
  problem?: Problem;
  explain?: ExplainAnswer;
  explainProblem?: Problem;
  preview?: PreviewAnswer;
  previewProblem?: Problem;
}

/** Whether the explained tree has the form tree's shape (kinds along every path), so its counts can sit beside the form's rows. */
function sameShape(node: Condition, explained: ExplainNode): boolean {
  if (node.kind !== explained.kind) return false;
  if (node.kind === 'and' || node.kind === 'or') {
    const children = explained.conditions ?? [];
    return children.length === node.conditions.length && node.conditions.every((c, i) => sameShape(c, children[i]!));
  }
  if (node.kind === 'not') return explained.condition !== undefined && sameShape(node.condition, explained.condition);
  return true;
}

export function SegmentBuilderPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  usePageTitle(id ? 'Edit segment' : 'New segment');
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  // The form's tree: the text's when it parses; a form edit sets it directly (a group of one, or a
  // value not filled in yet, is kept as the person built it while its text is printed).
  const [tree, setTree] = useState<Condition | null>(null);
  const [textError, setTextError] = useState(false);
  const [replacement, setReplacement] = useState<Replacement | null>(null);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [saveProblem, setSaveProblem] = useState<Problem | null>(null);
  // A new segment, once saved, is opened at its own address (a new page): what it said comes along.
  const location = useLocation();
  const [message, setMessage] = useState(() => (location.state as { saved?: string } | null)?.saved ?? '');
  const [loaded, setLoaded] = useState(!id);
  const vocabularyRef = useRef<Vocabulary | null>(null);
  vocabularyRef.current = vocabulary;

  useEffect(() => {
    const controller = new AbortController();
    fetchVocabulary(controller.signal).then(setVocabulary, (err: unknown) => {
      if (!controller.signal.aborted) setLoadProblem(problemOf(err));
    });
    return () => controller.abort();
  }, []);

  // The text last set, ahead of renders: the vocabulary's arrival reads it again, and may run
  // before the render of a text just loaded (a rendered value would be the one before it).
  const latestText = useRef('');
  const readText = useCallback((next: string, vocab: Vocabulary | null) => {
    latestText.current = next;
    setText(next);
    if (!next.trim()) {
      setTree(null);
      setTextError(false);
      return;
    }
    const parsed = parseSegmentText(next, vocab?.customFields ?? new Map());
    if ('tree' in parsed) setTree(parsed.tree);
    setTextError('error' in parsed);
  }, []);

  // An existing segment: its name and its text (printed by the API with the current tag names).
  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    fetchSegment(id, controller.signal).then(
      (segment) => {
        setName(segment.name);
        readText(segment.text, vocabularyRef.current);
        setLoaded(true);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setLoadProblem(problemOf(err));
      },
    );
    return () => controller.abort();
  }, [id, readText]);

  // Custom fields are known once the vocabulary is read: the text is read again with them.
  useEffect(() => {
    if (vocabulary) readText(latestText.current, vocabulary);
    // Only when the vocabulary arrives; typing and loading read the text themselves.
  }, [vocabulary]);

  const names = useCallback(
    (): CompletionNames => ({
      tags: vocabularyRef.current?.tags ?? [],
      labelKeys: vocabularyRef.current?.labelKeys ?? [],
      customFields: [...(vocabularyRef.current?.customFields.keys() ?? [])],
      labelValues: fetchLabelValues,
    }),
    [],
  );

  const analyse = useCallback(async (typed: string, signal: AbortSignal, doc: Text): Promise<Diagnostic[]> => {
    if (!typed.trim()) {
      setAnalysis(null);
      return [];
    }
    let counted: SegmentCount;
    try {
      const result = await countText(typed, signal);
      if (!isCount(result)) throw new ProblemError({ title: result.title, status: result.status, detail: result.detail, errors: result.errors });
      counted = result;
    } catch (err) {
      if (signal.aborted) throw err;
      // The query's own problem, or the whole request's (a text past the API's length): shown and underlined alike.
      const problem = problemOf(err);
      setAnalysis({ text: typed, problem });
      return diagnosticsOf(problem, doc);
    }
    setAnalysis({ text: typed, count: counted });
    // The funnel and the first contacts follow the count; the next text aborts them too.
    const add = (part: Partial<Analysis>) => setAnalysis((a) => (a?.text === typed ? { ...a, ...part } : a));
    explainText(typed, signal).then(
      (explain) => add({ explain }),
      (err: unknown) => !signal.aborted && add({ explainProblem: problemOf(err) }),
    );
    previewText(typed, PREVIEW_SIZE, signal).then(
      (preview) => add({ preview }),
      (err: unknown) => !signal.aborted && add({ previewProblem: problemOf(err) }),
    );
    return [];
  }, []);

  function changeFromForm(next: Condition | null) {
    setTree(next);
    setTextError(false);
    const printed = next ? printSegment(next) : '';
    latestText.current = printed;
    setText(printed);
    setReplacement((r) => ({ text: printed, seq: (r?.seq ?? 0) + 1 }));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setMessage('');
    setSaveProblem(null);
    try {
      const saved = id ? await updateSegment(id, name, text) : await createSegment(name, text);
      const warnings = saved.warnings.map((w) => w.rule).join('; ');
      const said = `Saved ${saved.name}.${warnings ? ` Note: ${warnings}` : ''}`;
      setMessage(said);
      if (!id) void navigate(`/segments/${saved.id}`, { replace: true, state: { saved: said } });
    } catch (err) {
      setSaveProblem(problemOf(err));
    }
  }

  const current = analysis?.text === text ? analysis : null;
  const counting = text.trim() !== '' && current === null;
  const explainTree = current?.explain?.tree ?? null;
  const formExplain = useMemo(() => (tree && explainTree && !textError && sameShape(tree, explainTree) ? explainTree : null), [tree, explainTree, textError]);
  const messages = current?.problem ? problemMessages(current.problem) : [];

  return (
    <section className="segment-builder">
      <h1>{id ? `Segment ${name}` : 'New segment'}</h1>
      <ProblemView problem={loadProblem} />
      <form className="toolbar" onSubmit={(event) => void save(event)}>
        <label htmlFor="segment-name">Name</label>
        <input id="segment-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        <button type="submit" disabled={!loaded || !text.trim() || !name.trim()}>
          {id ? 'Save changes' : 'Save segment'}
        </button>
      </form>
      <ProblemView problem={saveProblem} />
      {message && (
        <p className="status-line" role="status">
          {message}
        </p>
      )}

      <div className="segment-columns">
        <div className="segment-text-column">
          <h2 id="segment-text-label">Segment text</h2>
          <p id="segment-text-help" className="note">
            The segment language (docs/segment-language.md). Ctrl-Space lists what can come next; errors are underlined where they are.
          </p>
          {loaded && (
            <SegmentEditor
              initialText={text}
              replacement={replacement}
              onChange={(typed) => readText(typed, vocabularyRef.current)}
              analyse={analyse}
              names={names}
              label="Segment text"
            />
          )}
          <ul id="segment-text-errors" className="segment-errors" data-testid="segment-errors" aria-live="polite">
            {messages.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
          <CountLine counting={counting} analysis={current} />
          <ProblemView problem={current?.explainProblem} />
        </div>

        <div className="segment-form-column">
          <h2>Conditions</h2>
          {textError && <p className="note">The text has an error: the form shows the last tree that parsed. A change here rewrites the text.</p>}
          <SegmentForm tree={tree} onChange={changeFromForm} names={vocabulary ?? { tags: [], labelKeys: [] }} explain={formExplain} />
          {current?.explain && (
            <p className="note" data-testid="explain-summary">
              {format(current.explain.contacts)} contacts in the workspace; {format(current.explain.tree.count)} in the segment.
            </p>
          )}
        </div>
      </div>

      <h2>First contacts</h2>
      <Preview analysis={current} />
    </section>
  );
}

function CountLine({ counting, analysis }: { counting: boolean; analysis: Analysis | null }) {
  const count = analysis?.count;
  return (
    <p className="segment-count" role="status" aria-live="polite" aria-busy={counting} data-testid="segment-count">
      {counting ? (
        'Counting…'
      ) : count ? (
        <>
          <strong data-testid="segment-total">{format(count.total)}</strong> contacts · sendable by email{' '}
          <span data-testid="sendable-email">{format(count.sendable.email)}</span>, by phone{' '}
          <span data-testid="sendable-phone">{format(count.sendable.phone)}</span>
        </>
      ) : analysis?.problem ? (
        'Not counted: the text has an error.'
      ) : (
        'Type a segment to count its contacts.'
      )}
    </p>
  );
}

function Preview({ analysis }: { analysis: Analysis | null }) {
  if (analysis?.previewProblem) return <ProblemView problem={analysis.previewProblem} />;
  const preview = analysis?.preview;
  if (!preview) return <p className="note">{analysis?.count ? 'Loading the first contacts…' : 'The first contacts of the segment show here.'}</p>;
  if (preview.contacts.length === 0) return <p className="note">No contact is in this segment.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="segment-preview">
        <caption className="visually-hidden">The first {preview.contacts.length} contacts of the segment</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Name</th>
            <th scope="col">Email status</th>
            <th scope="col">Phone status</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {preview.contacts.map((c) => (
            <tr key={c.id}>
              <td>{c.email ?? ''}</td>
              <td>{c.phone ?? ''}</td>
              <td>{[c.firstName, c.lastName].filter(Boolean).join(' ')}</td>
              <td>{c.emailStatus}</td>
              <td>{c.phoneStatus}</td>
              <td>{new Date(c.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
