// A plain-text table for terminal output (segment lists, counts): columns padded to their widest
// cell, two spaces apart, numbers right-aligned; no borders, so it still greps and cuts well.
export interface TableOptions {
  /** Indexes of the columns to right-align (numbers). */
  alignRight?: readonly number[];
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], { alignRight = [] }: TableOptions = {}): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const right = new Set(alignRight);
  return all
    .map((row) =>
      header
        .map((_, i) => {
          const cell = row[i] ?? '';
          if (right.has(i)) return cell.padStart(widths[i]!);
          // The last column is not padded: no trailing blanks.
          return i === header.length - 1 ? cell : cell.padEnd(widths[i]!);
        })
        .join('  '),
    )
    .join('\n');
}

/** Cuts a cell to `max` characters, marking the cut, so one long segment text does not stretch the table. */
export const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
