/**
 * Evaluate one request (action, resource ARN) against a set of identity policies, the way IAM does within one
 * account: an explicit Deny wins, else an Allow allows, else the request is implicitly denied.
 *
 * What policy-trim cannot see (condition values, policy variable values, the caller for Principal blocks) is
 * handled by the mode: see `EvaluationMode` in types.ts.
 */

import { clausesImply, conditionClauses, statementRestrictions } from './conditions.js';
import { ACTION_PATTERN, hasWildcard, matchPattern, type Tri } from '../wildcard.js';
import type {
  AccessRequest,
  Decision,
  EvaluateOptions,
  Evaluation,
  PolicyDocument,
  Statement,
  StatementRef,
} from './types.js';

/** Does the statement's Action/NotAction cover the concrete action? Case-insensitive, as IAM is. */
export function statementMatchesAction(s: Statement, action: string): boolean {
  if (s.action) return s.action.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes');
  if (s.notAction) return !s.notAction.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes');
  return false;
}

/** Lists shorter than this are matched pattern by pattern (building a set would cost more than it saves). */
const INDEXED_LIST_MIN = 16;

/**
 * `(action) => list.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes')`, with the list's literal
 * names in a set: a split `*` grant has ~11,000 literal names, and verifying the observed calls evaluates every call against all of them.
 * A literal pattern matches exactly the string of its folded characters, so the answers are the same.
 */
