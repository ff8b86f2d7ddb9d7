// Command-line parsing on Node's util.parseArgs: the connection flags every command takes, the
// command name split from its arguments, and the small value parsers that turn bad input into usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the invocation itself; it exits 64 with the message and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Accepted by every command, before or after the command name. */
const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

export const CONNECTION_USAGE = `Connection (every command):
  --url URL   API base URL (env SEGMENTER_URL, default ${DEFAULT_URL})
  --key KEY   API key, sent as x-api-key (env SEGMENTER_API_KEY; required)`;

/** Strict parse: an unknown flag or a missing value is a usage error, not a silently ignored word. */
export function parseCommandArgs<O extends OptionsConfig>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...CONNECTION_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((err as Error).message);
    }
    throw err;
  }
}

/** `--help` wins over everything else on the line, even flags that would not parse. */
export const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

const TAKES_VALUE = new Set(['--url', '--key']);

/**
 * The command is the first word that is not a flag nor the value of a connection flag, so
 * `segmenter --key K import f.csv` and `segmenter import f.csv --key K` mean the same.
 */
export function splitCommand(argv: readonly string[]): { command?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (TAKES_VALUE.has(arg)) i++;
    else if (arg === '--') break;
    else if (!arg.startsWith('-')) return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: [...argv] };
}

export interface Connection {
  url: string;
  apiKey: string;
}

/** Flags first, then the environment; the key has no default because every endpoint needs one. */
export function resolveConnection(values: { url?: string; key?: string }, env: Record<string, string | undefined>): Connection {
  const apiKey = values.key ?? env.SEGMENTER_API_KEY;
  if (!apiKey) throw new UsageError('an API key is required: pass --key KEY or set SEGMENTER_API_KEY');
  const url = values.url ?? (env.SEGMENTER_URL || DEFAULT_URL);
  if (!URL.canParse(url)) throw new UsageError(`--url must be an absolute URL such as ${DEFAULT_URL}, got ${JSON.stringify(url)}`);
  return { url, apiKey };
}

/** One of a fixed vocabulary, or undefined when the flag was not given (the server's default applies). */
export function parseChoice<C extends string>(flag: string, value: string | undefined, choices: readonly C[]): C | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
}

/** `a, b,c` → ['a', 'b', 'c']; an empty list is a mistake, not "no columns". */
export function parseList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag} must be a comma-separated list, got ${JSON.stringify(value)}`);
  return items;
}

/**
 * `--column 'Header=target'` pairs as the import's column mapping; `Header=` (no target) maps to
 * null, which tells the import to ignore that column. The header is split at the last `=` so a
 * header that itself holds `=` still works.
 */
export function parseColumnMappings(pairs: readonly string[] | undefined): Record<string, string | null> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const columns: Record<string, string | null> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const header = pair.slice(0, at);
    if (at < 0 || header === '') throw new UsageError(`--column must be 'Header=target' (or 'Header=' to ignore it), got ${JSON.stringify(pair)}`);
    if (header in columns) throw new UsageError(`--column ${JSON.stringify(header)} is given twice`);
    const target = pair.slice(at + 1).trim();
    columns[header] = target === '' ? null : target;
  }
  return columns;
}

/** Exactly the named positionals; the message names what is missing, so the user knows what to add. */
export function expectPositionals(positionals: string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`missing ${names.slice(positionals.length).join(' ')}`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`);
  return positionals;
}
