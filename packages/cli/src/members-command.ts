// `segmenter members`: every member of a saved segment or a segment text, streamed from the API
// to stdout as NDJSON or CSV, for handing to a sender.
import { parseChoice, parseCommandArgs, parseList, UsageError } from './args';
import { apiClientFor, defineCommand } from './command';
import { ExitCode } from './exit-codes';
import { streamResponse } from './stream-response';

const FORMATS = ['ndjson', 'csv'] as const;

const OPTIONS = {
  segment: { type: 'string' },
  query: { type: 'string' },
  format: { type: 'string' },
  fields: { type: 'string' },
} as const;

const usage = `Usage: segmenter members (--segment ID | --query TEXT) [options]

Streams every member of a segment to stdout, in contact id order.

Which segment (exactly one):
  --segment ID           a saved segment
  --query TEXT           a segment written in the segment language

Options:
  --format ndjson|csv    output format (default ndjson)
  --fields id,email,...  fields per member (default id), in the contact JSON's spelling: id,
                         email, phone, firstName, lastName, emailStatus, phoneStatus, country,
                         city, language, timezone, createdAt, ... and tags, labels, label:KEY,
                         custom:KEY (CSV headers keep the contact file's names)`;

export const membersCommand = defineCommand({
  name: 'members',
  summary: 'stream the members of a segment as NDJSON or CSV',
  usage,
  async execute(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if ((values.segment === undefined) === (values.query === undefined)) throw new UsageError('give exactly one of --segment, --query');
    const format = parseChoice('format', values.format, FORMATS);
    const fields = parseList('fields', values.fields);
    const api = apiClientFor(values, context);

    const response =
      values.segment !== undefined
        ? await api.send('GET', `/v1/segments/${encodeURIComponent(values.segment)}/members`, { query: { format, fields: fields?.join(',') } })
        : await api.send('POST', '/v1/segments/members', { json: { query: { text: values.query }, format, fields: fields?.join(',') } });
    await streamResponse(response, { stdout: context.stdout });
    return ExitCode.success;
  },
});
