// The exit codes of every command, declared once: the help text and the README list this table,
// and `exitCodeForError` maps whatever a command threw onto it.
import { UsageError } from './args';

export const ExitCode = {
  success: 0,
  failure: 1,
  rowsRejected: 2,
  usage: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each code means, in the order `--help` prints them. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.success, 'success'],
  [ExitCode.failure, 'failure: API error, network error, failed or cancelled import, interrupted'],
  [ExitCode.rowsRejected, 'the import finished but some rows were rejected'],
  // 64 is EX_USAGE in sysexits.h, so scripts can tell a bad invocation from a failed one.
  [ExitCode.usage, 'usage error: unknown or bad flags, missing argument, missing API key'],
];

/** A usage mistake is 64; anything else that escaped a command (API, network, disk) is a failure. */
export function exitCodeForError(err: unknown): ExitCode {
  return err instanceof UsageError ? ExitCode.usage : ExitCode.failure;
}
