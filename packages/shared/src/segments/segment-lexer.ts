// The segment language's lexer: text to tokens (words, quoted strings, numbers, dates, symbols),
// each with its line, column and offsets so the parser can say where a problem (or a node) is.
import { SegmentSyntaxError } from './segment-syntax-error';

export type TokenType = 'word' | 'string' | 'number' | 'date' | 'op' | 'eof';
export interface Token {
  type: TokenType;
  text: string;
  /** For strings, the unescaped value. */
  value: string;
  line: number;
  /** 1-based, counted in UTF-16 code units from the line's start (as `offset`). */
  column: number;
  /** Where the token starts and ends in the source (UTF-16 code units, end exclusive): `source.slice(offset, end)` is `text`. */
  offset: number;
  end: number;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r' };

/** Symbols, longest first where one begins another (!= before =). */
const PUNCTUATION = ['!=', '>=', '<=', '=', '>', '<', '(', ')', '[', ']', ',', ':', '.'];

export function lexSegment(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1, offset: i });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const start = at();
    if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length || source[j] === '\n') throw new SegmentSyntaxError(start.line, start.column, ['a closing "'], 'the end of the line');
        if (source[j] === '\\' && ESCAPES[source[j + 1]!] !== undefined) {
          value += ESCAPES[source[j + 1]!];
          j += 2;
          continue;
        }
        if (source[j] === '"') break;
        value += source[j];
        j += 1;
      }
      tokens.push({ type: 'string', text: source.slice(i, j + 1), value, ...start, end: j + 1 });
      i = j + 1;
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(?![\w-])/.exec(source.slice(i));
    if (date) {
      tokens.push({ type: 'date', text: date[0], value: date[0], ...start, end: i + date[0].length });
      i += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.-])/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'number', text: number[0], value: number[0], ...start, end: i + number[0].length });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_][A-Za-z0-9_-]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ type: 'word', text: word[0], value: word[0], ...start, end: i + word[0].length });
      i += word[0].length;
      continue;
    }
    const punctuation = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punctuation) {
      tokens.push({ type: 'op', text: punctuation, value: punctuation, ...start, end: i + punctuation.length });
      i += punctuation.length;
      continue;
    }
    throw new SegmentSyntaxError(start.line, start.column, ['a condition, a value or an operator'], JSON.stringify(ch));
  }
  tokens.push({ type: 'eof', text: '', value: '', ...at(), end: i });
  return tokens;
}
