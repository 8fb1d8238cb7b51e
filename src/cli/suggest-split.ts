/**
 * `suggest --role R --split-by-function`: one least-privilege policy per function of a shared role, and a
 * residual for what the role did that no function did (core/split), printed in the format the project deploys
 * with (core/render/split.ts), with the summary on stderr and, on request, migration notes.
 *
 * The functions of R come from `.policy-trim.yml` (`roles[].functions`, with their VPC and tracing), `--functions`
 * offline, or Lambda (`--function-roles-from-lambda`: which functions use R, their configuration and their event
 * source mappings). Without any of them the split cannot tell a function's session from anyone else's: a usage
 * error says so.
 */
import { loadConfig, type LoadedConfig } from '../adapters/fs/config-file.js';
import { formatConfigProblem } from '../core/config/errors.js';
import type { FunctionConfig } from '../core/config/types.js';
import type { PolicyDocument } from '../core/policy/types.js';
import type { EventSourceMapping, FunctionInfo } from '../core/ports/function-directory.js';
import { roleRefFrom, sameRoleRef } from '../core/pr/branch.js';
import { terminalLines } from '../core/render/escape.js';
import { renderSplit } from '../core/render/split.js';
import { allocateNames, roleNameRule } from '../core/render/split-names.js';
import { isSplitFormat, SPLIT_FORMATS, type SplitFormat, type SplitRoleOutput } from '../core/render/split-types.js';
import { attributeUsage } from '../core/split/attribute.js';
import { migrationNotes } from '../core/split/migration.js';
import { splitByFunction, type SplitFunction, type SplitResult } from '../core/split/split.js';
import { assertInlineSizes } from '../core/split/size.js';
import { splitSummaryLines } from '../core/split/summary.js';
import { describeWindow } from '../core/usage/time-window.js';
import { awsClients, loadAws } from './aws-wiring.js';
import { EXIT, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { writeResults } from './output.js';
import { startDir } from './pr-config.js';
import { listOption } from './options.js';
import { readRolePolicies, warnUnknownConditionOperators } from './role-policies.js';
import { observeActivity, printActivitySummary, resolvePrincipal, trimContext, trimOptionsFrom, type ObservedRun, type TrimContext } from './suggest-wiring.js';

/** The body of `suggest --split-by-function`. */
export async function runSplit(args: Record<string, unknown>, io: CliIo): Promise<number> {
  const role = args.role as string | undefined;
  if (!role) throw usageError('--split-by-function needs the shared role: --role NAME|ARN');
  const format = args.format;
  if (!isSplitFormat(format)) throw usageError(`--format ${String(format)}: a split is written in ${SPLIT_FORMATS.join(', ')}`);
  const ctx = trimContext(args, io);
  // An invalid file is an error (listing its problems), never silently passed over: it may list the functions.
  const config = await loadConfig({ cwd: startDir(args), now: io.now(), ...(args.config !== undefined ? { config: String(args.config) } : {}) });
  if (config) io.stderr(terminalLines(config.warnings.map((w) => `policy-trim: warning: ${formatConfigProblem(w)}`)));
  const policies = await readRolePolicies(args, io, role, undefined);
  warnUnknownConditionOperators(policies.documents, io);
  // Which functions use the role is settled before the logs are read: without it the split cannot be made.
  const known = await functionsOf(args, io, role, policies.roleArn ?? role, config);
  const run = await observeActivity(args, io, ctx, { role: policies.roleArn });
  printActivitySummary(args, io, run);
  const roleArn = policies.roleArn ?? resolvePrincipal(run.tally.ledger.principals(), role) ?? role;
  const { split, output } = splitRole(args, ctx, run, { roleArn, documents: policies.documents, known });
  const name = output.sharedRole.name;
  // A role IAM would refuse is not printed in a format that deploys roles (json and yaml deploy nothing).
  if (format !== 'json' && format !== 'yaml') assertInlineSizes(output.functions);
  const window = describeWindow(ctx.window);
  const migration = args.migration !== undefined ? migrationNotes(split, { sharedRoleArn: roleArn, roleNames: allocateNames(known.functions.map((f) => f.name), roleNameRule(name, 'shared-function')), window }) : undefined;
  await writeResults(
    [
      { text: renderSplit(output, format as SplitFormat), path: args.out as string | undefined },
      ...(migration !== undefined ? [{ text: migration, path: String(args.migration) }] : []),
      ...(args.report ? [{ text: splitReport(split, roleArn, window, migration), path: String(args.report) }] : []),
    ],
    io,
  );
  if (!args.quiet) io.stderr(terminalLines([...splitSummaryLines(split, { roleArn, window }), ...known.notes]));
  return EXIT.OK;
}

/** What the split of one role is made from, already read. */
export interface SplitRoleInputs {
  roleArn: string;
  /** The shared role's policies (IAM, `--policy`, or what the repository grants it). */
  documents: PolicyDocument[];
  known: KnownFunctions;
}

/**
 * The split of a role's usage in the run, as `suggest --split-by-function` makes it and `pr --split-by-function`
 * writes it: the role's sessions attributed to its functions (and Lambda's pollers), one suggestion per
 * function and the residual (core/split), and the renderers' input.
 */
export function splitRole(args: Record<string, unknown>, ctx: TrimContext, run: ObservedRun, input: SplitRoleInputs): { split: SplitResult; output: SplitRoleOutput } {
  const { roleArn, known } = input;
  const ledger = run.tally.ledger;
  const sessions = ledger.principals().includes(roleArn)
    ? ledger.sessionsOf(roleArn).map((s) => ({ session: s, usage: ledger.usageOf(roleArn, { session: s }), notFromLambda: ledger.notFromLambdaOf(roleArn, s) }))
    : [];
  const attribution = attributeUsage(roleArn, known.functions.map((f) => f.name), sessions, known.mappings);
  const name = roleRefFrom(roleArn).name;
  const split = splitByFunction({ roleArn, documents: input.documents, functions: known.functions, attribution, catalog: ctx.catalog, knowledge: ctx.knowledge, recording: run.recording, options: { ...trimOptionsFrom(args, ctx, name), baselines: ctx.baselines } });
  const output: SplitRoleOutput = {
    sharedRole: { name, ...(roleArn.startsWith('arn:') ? { arn: roleArn } : {}) },
    functions: split.functions.map((f) => ({ functionName: f.name, documents: f.result.documents })),
    residual: split.residual?.result.documents ?? [],
  };
  return { split, output };
}

/** `--report` of a split: each part's findings and evidence, the residual, the matrix, and the migration notes. */
function splitReport(split: SplitResult, roleArn: string, window: string, migration: string | undefined): string {
  const part = (p: { usage: { used: unknown[] }; result: SplitResult['functions'][number]['result'] }) => ({ stats: p.result.stats, findings: p.result.findings, evidence: p.result.evidence });
  return (
    JSON.stringify(
      {
        role: roleArn,
        window,
        functions: split.functions.map((f) => ({ name: f.name, observed: f.observed, baselines: f.baselines, attribution: f.notes, ...part(f) })),
        residual: split.residual ? { attribution: split.residual.notes, ...part(split.residual) } : null,
        matrix: split.matrix,
        migration: migration ?? null,
      },
      null,
      2,
    ) + '\n'
  );
}

/** A role's functions (with what is known of them), their event sources, and notes on where they came from. */
export interface KnownFunctions {
  functions: SplitFunction[];
  mappings: EventSourceMapping[];
  notes: string[];
}

/**
 * The role's functions: Lambda (`--function-roles-from-lambda`), `--functions`, or the configuration's
 * `roles[].functions`, in that order; with none of them, a usage error (the split cannot tell a function's
 * session from anyone else's).
 */
export async function functionsOf(args: Record<string, unknown>, io: CliIo, role: string, roleArn: string, config: LoadedConfig | undefined): Promise<KnownFunctions> {
  const mappings = offlineMappings(listOption(args['event-source']));
  if (args['function-roles-from-lambda']) {
    const live = await lambdaFunctions(args, io, roleArn);
    return { functions: live.functions, mappings: [...mappings, ...live.mappings], notes: [`  functions of the role from Lambda: ${live.functions.map((f) => f.name).join(', ') || 'none'}`] };
  }
  const listed = listOption(args.functions);
  if (listed.length) return { functions: [...new Set(listed)].map((name) => ({ name })), mappings, notes: ['  functions of the role from --functions (their VPC and tracing unknown: the Lambda basics kept)'] };
  const fromConfig = config?.config.roles.find((r) => sameRoleRef(r.role, roleArn.startsWith('arn:') ? roleArn : role))?.functions;
  if (fromConfig?.length) return { functions: fromConfig.map(splitFunctionOf), mappings, notes: [`  functions of the role from ${config!.file}`] };
  throw usageError(
    `--split-by-function: which functions use ${role} is not known`,
    'List them in .policy-trim.yml (roles[].functions), give --functions a,b,c, or read them from Lambda with --function-roles-from-lambda.',
  );
}

/** A configured function as the split takes it. */
function splitFunctionOf(f: FunctionConfig): SplitFunction {
  return { name: f.name, ...(f.vpc !== undefined ? { vpc: f.vpc } : {}), ...(f.tracing !== undefined ? { tracing: f.tracing } : {}), ...(f.unobservable !== undefined ? { unobservable: f.unobservable } : {}) };
}

/** `--event-source FUNCTION=ARN` values. */
function offlineMappings(values: string[]): EventSourceMapping[] {
  return values.map((v) => {
    const at = v.indexOf('=');
    if (at <= 0 || !v.slice(at + 1).startsWith('arn:')) throw usageError(`--event-source ${JSON.stringify(v)}: expected FUNCTION=SOURCE_ARN, e.g. orders-worker=arn:aws:sqs:us-east-1:111122223333:jobs`);
    return { functionName: v.slice(0, at), sourceArn: v.slice(at + 1) };
  });
}

/** From Lambda: the functions whose role is `roleArn`, their configuration and their event source mappings. */
async function lambdaFunctions(args: Record<string, unknown>, io: CliIo, roleArn: string): Promise<{ functions: SplitFunction[]; mappings: EventSourceMapping[] }> {
  const aws = await loadAws();
  const dir = aws.awsFunctionDirectory(await awsClients(args, io), args.regions as string[] | undefined);
  const mine: FunctionInfo[] = (await dir.listFunctions()).filter((f) => f.roleArn === roleArn);
  const mappings: EventSourceMapping[] = [];
  for (const f of mine) mappings.push(...(await dir.eventSourceMappings(f)));
  const functions = mine.map((f) => ({ name: f.name, ...(f.vpc !== undefined ? { vpc: f.vpc } : {}), ...(f.tracing !== undefined ? { tracing: f.tracing } : {}) }));
  return { functions, mappings };
}
