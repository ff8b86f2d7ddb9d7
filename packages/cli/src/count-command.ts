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

/** One result of POST /v1/segments/count; `error` is read in case the server reports a query's failure there. */
interface CountResult {
  total?: number;
  sendable?: { email?: number; phone?: number };
  error?: unknown;
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
      if (!result || result.error !== undefined || typeof result.total !== 'number') {
        failed = true;
        const reason = result?.error === undefined ? 'no count in the answer' : typeof result.error === 'string' ? result.error : JSON.stringify(result.error);
        return [`error: ${reason}`, '', '', label];
      }
      return [countCell(result.total), countCell(result.sendable?.email), countCell(result.sendable?.phone), label];
    });
    writeLine(context.stdout, formatTable(['total', 'email', 'phone', 'query'], rows, { alignRight: [0, 1, 2] }));
    return failed ? ExitCode.failure : ExitCode.success;
  },
});
