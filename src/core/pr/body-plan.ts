/**
 * The body describes what the edit does, not what the whole-grant suggestion would do. The two differ where a
 * reference is not resolved: the planner keeps the actions a statement on such a reference may have been used
 * through (trimmed at action level only), while the suggestion, which reads the reference as an opaque name that
 * matches nothing, counts those actions as removed and their calls as "used but not granted". Here an action the
 * plan keeps is never listed as removed, and a call the granted policy may allow through an unresolved reference
 * is not listed as "not granted": the body says how many there are instead.
 */
import type { Finding, UsedNotGrantedFinding } from '../trim/types.js';
import type { SuggestResult } from '../trim/suggest.js';
import { compilePattern, RESOURCE_PATTERN } from '../wildcard.js';
import type { PolicyDocument } from '../policy/types.js';
import { hasOpaqueSymbol, symbolsAsWildcards } from '../iac/plan-resolve.js';

/** What the edit does, as the body needs to know it (see {@link planView}). */
export interface PlanFacts {
  /** Whether the edited files still grant the action anywhere. */
  keeps(action: string): boolean;
  /** Whether the granted policy may allow the call through a reference that is not resolved. */
  mayAllow(action: string, resource: string): boolean;
}

/** The suggestion as the edit carries it out, and the used calls an unresolved reference may allow. */
export interface PlanView {
  result: SuggestResult;
  /** `used-not-granted` calls the granted policy may allow through an unresolved reference. */
  throughUnresolved: UsedNotGrantedFinding[];
}

/** See the module comment; the stats follow the findings (an action the plan keeps counts as kept). */
export function planView(result: SuggestResult, facts: PlanFacts): PlanView {
  const throughUnresolved: UsedNotGrantedFinding[] = [];
  let kept = 0;
  const findings: Finding[] = [];
  for (const f of result.findings) {
    if (f.kind === 'removed-action' && facts.keeps(f.action)) {
      kept++;
      continue;
    }
    if (f.kind === 'used-not-granted') {
      const maybe = f.resources.filter((r) => facts.mayAllow(f.action, r));
      if (maybe.length > 0) throughUnresolved.push({ ...f, resources: maybe });
      const rest = f.resources.filter((r) => !maybe.includes(r));
      if (rest.length > 0) findings.push(rest.length === f.resources.length ? f : { ...f, resources: rest });
      continue;
    }
    findings.push(f);
  }
  if (kept === 0 && throughUnresolved.length === 0) return { result, throughUnresolved };
  const stats = { ...result.stats, removedActions: result.stats.removedActions - kept, keptActions: result.stats.keptActions + kept };
  return { result: { ...result, findings, stats }, throughUnresolved };
}

/**
 * {@link PlanFacts} from the planner's documents: `trimmed` (after the edit) for what is kept, `granted` (before)
 * for what an unresolved reference may allow, the reference read as `*` (it may stand for anything).
 * `expand` is the catalog's reading of an action pattern.
 */
export function planFacts(granted: readonly PolicyDocument[], trimmed: readonly PolicyDocument[], expand: (pattern: string) => readonly string[]): PlanFacts {
  const actionsOf = (patterns: readonly string[]) => new Set(patterns.flatMap((p) => expand(p)).map((a) => a.toLowerCase()));
  const allows = (docs: readonly PolicyDocument[]) => docs.flatMap((d) => d.statements).filter((s) => s.effect === 'Allow' && s.action !== undefined);
  const keptActions = actionsOf(allows(trimmed).flatMap((s) => s.action!));
  const viaSymbol = allows(granted).flatMap((s) => {
    const patterns = (s.resource ?? []).filter(hasOpaqueSymbol);
    if (patterns.length === 0) return [];
    return [{ actions: actionsOf(s.action!), resources: patterns.map((p) => compilePattern(symbolsAsWildcards(p), RESOURCE_PATTERN)) }];
  });
  return {
    keeps: (action) => keptActions.has(action.toLowerCase()),
    mayAllow: (action, resource) => viaSymbol.some((s) => s.actions.has(action.toLowerCase()) && s.resources.some((p) => p.test(resource))),
  };
}
