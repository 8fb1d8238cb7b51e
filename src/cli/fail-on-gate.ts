/**
 * `suggest --fail-on`: the gate of one suggestion, in the one vocabulary of core/config/fail-on.ts (the words
 * `.policy-trim.yml`'s `gate.fail-on` takes), so a condition means on the command line what it means in the
 * file. The counting lives here, not beside the vocabulary, because it reads a `SuggestResult` (core/trim),
 * which the configuration room may not import.
 */
import { canonicalFailOn, FAIL_ON_ACCESS_LEVEL, type FailOnCondition } from '../core/config/fail-on.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { forTerminal } from '../core/render/escape.js';
import { grantedOnStar } from '../core/trim/findings.js';
import type { SuggestResult } from '../core/trim/suggest.js';
import type { RemovedActionFinding } from '../core/trim/types.js';
import { EXIT } from './errors.js';
import type { CliIo } from './io.js';

/** How many findings of `result` each condition counts, and the words for them. */
export function failOnCounts(result: SuggestResult, original: readonly PolicyDocument[]): Record<FailOnCondition, [number, string]> {
  const unused = result.findings.filter((f): f is RemovedActionFinding => f.kind === 'removed-action');
  const ofLevel = (c: FailOnCondition): [number, string] => [unused.filter((f) => f.accessLevel === FAIL_ON_ACCESS_LEVEL[c]).length, `unused ${FAIL_ON_ACCESS_LEVEL[c]} action(s)`];
  return {
    unused: [unused.length, 'unused action(s)'],
    'unused-permissions-management': ofLevel('unused-permissions-management'),
    'unused-write': ofLevel('unused-write'),
    'unused-tagging': ofLevel('unused-tagging'),
    'unused-read': ofLevel('unused-read'),
    'unused-list': ofLevel('unused-list'),
    'unused-on-star': [unused.filter((f) => f.from.some((ref) => grantedOnStar(ref, original))).length, 'unused action(s) granted on Resource "*"'],
    narrowable: [result.stats.narrowedActions, 'narrowable action(s)'],
    denied: [result.stats.deniedAttempts, 'denied attempt(s)'],
    // The rule: compared with a previous report. `suggest` reads none, so it never trips here.
    'new-drift': [0, 'new drift finding(s)'],
  };
}


/**
 * Exit 2 when a gated condition counts findings, saying on stderr which gates tripped (as the user wrote them)
 * and how many findings each counts. `new-drift` needs a previous report: a warning, not a note, because a CI
 * gate that cannot trip is worth knowing of even with --quiet.
 */
export function failOnGate(result: SuggestResult, original: readonly PolicyDocument[], failOn: readonly string[], io: CliIo): number {
  // An alias and its condition given together are one gate, named as first written.
  const gates = new Map<FailOnCondition, string>();
  for (const word of failOn) {
    const c = canonicalFailOn(word);
    if (c && !gates.has(c)) gates.set(c, word);
  }
  if (gates.has('new-drift')) io.stderr('warning: --fail-on new-drift compares with a previous report, which suggest does not read: it cannot trip here.\n');
  const counts = failOnCounts(result, original);
  const tripped = [...gates].filter(([c]) => counts[c][0] > 0);
  if (tripped.length === 0) return EXIT.OK;
  const said = tripped.map(([c]) => `${counts[c][0]} ${counts[c][1]}`).join(', ');
  io.stderr(`policy-trim: --fail-on ${forTerminal(tripped.map(([, word]) => word).join(','))}: ${said}; exit ${EXIT.FINDINGS}\n`);
  return EXIT.FINDINGS;
}
