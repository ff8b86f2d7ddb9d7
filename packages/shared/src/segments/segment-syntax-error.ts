// The one error the segment language's lexer and parser throw: where (line, column), what was
// expected and what was found, or a more useful sentence (did you mean ...?).

export class SegmentSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly expected: string[],
    readonly found: string,
    /** Said instead of "expected ..., found ..." when there is something more useful to say. */
    problem?: string,
  ) {
    super(`line ${line}, column ${column}: ${problem ?? `expected ${expected.join(' or ')}, found ${found}`}`);
    this.name = 'SegmentSyntaxError';
  }
}
