/**
 * Trim's first phase: sort the role's statements into Denies (kept as written), Allows trim can reason about
 * (expanded against the catalog), and Allows kept as written with the reason.
 */
import type { Catalog } from '../catalog/types.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import type { ActionUsage, UnmappedUsage } from '../usage/types.js';
import { RESOURCE_PATTERN, patternCovers } from '../wildcard.js';
import { unmappedKeep } from './unmapped-grants.js';
import { sortActionStrings } from './actions.js';
import { conditionKey } from './match.js';
import { refKey, type Analyzed, type VerbatimStatement } from './model.js';
import type { Finding, StatementRef } from './types.js';

/** Decide whether trim can reason about an Allow statement; the reason when it cannot. */
export function analyze(
  st: Statement,
  ref: StatementRef,
  catalog: Catalog,
): { ok: Analyzed } | { verbatim: { code: string; reason: string } } {
  if (st.principal !== undefined || st.notPrincipal !== undefined) {
    return { verbatim: { code: 'principal', reason: 'it names a Principal, which an identity policy does not use' } };
  }
  const patterns = st.resource ?? st.notResource;
  if (!patterns || patterns.length === 0) {
    return { verbatim: { code: 'not-provable', reason: 'it has neither Resource nor NotResource' } };
  }
  if (patterns.some((p) => p.includes('${'))) {
    return {
      verbatim: {
        code: 'policy-variable',
        reason: 'its resources use policy variables (${…}), whose values depend on the request',
      },
    };
  }
  let actions: string[];
  if (st.action && st.action.length > 0) {
    const set = new Set<string>();
    let only: string[] = [];
    for (const p of st.action) {
      const ex = catalog.expandActionPattern(p);
      if (ex.length === 0) {
        return {
          verbatim: {
            code: 'unknown-action',
            reason: `${p} matches no action in the bundled catalog (a newer or misspelled action)`,
          },
        };
      }
      if (st.action.length > 1) ex.forEach((a) => set.add(a));
      else only = ex;
    }
    // One pattern's expansion has no duplicates (`*` alone: ~22,000 ids, no set needed); copied, as the
    // catalog's answer is not ours to sort.
    actions = sortActionStrings(st.action.length === 1 ? only.slice() : [...set]);
  } else if (st.notAction && st.notAction.length > 0) {
    actions = catalog.expandNotAction(st.notAction);
  } else {
    return { verbatim: { code: 'not-provable', reason: 'it has neither Action nor NotAction' } };
  }
  return {
    ok: {
      ref,
      st,
      condKey: conditionKey(st.condition),
      kind: st.resource ? 'resource' : 'notResource',
      patterns: [...patterns],
      actions,
    },
  };
}

/** The statements of the granting documents, sorted into Denies, analyzable Allows and verbatim Allows. */
export interface ClassifiedStatements {
  denies: { st: Statement; ref: StatementRef }[];
  verbatimAllows: VerbatimStatement[];
  analyzed: Analyzed[];
}

/**
 * Sorts every statement of `grantDocs` (boundaries are not grants). `unmapped`: successful calls the catalog
 * cannot map that ran; what of a statement may grant what they needed stays as written (`unmapped-grants.ts`).
 */
export function classifyStatements(grantDocs: PolicyDocument[], catalog: Catalog, unmapped: readonly UnmappedUsage[] = []): ClassifiedStatements {
  const out: ClassifiedStatements = { denies: [], verbatimAllows: [], analyzed: [] };
  for (const d of grantDocs) {
    d.statements.forEach((st, index) => {
      const ref: StatementRef = { document: d.name, index, ...(st.sid !== undefined ? { sid: st.sid } : {}) };
      if (st.effect === 'Deny') {
        out.denies.push({ st, ref });
        return;
      }
      const keep = unmappedKeep(st, unmapped);
      if (keep && 'whole' in keep) {
        out.verbatimAllows.push({ st, ref, code: 'unmapped-call', reason: keep.whole });
        return;
      }
      const a = analyze(st, ref, catalog);
      if ('ok' in a) out.analyzed.push(a.ok);
      else out.verbatimAllows.push({ st, ref, ...a.verbatim });
      if (keep && 'ok' in a) {
        a.ok.keptApart = keep.part.action;
        out.verbatimAllows.push({ st: keep.part, ref, code: 'unmapped-call', reason: keep.reason });
      }
    });
  }
  return out;
}

/** A `kept-verbatim` finding for each Deny and each Allow trim could not reason about. */
export function verbatimFindings(c: ClassifiedStatements): Finding[] {
  const findings: Finding[] = [];
  for (const v of c.denies) {
    findings.push({
      id: `verbatim/${refKey(v.ref)}`,
      kind: 'kept-verbatim',
      statement: v.ref,
      code: 'deny',
      reason: 'Deny statements are always kept as written',
      message: `${refKey(v.ref)}${v.ref.sid ? ` (${v.ref.sid})` : ''}: kept as written (a Deny is never loosened).`,
    });
  }
  for (const v of c.verbatimAllows) {
    findings.push({
      id: `verbatim/${refKey(v.ref)}`,
      kind: 'kept-verbatim',
      statement: v.ref,
      code: v.code,
      reason: v.reason,
      message: `${refKey(v.ref)}${v.ref.sid ? ` (${v.ref.sid})` : ''}: kept as written because ${v.reason}.`,
    });
  }
  return findings;
}

/**
 * Actions used successfully on `*` although they take no resource type, where no analyzed statement granting
 * them matches the request resource `*` in our evaluation (they grant only ARN patterns such as
 * `arn:aws:s3:::*`). AWS allowed the call, so some grant matched: our model is what is wrong, and trim keeps
 * the granted statements for them unchanged.
 */
export function unmatchedUses(analyzed: Analyzed[], used: ActionUsage[], canon: (a: string) => string, catalog: Catalog): Set<string> {
  const candidates = new Set<string>();
  for (const u of used) {
    const a = canon(u.action);
    if ((catalog.action(a)?.resourceTypes.length ?? 1) === 0 && u.resources.some((r) => r.resource === '*')) candidates.add(a);
  }
  if (candidates.size === 0) return candidates;
  for (const s of analyzed) {
    const matchesStar = s.kind === 'resource' ? s.patterns.some((p) => patternCovers(p, '*', RESOURCE_PATTERN)) : !s.patterns.some((p) => patternCovers(p, '*', RESOURCE_PATTERN));
    if (!matchesStar) continue;
    for (const a of s.actions) candidates.delete(a);
  }
  return candidates;
}
