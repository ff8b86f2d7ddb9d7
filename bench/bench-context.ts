// What every section of `npm run bench` receives and returns. The runner (bench/run-bench.ts)
// brings up the stack, loads the seeded data through the import API, and hands each section this
// context; each section returns its figures for the JSON file and its rows for the one table.
import type { EsClient, Pool } from '@segmenter/shared';

export interface BenchWorkspace {
  id: string;
  /** An API key of this workspace (x-api-key). */
  apiKey: string;
}

export interface SuiteSegment {
  /** A short stable name, used as the table's row label. */
  name: string;
  /** Segment-language text, as a client would send it. */
  text: string;
  /** Broad segments match 10% to 60% of the contacts. */
  broad: boolean;
}

export interface BenchContext {
  /** Base URL of the api under test, e.g. http://127.0.0.1:1234 */
  apiUrl: string;
  /** The api's process id, when it runs as a process of its own: sections sample its memory (RSS). */
  apiPid?: number;
  /** The large workspace the data was loaded into. */
  workspace: BenchWorkspace;
  /** A second workspace in the same index, for background writes that must not disturb the first. */
  otherWorkspace: BenchWorkspace;
  /** Contacts loaded into `workspace`. */
  contacts: number;
  /** The segment suite (at least 14), whose tag names and label keys exist in the seeded data. */
  suite: SuiteSegment[];
  pool: Pool;
  es: EsClient;
  /** The contacts alias of the index under test. */
  alias: string;
  /** 10k smoke run (CI): sections shorten their loops and durations but still run every path. */
  smoke: boolean;
  log(line: string): void;
}

/** One line of the results table. `target` is the target, when there is one. */
export interface BenchRow {
  section: string;
  measure: string;
  value: number;
  unit: string;
  target?: { op: '>=' | '<='; value: number };
  /** Free text: the baseline it was compared with, the size it ran at. */
  note?: string;
}

export interface SectionResult {
  /** Every figure, for bench/results/<timestamp>.json. */
  figures: Record<string, unknown>;
  rows: BenchRow[];
}

export type BenchSection = (ctx: BenchContext) => Promise<SectionResult>;
