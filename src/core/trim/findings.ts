/**
 * Trim's findings about actions: removed (with what the removal rests on), narrowed, kept because used or
 * unobservable, denied attempts, use the given policies do not explain, and grants the boundary blocks.
 */
import type { AccessLevel, Catalog } from '../catalog/types.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import type { PrincipalUsage } from '../usage/types.js';
import { RESOURCE_PATTERN, hasWildcard, patternCovers } from '../wildcard.js';
import { compareActionStrings, sortActionStrings } from './actions.js';
import { groupByAction } from './by-action.js';
import type { DecisionContext } from './context.js';
import type { Decisions } from './decide.js';
import { mayAllow, statementMatchesAction, statementMayIntersectResource } from './match.js';
import { ACCESS_LEVEL_ORDER, sortRefs, USED_BASES, type Analyzed, type Entry, type Unobs } from './model.js';
import type { Draft } from './synthesize.js';
import type { Finding, KeepBasis, KeptLastAccessedFinding, KeptUnobservableFinding, LastAccess, StatementRef } from './types.js';

/** `removed-action` findings, the most dangerous access level first; returns them and the removed ids. */
export function removedFindings(d: Decisions, keptActions: Set<string>, verbatimGrants: Set<string>, catalog: Catalog): { findings: Finding[]; removed: string[] } {
  const { grantedFrom, removedUnobs, removedEvidence } = d;
  const findings: Finding[] = [];
  const removed = [...grantedFrom.keys()].filter((a) => !keptActions.has(a) && !verbatimGrants.has(a));
  // The catalog caches its infos by id: one map lookup, no memo of our own (~11,000 more entries to build).
  const levelOf = (a: string): AccessLevel => catalog.action(a)?.accessLevel ?? 'Write';
  // By access level, then by name: bucketed, so ~11,000 removed actions need no comparator over the catalog.
  const byLevel = new Map<number, string[]>();
  for (let i = 0; i < removed.length; i++) {
    const a = removed[i]!;
    const rank = ACCESS_LEVEL_ORDER.indexOf(levelOf(a));
    const bucket = byLevel.get(rank);
    if (bucket) bucket.push(a);
    else byLevel.set(rank, [a]);
  }
  removed.length = 0;
  for (const rank of [...byLevel.keys()].sort((x, y) => x - y)) for (const a of sortActionStrings(byLevel.get(rank)!)) removed.push(a);
  for (let i = 0; i < removed.length; i++) {
    const a = removed[i]!;
    const un = removedUnobs.get(a);
    const ev = removedEvidence.get(a);
    const accessLevel = levelOf(a);
    const id = `removed/${a}`;
    const from = sortRefs(grantedFrom.get(a)!);
    // Whole literals per shape, not `...(x ? {…} : {})` (a slow object spread, ~11,000 times): same keys, same order.
    const never = d.removedNeverAccessed.get(a);
    if (un && never) {
      const message = `${a} (${accessLevel}) removed although CloudTrail could not show it (${un.code}): ${never} (--trust-access-advisor).`;
      findings.push({ id, kind: 'removed-action', action: a, accessLevel, from, unobservable: un, neverAccessed: never, message });
    } else if (un) {
      const message = `${a} (${accessLevel}) removed although CloudTrail could not show it (${un.code}), as asked with --drop-unobservable.`;
      findings.push({ id, kind: 'removed-action', action: a, accessLevel, from, unobservable: un, message });
    } else {
      const message = `${a} (${accessLevel}) removed: granted, never used successfully in the observed window; CloudTrail would have shown a call (${ev?.tier ?? 'assumed'}: ${ev?.source ?? 'no evidence recorded'}).`;
      findings.push(ev ? { id, kind: 'removed-action', action: a, accessLevel, from, evidence: ev, message } : { id, kind: 'removed-action', action: a, accessLevel, from, message });
    }
  }
  return { findings, removed };
}

/**
 * `narrowed-resource`, `kept-used` and `kept-unobservable` findings of the kept actions; narrowed ids are added
 * to the drafts' evidence. Indexed by action once (by-action.ts): a `*` grant keeps ~11,000 actions.
 */
