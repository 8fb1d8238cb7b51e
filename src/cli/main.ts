/**
 * The CLI shell: parses arguments with yargs, runs one command, turns errors into a message and an exit code.
 */
import yargs from 'yargs';
import { CliError, EXIT, reportError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import type { CommandModule } from './command.js';
import { catalogCommand } from './commands/catalog.js';
import { usageCommand } from './commands/usage.js';
import { suggestCommand } from './commands/suggest.js';
import { renderCommand } from './commands/render.js';
import { functionsCommand } from './commands/functions.js';

const COMMANDS: CommandModule[] = [suggestCommand, usageCommand, renderCommand, functionsCommand, catalogCommand];

/**
 * Run the CLI with `argv` (without `node` and the script). Returns the exit code; never calls process.exit,
 * so it can run in-process in tests.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  let debug = argv.includes('--debug');
  let parser = yargs(argv)
    .scriptName('policy-trim')
    .usage('$0 <command> [options]\n\nShrink AWS IAM policies to what CloudTrail shows was actually used.')
    .option('debug', { type: 'boolean', describe: 'Show stack traces for errors', global: true })
    .strict()
    .demandCommand(1, 'Name a command: suggest, usage, render, functions or catalog.')
    .recommendCommands()
    .exitProcess(false)
    .showHelpOnFail(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new CliError('usage', msg ?? 'invalid arguments', 'Run `policy-trim --help` for the commands and options.', EXIT.USAGE);
    });
  for (const cmd of COMMANDS) {
    parser = parser.command(cmd.command, cmd.describe, cmd.builder, async (args) => {
      debug = Boolean(args.debug);
      exitCode = await cmd.run(args as Record<string, unknown>, io);
    });
  }
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (err) {
    return reportError(err, io, debug);
  }
}
