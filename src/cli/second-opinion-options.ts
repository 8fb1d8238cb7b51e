/**
 * `suggest`'s second-opinion options: `--access-advisor` and `--trust-access-advisor` (IAM's last-accessed
 * information as evidence), `--verify-with-aws` and `--must-not-grant` (IAM Access Analyzer's checks, billed per
 * call), checked before anything is read.
 */
import type { Argv } from 'yargs';
import type { Catalog } from '../core/catalog/types.js';
import { usageError } from './errors.js';
import { listOption } from './options.js';

/** Adds the second-opinion options to `suggest`. */
export function withSecondOpinionOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('access-advisor', {
      type: 'boolean',
      default: false,
      describe:
        "Also read the role's IAM last-accessed information (live IAM only): keeps actions it shows used that the trail has no record of, and reports services granted but never accessed",
    })
    .option('trust-access-advisor', {
      type: 'boolean',
      default: false,
      describe: "With --access-advisor: remove the unobservable actions of services IAM shows never accessed in its whole tracking period (opt-in)",
    })
    .option('verify-with-aws', {
      type: 'boolean',
      default: false,
      describe:
        "After policy-trim's own proof, ask IAM Access Analyzer (CheckNoNewAccess) that the suggestion grants nothing the original does not. Billed by AWS per call (custom policy checks); the summary counts the calls",
    })
    .option('must-not-grant', {
      type: 'string',
      array: true,
      describe: 'With --verify-with-aws: actions the suggestion must not grant, checked with CheckAccessNotGranted (one more billed call), e.g. iam:PassRole,iam:CreateRole',
    }) as Argv<T>;
}

/** The `--must-not-grant` actions, each a catalog action (its canonical spelling); a usage error names the unknown ones. */
export function mustNotGrantActions(args: Record<string, unknown>, catalog: Catalog): string[] {
  const names = listOption(args['must-not-grant']);
  const unknown = names.filter((n) => !catalog.action(n));
  if (unknown.length) {
    throw usageError(`--must-not-grant: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an IAM action' : 'are not IAM actions'} in the bundled catalog`, 'Name each action in full, e.g. --must-not-grant iam:PassRole,iam:CreateRole (no wildcards).');
  }
  return [...new Set(names.map((n) => catalog.action(n)!.id))].sort();
}

/** Usage errors for second-opinion options that cannot work with the rest of the command line. */
export function checkSecondOpinionOptions(args: Record<string, unknown>): void {
  if (args['trust-access-advisor'] && !args['access-advisor']) {
    throw usageError('--trust-access-advisor goes with --access-advisor', 'Add --access-advisor (it reads the evidence --trust-access-advisor trusts).');
  }
  if (args['must-not-grant'] !== undefined && !args['verify-with-aws']) {
    throw usageError('--must-not-grant goes with --verify-with-aws', 'Add --verify-with-aws (the check is one of IAM Access Analyzer\'s, billed per call).');
  }
  if (args['verify-with-aws'] && args['split-by-function']) throw usageError('--verify-with-aws does not go with --split-by-function', 'Run the split without it.');
  if (!args['access-advisor']) return;
  const files = args.policy as string[] | undefined;
  if (files && files.length) {
    throw usageError(
      "--access-advisor reads the role's last-accessed information from IAM, and --policy reads the policies offline from files",
      'Drop --policy so the role is read from IAM (with --profile/--region), or drop --access-advisor to suggest from the files and the trail alone.',
    );
  }
  if (args['split-by-function']) {
    throw usageError('--access-advisor does not go with --split-by-function', "IAM's last-accessed information is per role, not per function: run the split without it.");
  }
}
