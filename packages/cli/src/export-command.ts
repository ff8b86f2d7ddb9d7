// `segmenter export`: contacts of a saved segment, a segment text, a search or the deleted ones,
// as CSV piped from the API to a file or stdout as it arrives.
import { parseCommandArgs, parseList, UsageError } from './args';
import { apiClientFor, defineCommand, writeLine } from './command';
import { ExitCode } from './exit-codes';
import { streamResponse } from './stream-response';

const OPTIONS = {
  segment: { type: 'string' },
  query: { type: 'string' },
  search: { type: 'string' },
  deleted: { type: 'boolean' },
  columns: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

const usage = `Usage: segmenter export (--segment ID | --query TEXT | --search Q | --deleted) [options]

Exports contacts as CSV, streamed to FILE or stdout.

Which contacts (exactly one):
  --segment ID       the members of a saved segment
  --query TEXT       the members of a segment written in the segment language
  --search Q         the contacts a search finds
  --deleted          the deleted contacts

Options:
  --columns a,b,c    the columns to export (default: the server's)
  -o, --output FILE  write to FILE instead of stdout`;

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'export contacts as CSV (a segment, a query, a search or the deleted ones)',
  usage,
  async execute(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const selectors = [
      values.segment !== undefined && { segment: { segmentId: values.segment } },
      values.query !== undefined && { segment: { text: values.query } },
      values.search !== undefined && { search: { q: values.search } },
      values.deleted && { deleted: true },
    ].filter((s) => s !== false && s !== undefined);
    if (selectors.length !== 1) throw new UsageError('give exactly one of --segment, --query, --search, --deleted');
    const columns = parseList('columns', values.columns);
    const api = apiClientFor(values, context);

    const response = await api.send('POST', '/v1/exports/contacts', { json: { ...selectors[0], ...(columns ? { columns } : {}) } });
    await streamResponse(response, values.output ? { file: values.output } : { stdout: context.stdout });
    if (values.output) writeLine(context.stderr, `exported to ${values.output}`);
    return ExitCode.success;
  },
});
