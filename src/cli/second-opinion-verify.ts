/**
 * `suggest --verify-with-aws` (and `--must-not-grant`): after policy-trim's own proof, IAM Access Analyzer's
 * CheckNoNewAccess on the union of the original documents against the union of the suggestion's (split by service
 * only when AWS refuses the size), and CheckAccessNotGranted for the actions that must never be granted. A FAIL of
 * CheckNoNewAccess after policy-trim's proof passed is a bug in policy-trim: nothing is printed, both documents
 * are saved for the report, and the run exits 1.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../core/catalog/types.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { terminalLines } from '../core/render/escape.js';
import { mustNotGrantDocument, noNewAccessByService, noNewAccessWhole, type NoNewAccessPair } from '../core/second-opinion/aws-check.js';
import type { CheckAnswer, CheckCalls } from '../adapters/aws/access-analyzer.js';
import { awsClients, loadAws } from './aws-wiring.js';
import { CliError, EXIT } from './errors.js';
import type { CliIo } from './io.js';
import { mustNotGrantActions } from './second-opinion-options.js';

/** What IAM Access Analyzer answered. */
export interface AwsVerification {
  /** CheckNoNewAccess per part (`all`, or one per service when split), with the documents sent. */
  noNewAccess: { pair: NoNewAccessPair; answer: CheckAnswer }[];
  mustNotGrant?: { actions: string[]; answer: CheckAnswer };
  calls: CheckCalls;
}

/** Runs the checks `args` ask for; undefined without `--verify-with-aws`. */
export async function verifyWithAws(args: Record<string, unknown>, io: CliIo, original: readonly PolicyDocument[], suggestion: readonly PolicyDocument[], catalog: Catalog): Promise<AwsVerification | undefined> {
  if (!args['verify-with-aws']) return undefined;
  const mustNot = args['must-not-grant'] !== undefined ? mustNotGrantActions(args, catalog) : [];
  const aws = await loadAws();
  const client = aws.createAccessAnalyzerClient((await awsClients(args, io)).config);
  const checks = new aws.AccessAnalyzerChecks(client);
  try {
    const noNewAccess = await noNewAccessChecks(checks, original, suggestion, (e) => e instanceof aws.PolicyTooLargeError);
    const mustNotGrant = mustNot.length ? { actions: mustNot, answer: await mustNotGrantCheck(checks, suggestion, mustNot) } : undefined;
    return { noNewAccess, ...(mustNotGrant ? { mustNotGrant } : {}), calls: checks.calls };
  } finally {
    client.destroy();
  }
}

/** CheckAccessNotGranted on the suggestion cut to the actions' services; no call when nothing of it reaches them. */
async function mustNotGrantCheck(checks: { accessNotGranted(policy: string, actions: readonly string[]): Promise<CheckAnswer> }, suggestion: readonly PolicyDocument[], actions: string[]): Promise<CheckAnswer> {
  const doc = mustNotGrantDocument(suggestion, actions);
  if ((JSON.parse(doc) as { Statement: unknown[] }).Statement.length === 0) {
    return { result: 'PASS', message: "no statement of the suggestion can reach these actions' services (no call made)", reasons: [] };
  }
  return checks.accessNotGranted(doc, actions);
}

/** The whole union first; per service only when AWS refuses it for its size. */
async function noNewAccessChecks(
  checks: { noNewAccess(existing: string, updated: string): Promise<CheckAnswer> },
  original: readonly PolicyDocument[],
  suggestion: readonly PolicyDocument[],
  tooLarge: (e: unknown) => boolean,
): Promise<AwsVerification['noNewAccess']> {
  const whole = noNewAccessWhole(original, suggestion);
  try {
    return [{ pair: whole, answer: await checks.noNewAccess(whole.existing, whole.updated) }];
  } catch (e) {
    if (!tooLarge(e)) throw e;
  }
  const parts = noNewAccessByService(original, suggestion);
  if (!Array.isArray(parts)) throw new CliError('verify-too-large', `IAM Access Analyzer refused the documents as too large, and they cannot be split by service: ${parts.unsplittable}`, 'Run without --verify-with-aws; policy-trim\'s own proof still holds.');
  const out: AwsVerification['noNewAccess'] = [];
  for (const pair of parts) {
    try {
      out.push({ pair, answer: await checks.noNewAccess(pair.existing, pair.updated) });
    } catch (e) {
      if (!tooLarge(e)) throw e;
      throw new CliError('verify-too-large', `IAM Access Analyzer refused the ${pair.part} part as too large even on its own`, 'Run without --verify-with-aws; policy-trim\'s own proof still holds.');
    }
  }
  return out;
}

