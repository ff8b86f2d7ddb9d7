// The `segmenter` command line: finds the command named on the line and runs it. `run` is what
// the bin calls, and what tests call in process with their own streams, environment and fetch.
import { CONNECTION_USAGE, splitCommand, wantsHelp } from './args';
import { EXIT_CODES_HELP, writeLine, type CliContext, type Command } from './command';
import { countCommand } from './count-command';
import { ExitCode } from './exit-codes';
import { exportCommand } from './export-command';
import { importCommand } from './import-command';
import { membersCommand } from './members-command';
import { segmentsCommand } from './segments-command';

export type { CliContext } from './command';
export { ExitCode } from './exit-codes';

const COMMANDS: readonly Command[] = [importCommand, exportCommand, countCommand, membersCommand, segmentsCommand];

const HELP = `segmenter: the contact segmentation API from the command line

Usage: segmenter <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

${CONNECTION_USAGE}

${EXIT_CODES_HELP}

Run 'segmenter <command> --help' for the options of a command.
`;

export async function run(argv: string[], context: CliContext): Promise<ExitCode> {
  const { command: name, rest } = splitCommand(argv);
  if (name === undefined) {
    if (wantsHelp(argv)) {
      context.stdout.write(HELP);
      return ExitCode.success;
    }
    context.stderr.write(`error: missing command\n\n${HELP}`);
    return ExitCode.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    writeLine(context.stderr, `error: unknown command ${JSON.stringify(name)}; one of ${COMMANDS.map((c) => c.name).join(', ')}`);
    writeLine(context.stderr, `run 'segmenter --help' for usage`);
    return ExitCode.usage;
  }
  return command.run(rest, context);
}