export function keptFindings(analyzed: Analyzed[], finalEntries: Entry[], drafts: Draft[], d: Decisions, ctx: DecisionContext): Finding[] {
  const findings: Finding[] = [];
  const { unobsOf } = d;
  const usedOf = (a: string) => ctx.usedOf(a);
  const kept = new Set(finalEntries.map((e) => e.action));
  const sortedKept = sortActionStrings([...kept]);
  // Indexed for the kept actions only (a `*` grant removes half of its ~22,000); the drafts' index only when
  // an action turns out narrowed (rare: most keep their statement's resources).
  const sourcesOf = groupByAction(analyzed, (s) => keptOf(s.actions, kept));
  const entriesOf = byOwnAction(finalEntries);
  let draftsIndex: Map<string, Draft[]> | undefined;
  const draftsOf = () => (draftsIndex ??= groupByAction(drafts, (dr) => dr.evidence.actions.map((x) => x.action)));
  for (let i = 0; i < sortedKept.length; i++) {
    const a = sortedKept[i]!;
    const src = sourcesOf.get(a) ?? [];
    const mine = entriesOf.get(a) ?? [];
    // Most kept actions keep exactly their one source statement's resources (~11,000 for a `*` grant).
    if (keepsSourceResources(src, mine)) continue;
    const fromRes = sortedUnique(src.flatMap((s) => s.patterns));
    const fromNot = src.some((s) => s.kind === 'notResource');
    const toRes = sortedUnique(mine.flatMap((e) => e.resources));
    const toNot = mine.some((e) => e.kind === 'notResource');
    if (sameList(fromRes, toRes) && fromNot === toNot) continue;
    // The kept patterns still cover every granted one (e.g. several statements merged onto `*`): the action
    // was not narrowed.
    if (!fromNot && !toNot && fromRes.every((f) => toRes.some((t) => patternCovers(t, f, RESOURCE_PATTERN)))) continue;
    findings.push({
      id: `narrowed/${a}`,
      kind: 'narrowed-resource',
      action: a,
      fromResources: fromRes,
      toResources: toRes,
      ...(fromNot ? { fromNotResource: true } : {}),
      message: `${a}: resources narrowed from ${fromNot ? 'everything except ' : ''}${fromRes.join(', ')} to ${toRes.join(', ')}.`,
    });
    for (const dr of draftsOf().get(a) ?? []) dr.evidence.findingIds.push(`narrowed/${a}`);
  }
  for (let i = 0; i < sortedKept.length; i++) {
    const a = sortedKept[i]!;
    const mine = entriesOf.get(a) ?? [];
    const u = usedOf(a);
    if (u && hasBasis(mine, USED_BASES)) {
      const sessions = u.sessions.length > 0 ? `; by ${u.sessions.join(', ')}` : '';
      const asGranted = mine.some((e) => e.bases.has('used-unmatched'))
        ? ('no-statement-matched' as const)
        : mine.some((e) => e.bases.has('used-resource-unknown'))
          ? ('resource-unknown' as const)
          : undefined;
      const why =
        asGranted === 'no-statement-matched'
          ? '; kept as granted: the call succeeded, but no statement matched it in our evaluation'
          : asGranted === 'resource-unknown'
            ? '; kept as granted: the records do not show the resource it was authorized on'
            : '';
      findings.push({
        id: `used/${a}`,
        kind: 'kept-used',
        action: a,
        role: u.role,
        count: u.count,
        firstSeen: u.firstSeen,
        lastSeen: u.lastSeen,
        sessions: u.sessions,
        eventNames: u.eventNames,
        resources: u.resources.map((r) => r.resource),
        ...(asGranted ? { keptAsGranted: asGranted } : {}),
        message: `${a} kept: ${u.role === 'secondary' ? 'needed by other calls' : 'used'} ${u.count} time(s), last ${u.lastSeen}${sessions}${why}.`,
      });
    }
    const un = unobsOf.get(a);
    if (un && hasBasis(mine, UNOBSERVABLE_BASES)) findings.push(keptUnobservable(a, un, mine, ctx.serviceUseOf(a)));
    const seen = d.lastAccessedKept.get(a);
    if (seen && hasBasis(mine, LAST_ACCESSED_BASES)) findings.push(keptLastAccessed(a, seen, mine));
  }
  return findings;
}

