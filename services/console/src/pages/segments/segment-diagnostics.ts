// Where a problem the API answered for a text is in that text: a syntax error's rule starts with
// `line L, column C:` (the parser's position, UTF-16 columns as CodeMirror counts them), so it is
// underlined from there to the end of the token it points at; a problem without a position that
// quotes a name the text holds (an unknown tag) underlines that name; any other, the whole text.
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { Problem } from '../../api/problem';

const POSITION = /^line (\d+), column (\d+): /;
/** A token as the lexer reads one: a quoted string, a word, a two-character symbol, or one character. */
const TOKEN = /^("(?:[^"\\\n]|\\.)*"?|[A-Za-z0-9_][A-Za-z0-9_-]*|!=|>=|<=|[^\s])/;

/** The message a person reads: the rule without the position the underline already shows, or the detail. */
export function problemMessages(problem: Problem): string[] {
  return problem.errors.length > 0 ? problem.errors.map((e) => e.rule) : [problem.detail];
}

function parseQuoted(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return '';
  }
}

export function diagnosticsOf(problem: Problem, doc: Text): Diagnostic[] {
  const rules = problemMessages(problem);
  return rules.map((rule): Diagnostic => {
    const at = POSITION.exec(rule);
    if (at) {
      const lineNumber = Math.min(Number(at[1]), doc.lines);
      const line = doc.line(lineNumber);
      const from = Math.min(line.from + Number(at[2]) - 1, line.to);
      const token = TOKEN.exec(doc.sliceString(from, line.to));
      return { from, to: from + (token?.[0].length ?? 0), severity: 'error', message: rule, source: 'segment language' };
    }
    const text = doc.toString();
    for (const quoted of rule.match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
      const name = parseQuoted(quoted);
      const index = name ? text.indexOf(name) : -1;
      if (index >= 0) return { from: index, to: index + name.length, severity: 'error', message: rule, source: 'segment' };
    }
    return { from: 0, to: doc.length, severity: 'error', message: rule, source: 'segment' };
  });
}
