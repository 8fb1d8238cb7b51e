/**
 * `suggest`'s second-opinion options: `--access-advisor` and `--trust-access-advisor` (IAM's last-accessed
 * information as evidence), checked before anything is read.
 */
import type { Argv } from 'yargs';
import { usageError } from './errors.js';

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
    }) as Argv<T>;
}

/** Usage errors for second-opinion options that cannot work with the rest of the command line. */
export function checkSecondOpinionOptions(args: Record<string, unknown>): void {
  if (args['trust-access-advisor'] && !args['access-advisor']) {
    throw usageError('--trust-access-advisor goes with --access-advisor', 'Add --access-advisor (it reads the evidence --trust-access-advisor trusts).');
  }
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
