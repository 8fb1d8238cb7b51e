/**
 * `policy-trim functions`: Lambda functions with their execution roles (wired to the AWS adapters).
 */
import type { Argv } from 'yargs';
import { CliError } from '../errors.js';
import type { CommandModule } from '../main.js';

export const functionsCommand: CommandModule = {
  command: 'functions',
  describe: 'List Lambda functions with their roles, flagging roles shared by several functions',
  builder: (y: Argv) => y,
  async run() {
    throw new CliError('not-implemented', '`functions` is not wired yet');
  },
};