/** Whether AWS found new access (a bug in policy-trim, its own proof having passed). */
export function awsFoundNewAccess(v: AwsVerification | undefined): boolean {
  return v !== undefined && v.noNewAccess.some((c) => c.answer.result === 'FAIL');
}

/** Reports AWS's FAIL as a bug: saves both documents of each failed part in a new folder, says where, exits 1. */
export async function reportAwsNewAccess(v: AwsVerification, io: CliIo): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'policy-trim-verify-'));
  const lines = [
    'policy-trim: IAM Access Analyzer (CheckNoNewAccess) says the suggestion may grant access the original does not, although policy-trim\'s own never-wider proof passed: this is a bug in policy-trim. Nothing was printed.',
  ];
  for (const { pair, answer } of v.noNewAccess.filter((c) => c.answer.result === 'FAIL')) {
    const original = join(dir, `${pair.part}-original.json`);
    const suggestion = join(dir, `${pair.part}-suggestion.json`);
    await writeFile(original, JSON.stringify(JSON.parse(pair.existing), null, 2) + '\n', { flag: 'wx' });
    await writeFile(suggestion, JSON.stringify(JSON.parse(pair.updated), null, 2) + '\n', { flag: 'wx' });
    lines.push(`  ${pair.part}: ${answer.message}`, ...answer.reasons.map((r) => `    - ${reasonText(r)}`));
    lines.push(`  the documents compared: ${original} (existing) and ${suggestion} (new)`);
  }
  lines.push('  Please report it with those two files and the reasons above (run with --report FILE to add the findings).');
  io.stderr(terminalLines(lines));
  return EXIT.ERROR;
}

/** One reason of AWS's, with the statement it names. */
function reasonText(r: CheckAnswer['reasons'][number]): string {
  const at = r.statementIndex !== undefined ? ` (statement ${r.statementIndex} of the new document)` : r.statementId ? ` (statement ${r.statementId})` : '';
  return `${r.description}${at}`;
}

/** The summary's lines for `--verify-with-aws` (plain; the summary escapes them). */
export function formatAwsVerificationLines(v: AwsVerification): string[] {
  const calls = v.calls.noNewAccess + v.calls.accessNotGranted;
  const out = [`IAM Access Analyzer (--verify-with-aws; billed by AWS per call): ${calls} request(s) made (CheckNoNewAccess ${v.calls.noNewAccess}, CheckAccessNotGranted ${v.calls.accessNotGranted})`];
  const split = v.noNewAccess.length > 1 || v.noNewAccess[0]?.pair.part !== 'all';
  for (const { pair, answer } of v.noNewAccess) out.push(`  CheckNoNewAccess${split ? ` (${pair.part})` : ''}: ${answer.result}${answer.message ? ` — ${answer.message}` : ''}`);
  if (split) out.push('  (split by service: AWS refused the whole documents for their size)');
  if (v.mustNotGrant) {
    const { actions, answer } = v.mustNotGrant;
    out.push(`  CheckAccessNotGranted (${actions.join(', ')}): ${answer.result}${answer.message ? ` — ${answer.message}` : ''}`);
    out.push(...answer.reasons.map((r) => `    - ${reasonText(r)}`));
    if (answer.result === 'FAIL') out.push('  the suggestion (and so the original) may grant an action you said must not be granted: exit 2; scope or remove it by hand');
  }
  return out;
}
