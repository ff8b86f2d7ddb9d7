// `segmenter segments list|get|create|delete`: the saved segments of the workspace; a table for
// the list, the API's JSON for one segment.
import { readFile } from 'node:fs/promises';
import { expectPositionals, parseCommandArgs, UsageError } from './args';
import { apiClientFor, defineCommand, writeLine } from './command';
import { ExitCode } from './exit-codes';
import { formatTable, truncate } from './format-table';
import { readAllPages } from './read-all-pages';

const OPTIONS = {
  name: { type: 'string' },
  text: { type: 'string' },
  file: { type: 'string' },
  description: { type: 'string' },
} as const;

const usage = `Usage:
  segmenter segments list
  segmenter segments get ID
  segmenter segments create --name NAME (--text TEXT | --file FILE) [--description D]
  segmenter segments delete ID

Saved segments. 'list' prints id, name and text of every saved segment (all pages); 'get' and 'create' print the segment as JSON.

Options (create):
  --name NAME         the segment's name
  --text TEXT         its condition, in the segment language
  --file FILE         read the condition from FILE instead
  --description D     a description`;

interface SavedSegment {
  id: string;
  name: string;
  text?: string;
}

/** Newlines and runs of blanks in a multi-line segment text would break the table's rows. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export const segmentsCommand = defineCommand({
  name: 'segments',
  summary: 'list, show, create and delete saved segments',
  usage,
  async execute(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [action, ...rest] = positionals;
    const createOnly = (['name', 'text', 'file', 'description'] as const).filter((o) => values[o] !== undefined);
    if (action !== 'create' && createOnly.length > 0) throw new UsageError(`--${createOnly[0]} only goes with 'segments create'`);

    switch (action) {
      case 'list': {
        expectPositionals(rest, []);
        const api = apiClientFor(values, context);
        const items = await readAllPages<SavedSegment>(api, '/v1/segments');
        const rows = items.map((s) => [s.id, truncate(oneLine(s.name), 40), truncate(oneLine(s.text ?? ''), 80)]);
        writeLine(context.stdout, formatTable(['id', 'name', 'text'], rows));
        return ExitCode.success;
      }
      case 'get': {
        const [id] = expectPositionals(rest, ['ID']) as [string];
        const api = apiClientFor(values, context);
        writeLine(context.stdout, JSON.stringify(await api.json('GET', `/v1/segments/${encodeURIComponent(id)}`), null, 2));
        return ExitCode.success;
      }
      case 'create': {
        expectPositionals(rest, []);
        if (values.name === undefined) throw new UsageError('--name is required');
        if ((values.text === undefined) === (values.file === undefined)) throw new UsageError('give exactly one of --text, --file');
        // A segment text is at most 20,000 characters: reading the file whole is fine here.
        const text = values.text ?? (await readFile(values.file!, 'utf8'));
        const api = apiClientFor(values, context);
        const created = await api.json('POST', '/v1/segments', { json: { name: values.name, text, description: values.description } });
        writeLine(context.stdout, JSON.stringify(created, null, 2));
        return ExitCode.success;
      }
      case 'delete': {
        const [id] = expectPositionals(rest, ['ID']) as [string];
        const api = apiClientFor(values, context);
        await api.json('DELETE', `/v1/segments/${encodeURIComponent(id)}`);
        writeLine(context.stdout, `deleted segment ${id}`);
        return ExitCode.success;
      }
      case undefined:
        throw new UsageError('missing action: list, get, create or delete');
      default:
        throw new UsageError(`unknown action ${JSON.stringify(action)}: list, get, create or delete`);
    }
  },
});
