/**
 * `suggest` = trim, then prove the result with the policy module's verifier before anyone sees it
 * (README, "The safety contract", rules 1 and 2). A failed proof is a bug in policy-trim: it throws {@link InternalError}
 * with the inputs attached and never returns the suggestion.
 */
import { evaluate } from '../policy/evaluate.js';
import { verifyCovers, verifyNeverWider } from '../policy/verify.js';
import type { AccessRequest, VerifyResult } from '../policy/types.js';
import { InternalError } from './errors.js';
import { trimPolicy } from './trim.js';
import type { Finding, TrimInput, TrimResult } from './types.js';

/** A verified suggestion. */
export interface SuggestResult extends TrimResult {
  verification: {
    /** Suggestion ⊆ original, over every catalog action either side matches. */
    neverWider: VerifyResult;
    /** Every successful observed call the original certainly allows, the suggestion certainly allows. */
    covers: VerifyResult;
    /** Successful calls the original allows only under a condition: the suggestion may allow them (same conditions kept). */
    coversConditional: VerifyResult;
  };
}

/**
 * Actions kept as granted because the records could not show their resource or their need (a dependent the record
 * cannot show, a call the catalog cannot map): what "verified" rests on besides the proofs, as the reports say it.
 */
export function keptAsGrantedCount(findings: readonly Finding[]): number {
  return findings.filter(
    (f) => (f.kind === 'kept-used' && f.keptAsGranted !== undefined) || (f.kind === 'kept-unobservable' && (f.code === 'dependent-unknowable' || f.code === 'unmapped-call')),
  ).length;
}

/** The observed successful calls to check, split by how the original allows them. */
export function observedCalls(input: TrimInput): { certain: AccessRequest[]; conditional: AccessRequest[] } {
  const original = input.documents.filter((d) => d.kind !== 'boundary');
  const certain: AccessRequest[] = [];
  const conditional: AccessRequest[] = [];
  for (const u of input.usage.used) {
    const info = input.catalog.action(u.action);
    const takesResource = (info?.resourceTypes.length ?? 1) > 0;
    for (const r of u.resources) {
      // `*` for an action that takes a resource means "not identified": there is no ARN to check it on
      // (trim keeps the original resources for it).
      if (r.resource === '*' && takesResource) continue;
      const call = { action: info?.id ?? u.action, resource: r.resource };
      if (evaluate(original, call, { mode: 'must-allow' }) === 'allowed') certain.push(call);
      else if (evaluate(original, call, { mode: 'may-allow' }) === 'allowed') conditional.push(call);
      // else: the given policies do not allow it at all (reported by trim as `used-not-granted`).
    }
  }
  return { certain, conditional };
}

/**
 * Trim, then verify: never wider than the original and allows every observed successful call the original
 * allows. Throws {@link InternalError} ("this is a bug") when either proof fails.
 */
export function suggest(input: TrimInput): SuggestResult {
  const result = trimPolicy(input);
  const original = input.documents.filter((d) => d.kind !== 'boundary');
  const neverWider = verifyNeverWider(original, result.documents, input.catalog);
  const calls = observedCalls(input);
  const covers = verifyCovers(result.documents, calls.certain);
  const coversConditional = verifyCovers(result.documents, calls.conditional, { allowConditional: true });
  const failures = [neverWider, covers, coversConditional].flatMap((v) => v.counterexamples.map((c) => c.message));
  if (!neverWider.ok || !covers.ok || !coversConditional.ok) {
    throw new InternalError(
      `the suggestion failed its own safety check (${failures[0] ?? 'see violations'})`,
      {
        documents: input.documents,
        usage: input.usage,
        recording: { origin: input.recording.origin, source: input.recording.source, notes: input.recording.notes },
        options: input.options ?? {},
        catalog: input.catalog.info(),
        suggestion: result.documents,
      },
      failures,
    );
  }
  return { ...result, verification: { neverWider, covers, coversConditional } };
}
