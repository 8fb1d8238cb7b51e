/**
 * The shape every CLI command has. It lives apart from main.ts so that the command modules and the shell that
 * registers them do not import each other.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

/** A command module: registers itself on yargs and runs with the parsed arguments. */
export interface CommandModule {
  command: string;
  describe: string;
  builder(y: Argv): Argv;
  run(args: Record<string, unknown>, io: CliIo): Promise<number>;
}
