// The segment language editor (CodeMirror 6): errors the API answers underlined at their line and
// column (a lint source, run 300 ms after typing stops, its request cancelled by the next), and
// completion of the language's words and the workspace's names. Typing is reported to the parent;
// the parent replaces the text (from the form) by handing a numbered replacement, never by echoing
// the text back: an echo rendered late would overwrite what was typed since.
// The editor lives in a shadow root: CodeMirror then styles it with constructed style sheets, which
// the console's 'self'-only Content-Security-Policy allows (in the document it would write <style>
// elements, which the policy refuses); its look is therefore set by its theme below, not by our CSS.
import { autocompletion, closeCompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { type Diagnostic, linter, lintKeymap } from '@codemirror/lint';
import { Annotation, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { type CompletionNames, segmentCompletions } from './segment-completions';

/** Marks a transaction that replaced the text from outside, which is not reported as typed. */
const fromOutside = Annotation.define<boolean>();

/** How long typing must pause before the text is checked and counted. */
export const ANALYSE_DELAY_MS = 300;

/** A text to put in the editor in place of what it holds; a new `seq` for each replacement. */
export interface Replacement {
  text: string;
  seq: number;
}

export interface SegmentEditorProps {
  /** The text when the editor is made. */
  initialText: string;
  replacement: Replacement | null;
  onChange: (text: string) => void;
  /** Checks (and counts) the text; the diagnostics to show. `signal` is aborted when a newer text is checked. */
  analyse: (text: string, signal: AbortSignal, doc: EditorState['doc']) => Promise<Diagnostic[]>;
  names: () => CompletionNames;
  /** The editor's accessible name: the visible label's text (an id could not be referred to from inside the shadow root). */
  label: string;
}

/** The editor's look, inside its shadow root: the focus ring and colours of the console, errors underlined by a wavy line (no data: image). */
const consoleTheme = EditorView.theme({
  '&': {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: '0.95rem',
    minHeight: '6rem',
    backgroundColor: '#ffffff',
    color: '#1b1f24',
  },
  '&.cm-focused': { outline: '3px solid #f59e0b', outlineOffset: '2px' },
  '.cm-content': { padding: '0.5rem', minHeight: '6rem', caretColor: '#1b1f24' },
  '.cm-placeholder': { color: '#4b5563' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy #a4161a', textDecorationSkipInk: 'none', textUnderlineOffset: '3px' },
  '.cm-tooltip': { border: '1px solid #8c959f', backgroundColor: '#ffffff' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#0b5cad', color: '#ffffff' },
  '.cm-completionDetail': { marginLeft: '0.75rem', fontStyle: 'normal', color: 'inherit', opacity: '0.85' },
  '.cm-diagnostic-error': { borderLeftColor: '#a4161a' },
});

export function SegmentEditor({ initialText, replacement, onChange, analyse, names, label }: SegmentEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest callbacks, read by the extensions made once.
  const latest = useRef({ onChange, analyse, names });
  latest.current = { onChange, analyse, names };

  useEffect(() => {
    let running: AbortController | null = null;
    const lintSource = async (editor: EditorView): Promise<Diagnostic[]> => {
      running?.abort();
      const controller = new AbortController();
      running = controller;
      try {
        return await latest.current.analyse(editor.state.doc.toString(), controller.signal, editor.state.doc);
      } catch (err) {
        if (controller.signal.aborted) return [];
        throw err;
      }
    };
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const editor = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          history(),
          drawSelection(),
          highlightSpecialChars(),
          EditorView.lineWrapping,
          placeholder('label:tier IN [gold, silver] AND tag:VIP'),
          autocompletion({ override: [segmentCompletions(() => latest.current.names())], activateOnTyping: true }),
          linter(lintSource, { delay: ANALYSE_DELAY_MS }),
          keymap.of([...completionKeymap, ...lintKeymap, ...historyKeymap, ...defaultKeymap]),
          consoleTheme,
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', role: 'textbox' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.some((t) => t.annotation(fromOutside))) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      running?.abort();
      editor.destroy();
      view.current = null;
    };
    // The editor is made once; replacements are dispatched below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !replacement || editor.state.doc.toString() === replacement.text) return;
    closeCompletion(editor);
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: replacement.text }, annotations: fromOutside.of(true) });
    // Only a new replacement is dispatched; its text alone never changes.
  }, [replacement?.seq]);

  return <div className="segment-editor" ref={host} data-testid="segment-editor" />;
}