/** The actions of `actions` that are kept, in order (a loop, not a `filter` callback per action). */
function keptOf(actions: readonly string[], kept: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < actions.length; i++) if (kept.has(actions[i]!)) out.push(actions[i]!);
  return out;
}

/** The entries by their action, in order: `groupByAction(entries, (e) => [e.action])` without a list per entry. */
function byOwnAction(entries: readonly Entry[]): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const list = index.get(e.action);
    if (list === undefined) index.set(e.action, [e]);
    else if (list[list.length - 1] !== e) list.push(e);
  }
  return index;
}

/** Bases that give a kept action its `unobservable/` finding. */
const UNOBSERVABLE_BASES: readonly KeepBasis[] = ['unobservable', 'baseline'];
/** The basis that gives a kept action its `last-accessed/` finding. */
const LAST_ACCESSED_BASES: readonly KeepBasis[] = ['last-accessed'];

/**
 * Whether some entry has one of the bases. Plain loops, not nested `some` callbacks: asked three times for
 * each of a `*` grant's ~11,000 kept actions, mostly before the optimizing compiler has caught up.
 */
function hasBasis(entries: readonly Entry[], bases: readonly KeepBasis[]): boolean {
  for (let i = 0; i < entries.length; i++) {
    const own = entries[i]!.bases;
    for (let k = 0; k < bases.length; k++) if (own.has(bases[k]!)) return true;
  }
  return false;
}

/** The `kept-last-accessed` finding of an action kept on IAM's action-level evidence. */
function keptLastAccessed(a: string, seen: LastAccess, mine: readonly Entry[]): KeptLastAccessedFinding {
  const resources = sortedUnique(mine.flatMap((e) => (e.bases.has('last-accessed') ? e.resources : [])));
  const where = seen.region ? ` in ${seen.region}` : '';
  const message = `${a} kept as granted: the trail has no record of it, but IAM's last-accessed information shows an attempt to use it on ${seen.at.slice(0, 10)}${where} (IAM counts refused attempts too).`;
  const f: KeptLastAccessedFinding = { id: `last-accessed/${a}`, kind: 'kept-last-accessed', action: a, lastAccess: seen, resources, message };
  if (mine.some((e) => e.kind === 'notResource' && e.bases.has('last-accessed'))) f.notResource = true;
  return f;
}

/** The `kept-unobservable` finding of a kept action and its entries (with IAM's confirmation that its service was used). */
function keptUnobservable(a: string, un: Unobs, mine: readonly Entry[], serviceUsed?: LastAccess): KeptUnobservableFinding {
  const id = `unobservable/${a}`;
  const resources = sortedUnique(mine.length === 1 ? mine[0]!.resources.slice() : mine.flatMap((e) => e.resources));
  if (serviceUsed) {
    const message = `${a} kept although unused: ${un.reason}; IAM's last-accessed information shows its service used on ${serviceUsed.at.slice(0, 10)}.`;
    const f: KeptUnobservableFinding = { id, kind: 'kept-unobservable', action: a, code: un.code, reason: un.reason, resources, serviceUsed, message };
    if (mine.some((e) => e.kind === 'notResource')) f.notResource = true;
    return f;
  }
  const message = `${a} kept although unused: ${un.reason}.`;
  // Whole literals, not a conditional spread (~11,000 times for a `*` grant): same keys, same order.
  return mine.some((e) => e.kind === 'notResource')
    ? { id, kind: 'kept-unobservable', action: a, code: un.code, reason: un.reason, resources, notResource: true, message }
    : { id, kind: 'kept-unobservable', action: a, code: un.code, reason: un.reason, resources, message };
}

/** Sorted (code units) and without duplicates. */
function sortedUnique(values: string[]): string[] {
  return values.length <= 1 ? values : [...new Set(values)].sort();
}

