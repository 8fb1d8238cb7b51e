/**
 * The live role against the repository (issue 10 §1: "the granted policy is computed from the repository; when
 * the live role differs from it, the run reports the difference and goes on from the repository's version").
 * The comparison is semantic: the never-wider proof run both ways says what one side may allow that the other
 * does not certainly allow, so a reordered or reworded policy is not a difference and a wildcard is one only
 * where it reaches further. Pure: the command reads the live role and prints the notes.
 *
 * Unresolved references (opaque symbols `\uE000FILE#KEY\uE001` in the planner's documents) cannot be compared
 * with the literal ARNs of the live role. Their statements are compared at action level only, and always in
 * the repository's favour, so that nothing is reported that might not be a difference: where the repository is
 * the reference side an Allow counts on every resource and a Deny not at all; where it is the compared side,
 * the reverse.
 */

import { verifyNeverWider, type ActionUniverse } from '../policy/verify.js';
import type { ConditionBlock, Counterexample, PolicyDocument, Statement } from '../policy/types.js';
import { hasOpaqueSymbol } from './plan-resolve.js';

/** How the live role differs from the repository's grant. */
export interface LiveGrantDifference {
  /** Nothing on either side that the other does not grant, and the same managed policies attached. */
  same: boolean;
  /** `ACTION on RESOURCE` the live role may allow and the repository does not (at most {@link LINE_CAP}). */
  liveOnly: string[];
  /** How many such lines in all (`liveOnly` is capped). */
  liveOnlyCount: number;
  /** `ACTION on RESOURCE` the repository grants and the live role does not (at most {@link LINE_CAP}). */
  repositoryOnly: string[];
  /** How many such lines in all (`repositoryOnly` is capped). */
  repositoryOnlyCount: number;
  /** Managed policies (by ARN) attached on one side only. */
  attachments: { liveOnly: string[]; repositoryOnly: string[] };
  /** Statements of the repository holding unresolved references: compared at action level only. */
  uncomparable: number;
  /** What the comparison left out, in sentences (unresolved references, the live boundary). */
  notes: string[];
}

/** Lines listed per side; the rest are counted. */
export const LINE_CAP = 10;

/** Every counterexample is kept, so that the count is exact (a wildcard grant yields one per catalog action). */
const PROOF_LIMIT = Number.POSITIVE_INFINITY;

const MANAGED_ARN = /^arn:[^:]+:iam::[^:]*:policy\//;

/**
 * Compare the repository's grant (`PlanResult.granted`) with the live role's documents (inline, managed and
 * its boundary as kind `boundary`). `catalog` is the action universe of the never-wider proof.
 */
export function compareLiveGrant(repository: PolicyDocument[], live: PolicyDocument[], catalog: ActionUniverse): LiveGrantDifference {
  // A boundary bounds the role, it grants nothing: it is said in a note, never compared.
  const liveGrants = live.filter((d) => d.kind !== 'boundary');
  const asReference = repositorySide(repository, 'reference');
  const asCompared = repositorySide(repository, 'compared');
  const wider = differences(verifyNeverWider(asReference.documents, liveGrants, catalog, { maxCounterexamples: PROOF_LIMIT }).counterexamples, 'live');
  const narrower = differences(verifyNeverWider(liveGrants, asCompared.documents, catalog, { maxCounterexamples: PROOF_LIMIT }).counterexamples, 'repository');
  const attachments = { liveOnly: onlyIn(liveGrants, repository), repositoryOnly: onlyIn(repository, liveGrants) };
  const uncomparable = asReference.uncomparable;
  return {
    same: wider.length === 0 && narrower.length === 0 && attachments.liveOnly.length === 0 && attachments.repositoryOnly.length === 0,
    liveOnly: wider.slice(0, LINE_CAP),
    liveOnlyCount: wider.length,
    repositoryOnly: narrower.slice(0, LINE_CAP),
    repositoryOnlyCount: narrower.length,
    attachments,
    uncomparable,
    notes: comparisonNotes(uncomparable, live),
  };
}

/** Which part the repository plays in one proof: the original (`reference`) or the suggestion (`compared`). */
type Role = 'reference' | 'compared';

/**
 * The repository's documents for one direction of the proof, statements with opaque symbols replaced by their
 * action-level reading in the repository's favour (see the module comment), and how many there were.
 */
function repositorySide(repository: PolicyDocument[], role: Role): { documents: PolicyDocument[]; uncomparable: number } {
  let uncomparable = 0;
  const documents = repository.map((doc) => ({
    ...doc,
    statements: doc.statements.flatMap((s): Statement[] => {
      if (!holdsSymbol(s)) return [s];
      uncomparable++;
      // Widening helps the repository when it allows as the reference, or denies as the compared side.
      const widen = (s.effect === 'Allow') === (role === 'reference');
      return widen && !actionsHoldSymbol(s) ? [actionLevel(s)] : [];
    }),
  }));
  return { documents, uncomparable };
}

