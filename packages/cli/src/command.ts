// What every command is: a name, a help text and `run(argv, context)` returning its exit code. The
// context carries all the I/O, so tests call a command in process with fake streams and a fake fetch.
import type { Writable } from 'node:stream';
import { CONNECTION_USAGE, resolveConnection, UsageError, wantsHelp } from './args';
import { createApiClient, renderError, type ApiClient, type FetchLike } from './api-client';
import { EXIT_CODE_MEANINGS, exitCodeForError, ExitCode } from './exit-codes';

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
  fetch: FetchLike;
  /** Aborted on Ctrl-C: requests stop, and an import being watched is cancelled. */
  signal?: AbortSignal;
  /** How often `import` polls the import; tests shorten the default 500 ms. */
  pollIntervalMs?: number;
}

export interface Command {
  name: string;
  /** One line, for the command list in `segmenter --help`. */
  summary: string;
  /** `segmenter <name> --help`. */
  help: string;
  run(argv: string[], context: CliContext): Promise<ExitCode>;
}

export const writeLine = (stream: Writable, text = '') => stream.write(`${text}\n`);

export const EXIT_CODES_HELP = `Exit codes:\n${EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}`).join('\n')}`;

/**
 * Wraps a command body with what every command does the same way: `--help`, and every error
 * printed on stderr and mapped to its exit code, so no command prints a stack trace.
 */
export function defineCommand(spec: {
  name: string;
  summary: string;
  usage: string;
  execute(argv: string[], context: CliContext): Promise<ExitCode>;
}): Command {
  const help = `${spec.usage}\n\n${CONNECTION_USAGE}\n\n${EXIT_CODES_HELP}\n`;
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, context) {
      if (wantsHelp(argv)) {
        context.stdout.write(help);
        return ExitCode.success;
      }
      try {
        return await spec.execute(argv, context);
      } catch (err) {
        for (const line of renderError(err)) writeLine(context.stderr, line);
        if (err instanceof UsageError) writeLine(context.stderr, `run 'segmenter ${spec.name} --help' for usage`);
        return exitCodeForError(err);
      }
    },
  };
}

/** The API client for this invocation: --url/--key or the environment, and the context's fetch and Ctrl-C signal. */
export function apiClientFor(values: { url?: string; key?: string }, context: CliContext): ApiClient {
  return createApiClient({ ...resolveConnection(values, context.env), fetch: context.fetch, signal: context.signal });
}
