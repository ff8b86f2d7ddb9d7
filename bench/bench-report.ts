// The run's one table (markdown, printed and written next to the JSON file) and the JSON file with
// every figure. Targets are the issue's, set for a million contacts: a smaller run shows them for
// information, marked so no one reads a 100k figure as the target met or missed.
import fs from 'node:fs';
import path from 'node:path';
import type { BenchRow } from './bench-context';

export const TARGET_SIZE = 1_000_000;

const formatNumber = (n: number) => (Number.isNaN(n) ? '-' : Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(n));
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function targetMet(row: BenchRow): boolean | undefined {
  if (!row.target || Number.isNaN(row.value)) return undefined;
  return row.target.op === '>=' ? row.value >= row.target.value : row.value <= row.target.value;
}

export function markdownTable(rows: BenchRow[], contacts: number): string {
  const atTargetSize = contacts >= TARGET_SIZE;
  const lines = ['| section | measure | value | unit | target | met? | note |', '| --- | --- | ---: | --- | --- | --- | --- |'];
  for (const row of rows) {
    const met = targetMet(row);
    const target = row.target ? `${row.target.op === '>=' ? '≥' : '≤'} ${formatNumber(row.target.value)} at 1M` : '';
    const verdict = met === undefined ? '' : `${met ? 'yes' : 'no'}${atTargetSize ? '' : '*'}`;
    lines.push(`| ${[row.section, row.measure, formatNumber(row.value), row.unit, target, verdict, row.note ?? ''].map((c) => cell(String(c))).join(' | ')} |`);
  }
  if (!atTargetSize && rows.some((r) => r.target))
    lines.push(
      '',
      `\\* For information: the targets apply at ${TARGET_SIZE.toLocaleString('en-US')} contacts; this run loaded ${contacts.toLocaleString('en-US')}.`,
    );
  return lines.join('\n');
}

/** Writes `<stamp>.json` and `<stamp>.md` into `dir`; answers their paths. */
export function writeResults(dir: string, stamp: string, results: unknown, markdown: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${stamp}.json`);
  const md = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(md, `${markdown}\n`);
  return { json, md };
}