/** Whether any string of the statement holds an unresolved reference. */
function holdsSymbol(s: Statement): boolean {
  const conditionValues = Object.values(s.condition ?? {}).flatMap((keys) => Object.values(keys).flat());
  return [...(s.action ?? []), ...(s.notAction ?? []), ...(s.resource ?? []), ...(s.notResource ?? []), ...conditionValues].some(hasOpaqueSymbol);
}

function actionsHoldSymbol(s: Statement): boolean {
  return [...(s.action ?? []), ...(s.notAction ?? [])].some(hasOpaqueSymbol);
}

/** The statement on every resource, without the condition clauses that name an unresolved reference. */
function actionLevel(s: Statement): Statement {
  const { notResource: _n, condition, ...rest } = s;
  const kept = condition ? withoutSymbols(condition) : undefined;
  return { ...rest, resource: ['*'], ...(kept ? { condition: kept } : {}) };
}

/** The condition block less its key entries that hold a symbol; undefined when nothing is left. */
function withoutSymbols(block: ConditionBlock): ConditionBlock | undefined {
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(block)) {
    const clean = Object.entries(keys).filter(([, values]) => !values.some(hasOpaqueSymbol));
    if (clean.length) out[op] = Object.fromEntries(clean);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The proof's counterexamples as distinct `ACTION on RESOURCE` lines, sorted. `wider` is the side that may
 * allow more; a Deny of the other side it lacks is said so.
 */
function differences(found: Counterexample[], wider: 'live' | 'repository'): string[] {
  const [self, other] = wider === 'live' ? ['the live role', 'the repository'] : ['the repository', 'the live role'];
  const denied = ` (denied by ${other}, not by ${self})`;
  const lines = found.map((c) => `${c.action} on ${c.resource}${c.reason === 'deny-not-preserved' ? denied : ''}`);
  return [...new Set(lines)].sort();
}

/** Managed policies (documents named by a policy ARN) of `side` that `other` does not have, sorted. */
function onlyIn(side: PolicyDocument[], other: PolicyDocument[]): string[] {
  const names = (docs: PolicyDocument[]) => new Set(docs.filter((d) => d.kind !== 'boundary' && MANAGED_ARN.test(d.name)).map((d) => d.name));
  const theirs = names(other);
  return [...names(side)].filter((n) => !theirs.has(n)).sort();
}

function comparisonNotes(uncomparable: number, live: PolicyDocument[]): string[] {
  const notes: string[] = [];
  if (uncomparable > 0) {
    notes.push(`${plural(uncomparable, 'statement')} of the repository ${uncomparable === 1 ? 'names' : 'name'} resources through references that are not resolved: ${uncomparable === 1 ? 'it was' : 'they were'} compared with the live role at action level only.`);
  }
  for (const b of live.filter((d) => d.kind === 'boundary')) {
    notes.push(`The live role's permissions boundary ${b.name} was left out of the comparison: it limits what the role may do, it grants nothing.`);
  }
  return notes;
}

/**
 * Short sentences for the pull request's body and stderr: what the live role grants that the repository does
 * not and the reverse (with a few examples), managed policies attached on one side only, and what could not be
 * compared. Empty when there is nothing to say.
 */
export function liveDifferenceNotes(diff: LiveGrantDifference): string[] {
  const out: string[] = [];
  if (diff.liveOnlyCount > 0) {
    out.push(`The live role grants ${plural(diff.liveOnlyCount, 'permission')} the repository does not (${examples(diff.liveOnly, diff.liveOnlyCount)}): someone changed it outside this code, or the code is not deployed yet.`);
  }
  if (diff.repositoryOnlyCount > 0) {
    out.push(`The repository grants ${plural(diff.repositoryOnlyCount, 'permission')} the live role does not (${examples(diff.repositoryOnly, diff.repositoryOnlyCount)}): the code is not deployed yet, or the role was narrowed outside it.`);
  }
  if (diff.attachments.liveOnly.length) out.push(`The live role has ${listOf(diff.attachments.liveOnly, 'managed policy', 'managed policies')} attached that the repository does not attach.`);
  if (diff.attachments.repositoryOnly.length) out.push(`The repository attaches ${listOf(diff.attachments.repositoryOnly, 'managed policy', 'managed policies')} that the live role does not have.`);
  // Said once, after the first difference: the run goes on from the repository whatever the live role holds.
  if (out.length) out[0] = `${out[0]} The pull request edits the repository's version.`;
  return [...out, ...diff.notes];
}

/** `e.g. A, B and C` from the first three lines, and how many more. */
function examples(lines: string[], count: number): string {
  const shown = lines.slice(0, 3);
  const rest = count - shown.length;
  return `e.g. ${shown.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
}

function listOf(items: string[], one: string, many: string): string {
  return `${items.length === 1 ? one : many} ${items.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
