/**
 * `policy-trim pr`: the suggestion as a pull request against the infrastructure code that grants the role
 * (issue 10 §3): the policy edited where `.policy-trim.yml` says it is defined, committed on
 * `policy-trim/<role>`, pushed, and one pull request per role opened, updated or closed. `--dry-run` prints the
 * diff and the pull request instead; `--discover` proposes the configuration. `--split-by-function` opens instead
 * one pull request per role that adds a role per function of it (cli/pr-split.ts).
 */
import type { Argv } from 'yargs';
import type { CommandModule } from '../command.js';
import { withAwsOptions, closeAwsClients } from '../aws-wiring.js';
import { reportError } from '../errors.js';
import type { CliIo } from '../io.js';
import { withWindowOptions } from '../options.js';
import { runDiscover } from '../pr-discover.js';
import { githubToken, redactingIo } from '../pr-github.js';
import { roleSelection, withPrOptions } from '../pr-options.js';
import { runRoles } from '../pr-run.js';
import { checkPrSplitOptions, withPrSplitOptions } from '../pr-split.js';
import { withActivityOptions } from '../sources.js';
import { withTrimOptions } from '../suggest-wiring.js';

/** `policy-trim pr`. */
export const prCommand: CommandModule = {
  command: 'pr',
  describe: 'Open or update one pull request per role, trimming its policy where the repository defines it',
  builder: (y: Argv) =>
    withAwsOptions(withActivityOptions(withWindowOptions(withTrimOptions(withPrSplitOptions(withPrOptions(y))))))
      .example('$0 pr --all', 'Every role of .policy-trim.yml (in CI: GITHUB_TOKEN and AWS credentials set)')
      .example('$0 pr --role orders-api-role --dry-run --trail ./AWSLogs --days 30', 'Print the diff and the pull request; touch nothing')
      .example('$0 pr --discover > .policy-trim.yml.proposed', 'Propose the configuration from the infrastructure code')
      .example('$0 pr --role orders-api-role --split-by-function --dry-run', 'Add one role per function of the shared role to the file that defines it (functions from roles[].functions)'),
  async run(args, io: CliIo) {
    // Everything printed passes the token filter, errors included: they are reported here, not by the shell.
    const safe = redactingIo(io, [githubToken(args, io.env)]);
    try {
      checkPrSplitOptions(args);
      const selection = roleSelection(args);
      if (selection.kind === 'discover') return await runDiscover(args, safe);
      return await runRoles(args, safe, selection);
    } catch (e) {
      return reportError(e, safe, Boolean(args.debug));
    } finally {
      await closeAwsClients(args);
    }
  },
};