/** Whether two lists hold the same strings in the same order. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One source statement and one kept entry of the same kind, on exactly the statement's patterns. */
function keepsSourceResources(src: readonly Analyzed[], mine: readonly Entry[]): boolean {
  return src.length === 1 && mine.length === 1 && src[0]!.kind === mine[0]!.kind && sameList(src[0]!.patterns, mine[0]!.resources) && isSortedUnique(mine[0]!.resources);
}

/** Whether a list is strictly increasing (so sortedUnique would return it unchanged). */
function isSortedUnique(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1]! < values[i]!)) return false;
  return true;
}

/** `denied-attempt` findings, and `used-not-granted` for use the given policies do not explain. */
export function attemptFindings(usage: PrincipalUsage, grantDocs: PolicyDocument[], ctx: DecisionContext, catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  const canon = (a: string) => ctx.canon(a);
  const originalStatements: Statement[] = grantDocs.flatMap((doc) => doc.statements);
  for (const d of usage.denied) {
    const a = canon(d.action);
    const granted =
      d.resources.length === 0
        ? originalStatements.some((s) => s.effect === 'Allow' && statementMatchesAction(s, a))
        : d.resources.some((r) => mayAllow(originalStatements, a, r));
    findings.push({
      id: `denied/${a}`,
      kind: 'denied-attempt',
      action: a,
      count: d.count,
      firstSeen: d.firstSeen,
      lastSeen: d.lastSeen,
      errorCodes: d.errorCodes,
      resources: d.resources,
      sessions: d.sessions,
      grantedByOriginal: granted,
      message:
        `${a}: the role tried ${d.count} time(s) and was refused (${d.errorCodes.join(', ') || 'denied'}), last ${d.lastSeen}; ` +
        (granted
          ? 'the policies allow it, so something else denied it (a Deny with a condition, the boundary, an SCP or a resource policy).'
          : 'not granted by the suggestion either: add it deliberately if the function needs it.'),
    });
  }
  for (const u of usage.used) {
    const a = canon(u.action);
    const info = catalog.action(a);
    const takesResource = (info?.resourceTypes.length ?? 1) > 0;
    const missing = u.resources
      .map((r) => r.resource)
      .filter((r) =>
        r === '*' && takesResource
          ? !originalStatements.some((s) => s.effect === 'Allow' && statementMatchesAction(s, a))
          : hasWildcard(r)
            ? // A pattern (a name-only secret's `-??????`, a generalized ledger entry) stands for ARNs some of
              // which the original may grant: only report it when no Allow overlaps it at all.
              !originalStatements.some((s) => s.effect === 'Allow' && statementMatchesAction(s, a) && statementMayIntersectResource(s, r))
            : !mayAllow(originalStatements, a, r),
      );
    if (missing.length > 0) {
      findings.push({
        id: `not-granted/${a}`,
        kind: 'used-not-granted',
        action: a,
        resources: missing,
        message: `${a} succeeded on ${missing.join(', ')} but the given policies do not allow it: another policy or a resource policy did. Nothing is added for it.`,
      });
    }
  }
  return findings;
}

/** A `boundary` finding naming the kept actions the permissions boundary never allows, if any. */
export function boundaryFindings(boundaryDocs: PolicyDocument[], keptActions: Set<string>): Finding[] {
  const findings: Finding[] = [];
  if (boundaryDocs.length > 0) {
    const bStatements = boundaryDocs.flatMap((d) => d.statements);
    const blocked = [...keptActions]
      .filter((a) => !bStatements.some((s) => s.effect === 'Allow' && statementMatchesAction(s, a)))
      .sort(compareActionStrings);
    if (blocked.length > 0) {
      findings.push({
        id: 'boundary/blocked',
        kind: 'boundary',
        actions: blocked,
        message: `The permissions boundary never allows ${blocked.join(', ')}: these grants have no effect.`,
      });
    }
  }
  return findings;
}

/**
 * Whether the statement `ref` points at grants on `Resource: "*"`: an unused action it grants is then unused on
 * every resource (`suggest --fail-on unused-on-star`, drift's UNUSED_ON_STAR findings).
 */
export function grantedOnStar(ref: StatementRef, documents: readonly PolicyDocument[]): boolean {
  return documents.find((d) => d.name === ref.document)?.statements[ref.index]?.resource?.includes('*') ?? false;
}
