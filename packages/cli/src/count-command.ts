// `segmenter count`: how many contacts each query matches, and how many of them can be reached by
// email and by phone, in one request however many queries are given.
import { parseCommandArgs, UsageError } from './args';
import { apiClientFor, defineCommand, writeLine } from './command';
import { ExitCode } from './exit-codes';
import { formatTable } from './format-table';
import { formatCount } from './progress-bar';

const OPTIONS = {
  segment: { type: 'string', multiple: true },
} as const;

const usage = `Usage: segmenter count QUERY... [--segment ID]...

Counts the contacts each query matches: QUERY in the segment language, or a saved segment by id
(--segment, repeatable). Prints one line per query: total, and how many are sendable by email and
by phone.

Example:
  segmenter count 'tag:"Hot Lead"' 'label:tier IN [gold, silver]' --segment 0b6f...`;

/** One result of POST /v1/segments/count: a count, or that query's own problem (status, detail, errors). */
interface CountResult {
  total?: number;
  sendable?: { email?: number; phone?: number };
  status?: number;
  detail?: string;
  errors?: { field: string; rule: string }[];
}

/** A failed query's reason in one line: its field rules when it has them, else its detail. */
function reasonOf(result: CountResult | undefined): string {
  if (!result) return 'no count in the answer';
  if (result.errors && result.errors.length > 0) return result.errors.map((e) => e.rule).join('; ');
  return result.detail ?? 'no count in the answer';
}

const countCell = (n: number | undefined) => (n === undefined ? '-' : formatCount(n));

export const countCommand = defineCommand({
  name: 'count',
  summary: 'count the contacts of one or more segments (total and sendable)',
  usage,
  async execute(argv, context) {
    const { values, positionals: texts } = parseCommandArgs(argv, OPTIONS);
    const segmentIds = values.segment ?? [];
    const queries = [
      ...texts.map((text) => ({ label: text, query: { text } })),
      ...segmentIds.map((segmentId) => ({ label: `segment ${segmentId}`, query: { segmentId } })),
    ];
    if (queries.length === 0) throw new UsageError('give at least one QUERY or --segment ID');
    const api = apiClientFor(values, context);

    const answer = await api.json<{ results?: CountResult[] }>('POST', '/v1/segments/count', { json: { queries: queries.map((q) => q.query) } });
    let failed = false;
    const rows = queries.map(({ label }, i) => {
      const result = answer?.results?.[i];
      if (!result || typeof result.total !== 'number') {
        failed = true;
        return [`error: ${reasonOf(result)}`, '', '', label];
      }
      return [countCell(result.total), countCell(result.sendable?.email), countCell(result.sendable?.phone), label];
    });
    writeLine(context.stdout, formatTable(['total', 'email', 'phone', 'query'], rows, { alignRight: [0, 1, 2] }));
    return failed ? ExitCode.failure : ExitCode.success;
  },
});
