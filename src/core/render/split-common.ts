/**
 * What the split renderers share: the checked input, statements gathered from documents, comments. Free of the
 * yaml package (split-yaml.ts holds the YAML helpers), so the JSON and Terraform paths never need it.
 */

import { InvariantError } from '../errors.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import { canonicalStatement, compareCodeUnits } from './canonical.js';
import { escapeControls } from './escape.js';
import { RESIDUAL_KEY, type SplitRoleOutput } from './split-types.js';

/**
 * The input in the order every format writes it: functions sorted by name (code units, so the output never
 * depends on the caller's order or the machine's locale). Throws an InvariantError (a bug in the caller) on two
 * functions with one name or a function named RESIDUAL_KEY.
 */
export function prepare(output: SplitRoleOutput): SplitRoleOutput {
  const functions = [...output.functions].sort((a, b) => compareCodeUnits(a.functionName, b.functionName));
  for (const [i, f] of functions.entries()) {
    if (f.functionName === RESIDUAL_KEY) throw new InvariantError(`a function cannot be named ${JSON.stringify(RESIDUAL_KEY)}: that key holds the residual policy`);
    if (i > 0 && functions[i - 1]!.functionName === f.functionName) throw new InvariantError(`function ${JSON.stringify(f.functionName)} appears twice in a split`);
  }
  return { ...output, functions };
}

/** The documents that hold at least one statement (a document without any cannot be attached: AWS refuses it). */
export function withStatements(documents: readonly PolicyDocument[]): PolicyDocument[] {
  return documents.filter((d) => d.statements.length > 0);
}

/** True when the residual grants nothing: no calls outside the functions, so the shared role can be retired. */
export function residualIsEmpty(output: SplitRoleOutput): boolean {
  return withStatements(output.residual).length === 0;
}

/**
 * The statements of several documents as one list, for formats that take a role's statements in one place
 * (serverless). With `dedupe`, a statement equal to an earlier one but for its Sid is left out (what several
 * functions share appears once in a single role). A Sid already used gets the first free number appended
 * (`Logs` → `Logs2`), as the trim does, since IAM wants Sids unique within a policy.
 */
export function gatherStatements(documents: readonly PolicyDocument[], dedupe: boolean): Statement[] {
  const seen = new Set<string>();
  const sids = new Set<string>();
  const out: Statement[] = [];
  for (const s of documents.flatMap((d) => d.statements)) {
    const meaning = JSON.stringify(canonicalStatement({ ...s, sid: undefined }));
    if (dedupe && seen.has(meaning)) continue;
    seen.add(meaning);
    if (s.sid === undefined) {
      out.push(s);
      continue;
    }
    let sid = s.sid;
    for (let n = 2; sids.has(sid); n++) sid = `${s.sid}${n}`;
    sids.add(sid);
    out.push(sid === s.sid ? s : { ...s, sid });
  }
  return out;
}

/** Lambda's trust policy: the service may assume the role. */
export const LAMBDA_TRUST: PolicyDocument = {
  name: 'lambda-trust',
  version: '2012-10-17',
  statements: [{ effect: 'Allow', principal: { Service: ['lambda.amazonaws.com'] }, action: ['sts:AssumeRole'] }],
};

/** Comment lines made safe for one line each (names come from logs and configuration). */
export function safeLines(lines: readonly string[]): string[] {
  return lines.map(escapeControls);
}

/** The shared role as comments name it: `name (arn)` when the ARN is known. */
export function sharedRoleLabel(output: SplitRoleOutput): string {
  return output.sharedRole.arn === undefined ? output.sharedRole.name : `${output.sharedRole.name} (${output.sharedRole.arn})`;
}

/** The sentence about the residual, for every deployment format's header. */
export function residualLines(output: SplitRoleOutput, where: string): string[] {
  if (residualIsEmpty(output)) {
    return [`Nothing but these functions used ${output.sharedRole.name}: once each function runs with its own role, it can be retired.`];
  }
  return [
    `Other callers used ${output.sharedRole.name} too: what it must keep for them is ${where}, attached to nothing.`,
    `Narrow ${output.sharedRole.name} to it; retire the role once it is empty.`,
  ];
}
