/**
 * `policy-trim functions`: Lambda functions with their execution roles, flagging roles shared by several
 * functions (trimming a shared role affects all of them; `suggest --function` gives a per-function view).
 */
import { forTerminal } from '../../core/render/escape.js';
import type { Argv } from 'yargs';
import { sharedRoles } from '../../core/ports/function-directory.js';
import { EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';
import { awsClients, closeAwsClients, loadAws, withAwsOptions } from '../aws-wiring.js';

export const functionsCommand: CommandModule = {
  command: 'functions',
  describe: 'List Lambda functions with their roles, flagging roles shared by several functions',
  builder: (y: Argv) =>
    withAwsOptions(
      y
        .option('regions', { type: 'string', array: true, describe: 'Regions to list (default: the resolved region)' })
        .option('format', { choices: ['table', 'json'] as const, default: 'table', describe: 'Output format' }),
    ),
  async run(args, io: CliIo) {
    try {
      const clients = await awsClients(args, io);
      const aws = await loadAws();
      const functions = await aws.awsFunctionDirectory(clients, args.regions as string[] | undefined).listFunctions();
      const shared = sharedRoles(functions);
      if (args.format === 'json') {
        io.stdout(JSON.stringify({ functions, sharedRoles: shared }, null, 2) + '\n');
      } else {
        const sharedSet = new Map(shared.map((s) => [s.roleArn, s.functions.length]));
        // Names and ARNs come from the account: escaped before the widths are measured.
        const rows = functions.map((f) => [forTerminal(f.region), forTerminal(f.name), forTerminal(f.roleArn) + (sharedSet.has(f.roleArn) ? `  (shared by ${sharedSet.get(f.roleArn)} functions)` : '')]);
        const w0 = Math.max(6, ...rows.map((r) => r[0].length));
        const w1 = Math.max(8, ...rows.map((r) => r[1].length));
        io.stdout(`${'region'.padEnd(w0)}  ${'function'.padEnd(w1)}  role\n`);
        for (const r of rows) io.stdout(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}\n`);
      }
      io.stderr(`${functions.length} function(s); ${shared.length} role(s) shared by several functions\n`);
      for (const s of shared) io.stderr(`  ${forTerminal(s.roleArn)}: ${forTerminal(s.functions.join(', '))} — suggest --function NAME shows each one's own needs\n`);
      return EXIT.OK;
    } finally {
      await closeAwsClients(args);
    }
  },
};
