/**
 * The options of `suggest --split-by-function` and their checks, apart from the split itself
 * (`suggest-split.ts`): `suggest` declares and checks them on every run, and loads the split's modules (the
 * configuration file's schema validator, the deployment renderers, YAML) only when a split is asked for.
 */
import type { Argv } from 'yargs';
import { SPLIT_FORMATS } from '../core/render/split-types.js';
import { usageError } from './errors.js';

/** The formats only a split is written in (json and yaml are a map from function to policy). */
export const SPLIT_ONLY_FORMATS = SPLIT_FORMATS.filter((f) => f !== 'json' && f !== 'yaml' && f !== 'terraform');

/** `--split-by-function` and what it reads. */
export function withSplitOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('split-by-function', { type: 'boolean', default: false, describe: 'One policy per function of the role (and a residual for anyone else), in --format json, yaml, serverless, sam, cloudformation or terraform' })
    .option('functions', { type: 'string', array: true, describe: 'With --split-by-function, offline: the role\'s functions (comma-separated or repeated), when .policy-trim.yml does not list them' })
    .option('function-roles-from-lambda', { type: 'boolean', default: false, describe: 'With --split-by-function: read which functions use the role, their VPC, tracing and event sources from Lambda' })
    .option('event-source', { type: 'string', array: true, describe: 'With --split-by-function, offline: FUNCTION=SOURCE_ARN, an event source Lambda reads with the role for that function' })
    .option('migration', { type: 'string', describe: 'With --split-by-function: write migration notes (Markdown) to this file' })
    .option('config', { type: 'string', describe: 'With --split-by-function: the configuration file whose roles[].functions list the role\'s functions (default: .policy-trim.yml at the repository root)' }) as Argv<T>;
}

/** Refuses the split's options without `--split-by-function`, and what does not apply to a split with it. */
export function checkSplitOptions(args: Record<string, unknown>): void {
  const split = Boolean(args['split-by-function']);
  const only = ['functions', 'event-source', 'migration', 'config'].filter((o) => args[o] !== undefined).concat(args['function-roles-from-lambda'] ? ['function-roles-from-lambda'] : []);
  if (!split) {
    if (only.length) throw usageError(`--${only[0]} goes with --split-by-function`);
    if ((SPLIT_ONLY_FORMATS as readonly string[]).includes(String(args.format))) throw usageError(`--format ${String(args.format)} is a format of --split-by-function (one role per function)`, 'Add --split-by-function, or choose json, yaml or terraform.');
    return;
  }
  if (args.function !== undefined) throw usageError('--function and --split-by-function: the split already gives each function its own policy');
  if (args['terraform-style'] !== undefined) throw usageError('--terraform-style does not apply to a split: it writes an aws_iam_role, an aws_iam_policy_document and an aws_iam_role_policy per function');
  if (args['fail-on'] !== undefined) throw usageError('--fail-on does not apply to a split (gate on the role with suggest --role, or on the fleet with drift)');
}