function compileActionList(list: readonly string[]): (action: string) => boolean {
  if (list.length < INDEXED_LIST_MIN) return (action) => list.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes');
  const literals = new Set<string>();
  // Wildcards by the lower-cased service before their first `:` when that is plain ASCII text (`ec2:Describe*`
  // can only match ids whose text before the first `:` folds to `ec2`); the rest are tried on every action.
  // A compressed `*` grant holds hundreds of `svc:Prefix*` wildcards.
  const wildBy = new Map<string, string[]>();
  const anyService: string[] = [];
  for (const p of list) {
    if (hasWildcard(p)) {
      const colon = p.indexOf(':');
      const prefix = colon < 0 ? '' : p.slice(0, colon);
      if (colon < 0 || hasWildcard(prefix) || !ASCII.test(prefix)) anyService.push(p);
      else {
        const key = prefix.toLowerCase();
        const l = wildBy.get(key);
        if (l) l.push(p);
        else wildBy.set(key, [p]);
      }
      continue;
    }
    literals.add(p.toLowerCase()); // the action reading folds the whole pattern, as it folds the action
  }
  return (action) => {
    const lower = action.toLowerCase();
    if (literals.has(lower)) return true;
    const colon = lower.indexOf(':');
    const own = colon < 0 ? undefined : wildBy.get(lower.slice(0, colon));
    return (own !== undefined && own.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes')) || anyService.some((p) => matchPattern(p, action, ACTION_PATTERN) === 'yes');
  };
}

/** ASCII: where folding a prefix character by character equals lower-casing it whole. */
const ASCII = /^[\x00-\x7f]*$/;

/** `statementMatchesAction` of one statement, compiled (for evaluating many requests against the same policies). */
function compileStatementAction(s: Statement): (action: string) => boolean {
  if (s.action) return compileActionList(s.action);
  if (s.notAction) {
    const excluded = compileActionList(s.notAction);
    return (action) => !excluded(action);
  }
  return () => false;
}

/**
 * Does the statement's Resource/NotResource cover the concrete resource? Case-sensitive. `maybe` when a policy
 * variable decides it, or when the statement names no resource (a resource policy: it is the resource it is
 * attached to, which policy-trim does not know).
 */
export function statementMatchesResource(s: Statement, resource: string, variables = true): Tri {
  const opts = { variables };
  if (s.resource) {
    let best: Tri = 'no';
    for (const p of s.resource) {
      const m = matchPattern(p, resource, opts);
      if (m === 'yes') return 'yes';
      if (m === 'maybe') best = 'maybe';
    }
    return best;
  }
  if (s.notResource) {
    let best: Tri = 'yes';
    for (const p of s.notResource) {
      const m = matchPattern(p, resource, opts);
      if (m === 'yes') return 'no';
      if (m === 'maybe') best = 'maybe';
    }
    return best;
  }
  return 'maybe';
}

/**
 * Does the statement certainly, possibly, or never apply to the request? `variables` is false for documents
 * whose Version is not 2012-10-17: IAM reads `${...}` there as literal characters.
 */
export function statementApplies(s: Statement, request: AccessRequest, variables = true): Tri {
  return appliesGivenAction(s, statementMatchesAction(s, request.action), request, variables);
}

/** `statementApplies` once the Action/NotAction answer is known. */
function appliesGivenAction(s: Statement, actionOk: boolean, request: AccessRequest, variables: boolean): Tri {
  if (!actionOk) return 'no';
  const r = statementMatchesResource(s, request.resource, variables);
  if (r === 'no') return 'no';
  const restrictions = statementRestrictions(s);
  const condOk = restrictions.length === 0 || clausesImply(conditionClauses(request.context), restrictions);
  return r === 'yes' && condOk ? 'yes' : 'maybe';
}

/** IAM substitutes policy variables only in Version 2012-10-17 documents (the default, when absent, is 2008-10-17). */
export function substitutesVariables(doc: PolicyDocument): boolean {
  return doc.version === '2012-10-17';
}

/**
 * Evaluate with the statements that decided it. Documents of kind `boundary` are a permission boundary: a request
 * is allowed only when the identity policies and the boundary both allow it; a Deny in either wins.
 */
export function explainEvaluation(policies: PolicyDocument[], request: AccessRequest, options: EvaluateOptions = {}): Evaluation {
  return explainWith(policies, request, options, statementMatchesAction);
}

/**
 * `explainEvaluation` for many requests against the same policies: each statement's Action/NotAction is
 * compiled once (literal names in a set). The policies must not change while the evaluator is in use; callers
 * create one per batch (e.g. one `verifyCovers`), never keep it.
 */
export function createEvaluator(policies: PolicyDocument[]): (request: AccessRequest, options?: EvaluateOptions) => Evaluation {
  const compiled = new Map<Statement, (action: string) => boolean>();
  for (const doc of policies) for (const s of doc.statements) if (!compiled.has(s)) compiled.set(s, compileStatementAction(s));
  const matches = (s: Statement, action: string): boolean => compiled.get(s)!(action);
  return (request, options = {}) => explainWith(policies, request, options, matches);
}

type ActionTest = (s: Statement, action: string) => boolean;

function explainWith(policies: PolicyDocument[], request: AccessRequest, options: EvaluateOptions, matches: ActionTest): Evaluation {
  const mode = options.mode ?? 'must-allow';
  const identity = collect(policies.filter((d) => d.kind !== 'boundary'), request, mode, matches);
  const boundaryDocs = policies.filter((d) => d.kind === 'boundary');
  const deniedBy = [...identity.deniedBy];
  const allowedBy = [...identity.allowedBy];
  let allowed = identity.allowedBy.length > 0;
  if (boundaryDocs.length > 0) {
    const boundary = collect(boundaryDocs, request, mode, matches);
    deniedBy.push(...boundary.deniedBy);
    allowed = allowed && boundary.allowedBy.length > 0;
    if (allowed) allowedBy.push(...boundary.allowedBy);
  }
  const decision: Decision = deniedBy.length > 0 ? 'explicit-deny' : allowed ? 'allowed' : 'implicit-deny';
  return { decision, allowedBy: decision === 'allowed' ? allowedBy : identity.allowedBy, deniedBy };
}

function collect(
  policies: PolicyDocument[],
  request: AccessRequest,
  mode: 'must-allow' | 'may-allow',
  matches: ActionTest,
): { allowedBy: StatementRef[]; deniedBy: StatementRef[] } {
  const allowedBy: StatementRef[] = [];
  const deniedBy: StatementRef[] = [];
  for (const doc of policies) {
    const variables = substitutesVariables(doc);
    doc.statements.forEach((s, index) => {
      const a = appliesGivenAction(s, matches(s, request.action), request, variables);
      if (a === 'no') return;
      const ref: StatementRef = { document: doc.name, index, ...(s.sid !== undefined ? { sid: s.sid } : {}) };
      if (s.effect === 'Deny') {
        // must-allow: a Deny that might apply is assumed to; may-allow: only a certain Deny counts.
        if (a === 'yes' || mode === 'must-allow') deniedBy.push(ref);
      } else if (a === 'yes' || mode === 'may-allow') {
        allowedBy.push(ref);
      }
    });
  }
  return { allowedBy, deniedBy };
}

/**
 * Does the policy set allow the request? Explicit deny wins; NotAction/NotResource honoured; conditions and
 * policy variables per `options.mode` (default `must-allow`, the conservative reading of an original policy).
 */
export function evaluate(policies: PolicyDocument[], request: AccessRequest, options: EvaluateOptions = {}): Decision {
  return explainEvaluation(policies, request, options).decision;
}
