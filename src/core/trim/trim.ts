/**
 * Trim: diff what a role's policies grant against what CloudTrail shows it used, and synthesize the narrowed
 * policy, with a finding (and evidence) for every change. Pure: everything arrives already read.
 *
 * Safety choices (README, "The safety contract"), each erring towards keeping:
 * - Deny statements are copied verbatim; so is any Allow statement trim cannot reason about (policy variables
 *   in Resource/NotResource, actions unknown to the catalog, Principal in an identity policy, no Action).
 * - An Allow statement with a Condition is narrowed, and every statement derived from it carries the identical
 *   condition block; statements with different conditions are never merged.
 * - NotAction Allow statements become the explicit used/unobservable subset of their complement; NotResource
 *   Allow statements become explicit used ARNs (or patterns provably disjoint from every NotResource entry).
 * - An action CloudTrail could not have shown (data event not selected, never logged, secondary-only, management
 *   events excluded, baseline) keeps the original statement's resources: there is no evidence to narrow by.
 * - A used call whose resource the ledger could not determine keeps the original resources.
 * - Wildcards appear only when exact against the catalog AND covered by the original statement's own pattern,
 *   so actions AWS adds later are granted by the suggestion only if the original granted them too.
 */
import type { AccessLevel, Catalog } from '../catalog/types.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import type { ActionUsage } from '../usage/types.js';
import type { ObservationEvidence } from '../trail/evidence.js';
import { compareActionStrings, compressActions } from './actions.js';
import { groupByAction, memoByAction } from './by-action.js';
import { evidenceFor } from './evidence-for.js';
import { actionPatternCovers, globCovers, globIntersects, globMatch } from './glob.js';
import { hasWildcard } from '../wildcard.js';
import { conditionKey, mayAllow, statementCoversResource, statementMatchesAction, statementMayIntersectResource } from './match.js';
import { proposeResourcePatterns } from './resources.js';
import { documentChars, packStatements, splitStatement } from './size.js';
import {
  FINDING_ORDER,
  MANAGED_POLICIES_PER_ROLE,
  MANAGED_POLICY_MAX_CHARS,
  ROLE_INLINE_TOTAL_MAX_CHARS,
  type Finding,
  type KeepBasis,
  type KeptUnobservableFinding,
  type StatementEvidence,
  type StatementRef,
  type TrimInput,
  type TrimResult,
} from './types.js';

/** Order in which removed actions are listed: the most dangerous grants first. */
const ACCESS_LEVEL_ORDER: AccessLevel[] = ['Permissions management', 'Write', 'Tagging', 'Read', 'List'];
/** Priority of unobservable reason codes when an action has several (the most specific first). */
const UNOBSERVABLE_ORDER = [
  'baseline',
  'never-logged',
  'secondary-only',
  'dependent-unknowable',
  'not-identifiable',
  'management-excluded',
  'data-event-not-selected',
  'region-not-covered',
];
/** Bases that mean "used": the action has a `used/` finding. */
const USED_BASES: KeepBasis[] = ['used', 'secondary', 'used-resource-unknown', 'used-unmatched'];
const BASIS_ORDER: KeepBasis[] = ['used', 'secondary', 'used-resource-unknown', 'used-unmatched', 'baseline', 'unobservable'];

/** An Allow statement trim can reason about. */
interface Analyzed {
  ref: StatementRef;
  st: Statement;
  condKey: string;
  kind: 'resource' | 'notResource';
  patterns: string[];
  /** Concrete canonical action ids it grants (against the catalog). */
  actions: string[];
}

/** One (action, resources) pair the suggestion keeps, from one source statement. */
interface Entry {
  action: string;
  condKey: string;
  condition?: Statement['condition'];
  kind: 'resource' | 'notResource';
  resources: string[];
  bases: Set<KeepBasis>;
  from: Analyzed[];
}

interface Unobs {
  code: string;
  reason: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function refKey(r: StatementRef): string {
  return `${r.document}#${r.index}`;
}

function sortRefs(refs: StatementRef[]): StatementRef[] {
  const seen = new Map<string, StatementRef>();
  for (const r of refs) seen.set(refKey(r), r);
  return [...seen.values()].sort((a, b) => cmp(a.document, b.document) || a.index - b.index);
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** Remove patterns covered by another pattern of the set; sorted, duplicates removed. */
function minimizePatterns(patterns: string[]): string[] {
  const uniq = [...new Set(patterns)].sort();
  if (uniq.includes('*')) return ['*'];
  return uniq.filter((p) => !uniq.some((q) => q !== p && globCovers(q, p)));
}

function isAwsManaged(doc: PolicyDocument): boolean {
  return doc.kind === 'aws-managed' || /^arn:aws[a-z-]*:iam::aws:policy\//.test(doc.name);
}

function mergeUsage(entries: ActionUsage[]): ActionUsage {
  if (entries.length === 1) return entries[0];
  const res = new Map<string, ActionUsage['resources'][number]>();
  for (const e of entries)
    for (const r of e.resources) {
      const prev = res.get(r.resource);
      res.set(
        r.resource,
        prev
          ? {
              resource: r.resource,
              count: prev.count + r.count,
              firstSeen: prev.firstSeen < r.firstSeen ? prev.firstSeen : r.firstSeen,
              lastSeen: prev.lastSeen > r.lastSeen ? prev.lastSeen : r.lastSeen,
            }
          : r,
      );
    }
  return {
    action: entries[0].action,
    role: entries.some((e) => e.role === 'primary') ? 'primary' : 'secondary',
    count: entries.reduce((n, e) => n + e.count, 0),
    firstSeen: entries.map((e) => e.firstSeen).sort()[0],
    lastSeen: entries.map((e) => e.lastSeen).sort().reverse()[0],
    resources: [...res.values()].sort((a, b) => cmp(a.resource, b.resource)),
    sessions: [...new Set(entries.flatMap((e) => e.sessions))].sort(),
    eventNames: [...new Set(entries.flatMap((e) => e.eventNames))].sort(),
  };
}

/** Decide whether trim can reason about an Allow statement; the reason when it cannot. */
function analyze(
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
      ex.forEach((a) => set.add(a));
    }
    actions = [...set].sort(compareActionStrings);
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

/**
 * Actions used successfully on `*` although they take no resource type, where no analyzed statement granting
 * them matches the request resource `*` in our evaluation (they grant only ARN patterns such as
 * `arn:aws:s3:::*`). AWS allowed the call, so some grant matched: our model is what is wrong, and trim keeps
 * the granted statements for them unchanged.
 */
function unmatchedUses(analyzed: Analyzed[], used: ActionUsage[], canon: (a: string) => string, catalog: Catalog): Set<string> {
  const candidates = new Set<string>();
  for (const u of used) {
    const a = canon(u.action);
    if ((catalog.action(a)?.resourceTypes.length ?? 1) === 0 && u.resources.some((r) => r.resource === '*')) candidates.add(a);
  }
  if (candidates.size === 0) return candidates;
  for (const s of analyzed) {
    const matchesStar = s.kind === 'resource' ? s.patterns.some((p) => globMatch(p, '*')) : !s.patterns.some((p) => globMatch(p, '*'));
    if (!matchesStar) continue;
    for (const a of s.actions) candidates.delete(a);
  }
  return candidates;
}

/**
 * Diff granted against used and synthesize the narrowed policy. See the module comment for the safety choices.
 * The result is not yet verified: call {@link suggest} (suggest.ts) for the checked version.
 */
export function trimPolicy(input: TrimInput): TrimResult {
  const { catalog, knowledge, recording, usage } = input;
  const opts = input.options ?? {};
  const dropServices = opts.dropUnobservableServices ? new Set(opts.dropUnobservableServices.map((x) => x.toLowerCase())) : undefined;
  /** Whether an unobservable action is kept: always, unless the user asked to drop them (for its service). */
  const keepsUnobservable = (action: string) =>
    (opts.keepUnobservable ?? true) || (dropServices !== undefined && !dropServices.has(action.slice(0, action.indexOf(':')).toLowerCase()));
  const target = opts.target ?? 'managed';
  const baselineNames = opts.baselines ?? ['lambda-basic'];
  const docName = opts.documentName ?? 'policy-trim';

  const findings: Finding[] = [];
  const grantDocs = input.documents.filter((d) => d.kind !== 'boundary');
  const boundaryDocs = input.documents.filter((d) => d.kind === 'boundary');

  findings.push({
    id: `recording/${recording.origin}`,
    kind: 'recording',
    origin: recording.origin,
    message:
      recording.notes.length > 0
        ? recording.notes.join(' ')
        : `Trail recording configuration from ${recording.source}.`,
  });
  for (const d of grantDocs) {
    if (isAwsManaged(d)) {
      findings.push({
        id: `aws-managed/${d.name}`,
        kind: 'aws-managed',
        document: d.name,
        message: `${d.name} is AWS-managed and cannot be edited: detach it and attach the suggested policy instead.`,
      });
    }
  }

  // --- usage index -----------------------------------------------------------------------------------------
  const canon = (a: string) => catalog.action(a)?.id ?? a;
  const usedBy = new Map<string, ActionUsage[]>();
  for (const u of usage.used) {
    const k = canon(u.action).toLowerCase();
    usedBy.set(k, [...(usedBy.get(k) ?? []), u]);
  }
  const usedOf = (a: string) => {
    const list = usedBy.get(a.toLowerCase());
    return list ? mergeUsage(list) : undefined;
  };

  // --- baselines and static unobservability --------------------------------------------------------------------
  const baseline = new Map<string, Unobs>();
  for (const name of [...baselineNames].sort()) {
    for (const r of knowledge.baseline(name)) {
      const k = canon(r.action).toLowerCase();
      if (!baseline.has(k)) baseline.set(k, { code: 'baseline', reason: `${r.reason} (baseline ${name})` });
    }
  }
  // Actions an operation that ran may also have needed, which its record cannot show (a KMS key, a replica):
  // kept as granted whenever that operation ran.
  const possiblyNeeded = new Map<string, Unobs>();
  for (const u of usage.used) {
    for (const name of u.eventNames) {
      for (const d of knowledge.possiblyNeededBy(canon(u.action), name)) {
        const k = canon(d.action).toLowerCase();
        if (!possiblyNeeded.has(k)) possiblyNeeded.set(k, { code: 'dependent-unknowable', reason: `${name} ran; ${d.reason}` });
      }
    }
  }
  const staticReason = (a: string): Unobs | undefined => {
    const b = baseline.get(a.toLowerCase());
    if (b) return b;
    const nl = knowledge.neverLoggedReason(a);
    if (nl) return { code: 'never-logged', reason: nl };
    const so = knowledge.secondaryOnlyReason(a);
    if (so) return { code: 'secondary-only', reason: so };
    const dep = possiblyNeeded.get(a.toLowerCase());
    if (dep) return dep;
    const ni = knowledge.unidentifiableReason(a);
    if (ni) return { code: 'not-identifiable', reason: ni };
    return undefined;
  };

  // --- classify statements -------------------------------------------------------------------------------
  const denies: { st: Statement; ref: StatementRef }[] = [];
  const verbatimAllows: { st: Statement; ref: StatementRef; code: string; reason: string }[] = [];
  const analyzed: Analyzed[] = [];
  for (const d of grantDocs) {
    d.statements.forEach((st, index) => {
      const ref: StatementRef = { document: d.name, index, ...(st.sid !== undefined ? { sid: st.sid } : {}) };
      if (st.effect === 'Deny') {
        denies.push({ st, ref });
        return;
      }
      const a = analyze(st, ref, catalog);
      if ('ok' in a) analyzed.push(a.ok);
      else verbatimAllows.push({ st, ref, ...a.verbatim });
    });
  }
  for (const v of denies) {
    findings.push({
      id: `verbatim/${refKey(v.ref)}`,
      kind: 'kept-verbatim',
      statement: v.ref,
      code: 'deny',
      reason: 'Deny statements are always kept as written',
      message: `${refKey(v.ref)}${v.ref.sid ? ` (${v.ref.sid})` : ''}: kept as written (a Deny is never loosened).`,
    });
  }
  for (const v of verbatimAllows) {
    findings.push({
      id: `verbatim/${refKey(v.ref)}`,
      kind: 'kept-verbatim',
      statement: v.ref,
      code: v.code,
      reason: v.reason,
      message: `${refKey(v.ref)}${v.ref.sid ? ` (${v.ref.sid})` : ''}: kept as written because ${v.reason}.`,
    });
  }

  // --- per statement, per action: keep or drop ------------------------------------------------------------
  const entries: Entry[] = [];
  const unobsOf = new Map<string, Unobs>();
  const grantedFrom = new Map<string, StatementRef[]>();
  const noteUnobs = (a: string, u: Unobs) => {
    const prev = unobsOf.get(a);
    if (!prev || UNOBSERVABLE_ORDER.indexOf(u.code) < UNOBSERVABLE_ORDER.indexOf(prev.code)) unobsOf.set(a, u);
  };
  const removedUnobs = new Map<string, Unobs>();
  const removedEvidence = new Map<string, ObservationEvidence>();
  const evidenceOfRemoval = (a: string): ObservationEvidence => {
    const dataType = knowledge.dataEventTypeOf(a);
    if (dataType) return { tier: 'selector', source: `${dataType} data events, which ${recording.source} records` };
    return knowledge.observationEvidence(a) ?? { tier: 'assumed', source: 'no evidence is recorded for it' };
  };
  const unmatched = unmatchedUses(analyzed, usage.used, canon, catalog);

  for (const s of analyzed) {
    for (const action of s.actions) {
      grantedFrom.set(action, [...(grantedFrom.get(action) ?? []), s.ref]);
      const info = catalog.action(action);
      const takesResource = (info?.resourceTypes.length ?? 1) > 0;
      const readOnly = info ? info.accessLevel === 'Read' || info.accessLevel === 'List' : false;
      const u = usedOf(action);
      const spec = { resource: s.kind === 'resource' ? s.patterns : undefined, notResource: s.kind === 'notResource' ? s.patterns : undefined };

      // Used resources that this statement could have authorized.
      let unknownResource = false;
      const usedHere: string[] = [];
      for (const r of u?.resources ?? []) {
        if (!takesResource && r.resource === '*') {
          // The request resource of an action without resource types is the literal `*`.
          const lit = s.kind === 'resource' ? s.patterns.some((p) => globMatch(p, '*')) : !s.patterns.some((p) => globMatch(p, '*'));
          if (lit) usedHere.push('*');
        } else if (r.resource === '*') unknownResource = true;
        else if (statementCoversResource(spec, r.resource)) usedHere.push(r.resource);
        // A pattern (a generalized ledger entry, or `bucket/*` from DeleteObjects) that only overlaps this
        // statement: some of those calls may have gone through it, but which ARNs is unknown — keep its
        // resources as granted rather than guess.
        else if (hasWildcard(r.resource) && statementMayIntersectResource(spec, r.resource)) unknownResource = true;
      }
      const usedBasis: KeepBasis = u?.role === 'secondary' ? 'secondary' : 'used';

      // Observability.
      const stat = staticReason(action);
      const queryPatterns = s.kind === 'resource' ? s.patterns : ['*'];
      const unrecorded: string[] = [];
      let recReason: Unobs | undefined;
      if (!stat) {
        for (const p of queryPatterns) {
          const ans = recording.wouldRecord({
            action,
            eventSource: knowledge.eventSourceOf(action),
            readOnly,
            dataEventType: knowledge.dataEventTypeOf(action),
            resourcePattern: p,
            scope: knowledge.scopeOf(action),
          });
          if (!ans.recorded) {
            unrecorded.push(p);
            recReason ??= { code: ans.code, reason: ans.reason };
          }
        }
      }
      const isBaseline = stat?.code === 'baseline';
      const keepUnobs = isBaseline || (keepsUnobservable(action) && (stat !== undefined || unrecorded.length > 0));
      const base = { action, condKey: s.condKey, condition: s.st.condition, from: [s] };
      const whole = () =>
        entries.push({ ...base, kind: s.kind, resources: [...s.patterns], bases: new Set<KeepBasis>() });

      // Used and successful, yet no statement matches it in our evaluation (an action without resource types
      // granted only on ARN patterns, e.g. s3:ListAllMyBuckets on arn:aws:s3:::*): some grant allowed it, so
      // our model is what is wrong. Keep every granting statement's resources for it.
      if (unmatched.has(action)) {
        whole();
        entries[entries.length - 1].bases.add('used-unmatched');
        continue;
      }

      if (keepUnobs && (stat || s.kind === 'notResource' || !takesResource)) {
        noteUnobs(action, stat ?? recReason!);
        whole();
        entries[entries.length - 1].bases.add(isBaseline ? 'baseline' : 'unobservable');
        if (usedHere.length > 0 || unknownResource) entries[entries.length - 1].bases.add(usedBasis);
        continue;
      }
      // A used call with no resource we could name, or an action without resource types granted through a
      // NotResource statement (its request resource is `*`): keep the statement's resources as written.
      if (unknownResource || (s.kind === 'notResource' && !takesResource && usedHere.includes('*'))) {
        whole();
        entries[entries.length - 1].bases.add(unknownResource ? 'used-resource-unknown' : usedBasis);
        continue;
      }
      const parts: string[] = [];
      const bases = new Set<KeepBasis>();
      if (keepUnobs && unrecorded.length > 0) {
        noteUnobs(action, recReason!);
        parts.push(...unrecorded);
        bases.add('unobservable');
      } else if (!keepUnobs && (stat || unrecorded.length > 0) && usedHere.length === 0) {
        removedUnobs.set(action, stat ?? recReason!);
      } else if (!stat && unrecorded.length === 0 && !removedEvidence.has(action)) {
        removedEvidence.set(action, evidenceOfRemoval(action));
      }
      const rest = usedHere.filter((r) => !parts.some((p) => globCovers(p, r)));
      if (rest.length > 0) {
        bases.add(usedBasis);
        if (rest.includes('*')) parts.push('*');
        const arns = rest.filter((r) => r !== '*');
        if (arns.length > 0) {
          for (const c of proposeResourcePatterns(arns)) {
            const inside =
              s.kind === 'resource'
                ? s.patterns.some((p) => globCovers(p, c.pattern))
                : !s.patterns.some((p) => globIntersects(p, c.pattern));
            if (inside) parts.push(c.pattern);
            else parts.push(...c.members);
          }
        }
      }
      if (parts.length === 0) continue;
      entries.push({ ...base, kind: 'resource', resources: parts, bases });
    }
  }

  // --- merge per (condition, kind, action); drop what an unconditional grant already allows -------------------
  const merged = new Map<string, Entry>();
  for (const e of entries) {
    const k = JSON.stringify([e.condKey, e.kind, e.action, e.kind === 'notResource' ? [...e.resources].sort() : []]);
    const prev = merged.get(k);
    if (!prev) merged.set(k, { ...e, resources: [...e.resources], bases: new Set(e.bases), from: [...e.from] });
    else {
      if (e.kind === 'resource') prev.resources.push(...e.resources);
      e.bases.forEach((b) => prev.bases.add(b));
      prev.from.push(...e.from);
    }
  }
  const mergedList = [...merged.values()];
  for (const e of mergedList) if (e.kind === 'resource') e.resources = minimizePatterns(e.resources);
  const uncondResource = new Map<string, string[]>();
  for (const e of mergedList) if (e.condKey === '' && e.kind === 'resource') uncondResource.set(e.action, e.resources);
  const finalEntries = mergedList.filter((e) => {
    if (e.condKey === '' || e.kind !== 'resource') return true;
    const un = uncondResource.get(e.action);
    if (!un) return true;
    e.resources = e.resources.filter((r) => !un.some((p) => globCovers(p, r)));
    return e.resources.length > 0;
  });

  // --- group actions sharing (condition, kind, resources) into statements -----------------------------------
  interface Group {
    condKey: string;
    condition?: Statement['condition'];
    kind: 'resource' | 'notResource';
    resources: string[];
    entries: Entry[];
  }
  const groups = new Map<string, Group>();
  for (const e of finalEntries) {
    const k = JSON.stringify([e.condKey, e.kind, e.resources]);
    const g = groups.get(k) ?? { condKey: e.condKey, condition: e.condition, kind: e.kind, resources: e.resources, entries: [] };
    g.entries.push(e);
    groups.set(k, g);
  }
  const drafts: { st: Statement; evidence: Omit<StatementEvidence, 'document' | 'sid'>; services: string[] }[] = [];
  for (const g of groups.values()) {
    const concrete = [...new Set(g.entries.map((e) => e.action))].sort(compareActionStrings);
    const sources = [...new Map(g.entries.flatMap((e) => e.from).map((s) => [refKey(s.ref), s])).values()];
    const allowedWildcard = (w: string) =>
      sources.some((src) => {
        if (src.condKey !== g.condKey) return false;
        const actOk = src.st.action
          ? src.st.action.some((p) => actionPatternCovers(p, w))
          : !(src.st.notAction ?? []).some((p) => globIntersects(p, w, true));
        if (!actOk) return false;
        if (g.kind === 'resource') return g.resources.every((r) => statementCoversResource(src.st, r));
        return src.kind === 'notResource' && JSON.stringify([...src.patterns].sort()) === JSON.stringify([...g.resources].sort());
      });
    const action = compressActions(concrete, catalog, allowedWildcard);
    const st: Statement = {
      effect: 'Allow',
      action,
      ...(g.kind === 'resource' ? { resource: g.resources } : { notResource: g.resources }),
      ...(g.condition && g.condKey !== '' ? { condition: structuredClone(g.condition) } : {}),
    };
    const byAction = new Map(g.entries.map((e) => [e.action, e]));
    drafts.push({
      st,
      services: [...new Set(concrete.map((a) => a.split(':')[0]))].sort(),
      evidence: {
        from: sortRefs(sources.map((s) => s.ref)),
        origin: 'derived',
        actions: concrete.map((a) => {
          const e = byAction.get(a)!;
          const basis = BASIS_ORDER.find((b) => e.bases.has(b)) ?? 'used';
          const ids: string[] = [];
          if (USED_BASES.some((b) => e.bases.has(b))) ids.push(`used/${a}`);
          if (e.bases.has('unobservable') || e.bases.has('baseline')) ids.push(`unobservable/${a}`);
          return { action: a, basis, findingIds: ids };
        }),
        findingIds: [],
      },
    });
  }
  drafts.sort(
    (a, b) =>
      cmp((a.st.action ?? [])[0]?.toLowerCase() ?? '', (b.st.action ?? [])[0]?.toLowerCase() ?? '') ||
      cmp(JSON.stringify(a.st.resource ?? a.st.notResource), JSON.stringify(b.st.resource ?? b.st.notResource)) ||
      cmp(JSON.stringify(a.st.condition ?? null), JSON.stringify(b.st.condition ?? null)) ||
      cmp(JSON.stringify(a.st.action), JSON.stringify(b.st.action)),
  );

  // --- findings about actions -------------------------------------------------------------------------------
  const keptActions = new Set(finalEntries.map((e) => e.action));
  const verbatimGrants = new Set<string>();
  for (const v of verbatimAllows) {
    for (const p of v.st.action ?? []) catalog.expandActionPattern(p).forEach((a) => verbatimGrants.add(a));
    if (v.st.notAction) catalog.expandNotAction(v.st.notAction).forEach((a) => verbatimGrants.add(a));
  }
  const removed = [...grantedFrom.keys()].filter((a) => !keptActions.has(a) && !verbatimGrants.has(a));
  const levelOf = memoByAction((a: string): AccessLevel => catalog.action(a)?.accessLevel ?? 'Write');
  removed.sort(
    (a, b) => ACCESS_LEVEL_ORDER.indexOf(levelOf(a)) - ACCESS_LEVEL_ORDER.indexOf(levelOf(b)) || compareActionStrings(a, b),
  );
  for (const a of removed) {
    const un = removedUnobs.get(a);
    const ev = removedEvidence.get(a);
    findings.push({
      id: `removed/${a}`,
      kind: 'removed-action',
      action: a,
      accessLevel: levelOf(a),
      from: sortRefs(grantedFrom.get(a)!),
      ...(un ? { unobservable: un } : {}),
      ...(ev && !un ? { evidence: ev } : {}),
      message: un
        ? `${a} (${levelOf(a)}) removed although CloudTrail could not show it (${un.code}), as asked with --drop-unobservable.`
        : `${a} (${levelOf(a)}) removed: granted, never used successfully in the observed window; CloudTrail would have shown a call (${ev?.tier ?? 'assumed'}: ${ev?.source ?? 'no evidence recorded'}).`,
    });
  }

  // Narrowed resources: per action, original resources (of the granting statements) vs the suggestion's.
  // Indexed once: scanning per kept action is O(kept × entries), seconds for a `*` grant (by-action.ts).
  const sourcesOf = groupByAction(analyzed, (s) => s.actions);
  const entriesOf = groupByAction(finalEntries, (e) => [e.action]);
  for (const a of [...keptActions].sort(compareActionStrings)) {
    const src = sourcesOf.get(a) ?? [];
    const fromRes = [...new Set(src.flatMap((s) => s.patterns))].sort();
    const fromNot = src.some((s) => s.kind === 'notResource');
    const mine = entriesOf.get(a) ?? [];
    const toRes = [...new Set(mine.flatMap((e) => e.resources))].sort();
    const toNot = mine.some((e) => e.kind === 'notResource');
    if (JSON.stringify(fromRes) === JSON.stringify(toRes) && fromNot === toNot) continue;
    // The kept patterns still cover every granted one (e.g. several statements merged onto `*`): the action
    // was not narrowed.
    if (!fromNot && !toNot && fromRes.every((f) => toRes.some((t) => globCovers(t, f)))) continue;
    findings.push({
      id: `narrowed/${a}`,
      kind: 'narrowed-resource',
      action: a,
      fromResources: fromRes,
      toResources: toRes,
      ...(fromNot ? { fromNotResource: true } : {}),
      message: `${a}: resources narrowed from ${fromNot ? 'everything except ' : ''}${fromRes.join(', ')} to ${toRes.join(', ')}.`,
    });
    for (const d of drafts) if (d.evidence.actions.some((x) => x.action === a)) d.evidence.findingIds.push(`narrowed/${a}`);
  }

  for (const a of [...keptActions].sort(compareActionStrings)) {
    const mine = entriesOf.get(a) ?? [];
    const u = usedOf(a);
    if (u && mine.some((e) => USED_BASES.some((b) => e.bases.has(b)))) {
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
    if (un && mine.some((e) => e.bases.has('unobservable') || e.bases.has('baseline'))) {
      const f: KeptUnobservableFinding = {
        id: `unobservable/${a}`,
        kind: 'kept-unobservable',
        action: a,
        code: un.code,
        reason: un.reason,
        resources: [...new Set(mine.flatMap((e) => e.resources))].sort(),
        ...(mine.some((e) => e.kind === 'notResource') ? { notResource: true } : {}),
        message: `${a} kept although unused: ${un.reason}.`,
      };
      findings.push(f);
    }
  }

  // Denied attempts and use the given policies do not explain.
  const originalStatements = grantDocs.flatMap((d) => d.statements);
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

  // --- assemble statements: Deny first, derived Allows, verbatim Allows; Sids; size limits -------------------
  const limit = target === 'managed' ? MANAGED_POLICY_MAX_CHARS : ROLE_INLINE_TOTAL_MAX_CHARS;
  const reserved = new Set<string>(
    [...denies, ...verbatimAllows].map((v) => v.st.sid).filter((s): s is string => s !== undefined),
  );
  const used = new Set<string>(reserved);
  const uniqueSid = (base: string) => {
    let sid = base;
    for (let n = 2; used.has(sid); n++) sid = `${base}${n}`;
    used.add(sid);
    return sid;
  };
  interface Out {
    st: Statement;
    evidence: StatementEvidence | Omit<StatementEvidence, 'document'>;
  }
  const out: Out[] = [];
  const verbatimOut = (v: { st: Statement; ref: StatementRef }) => {
    const st = structuredClone(v.st);
    const sid = st.sid ?? uniqueSid(`Kept${v.st.effect}`);
    st.sid = sid;
    out.push({
      st,
      evidence: { sid, from: [v.ref], origin: 'verbatim', actions: [], findingIds: [`verbatim/${refKey(v.ref)}`] },
    });
  };
  denies.forEach(verbatimOut);
  for (const d of drafts) {
    const svc = d.services.slice(0, 3).map(pascal).join('') + (d.services.length > 3 ? 'More' : '');
    const base = `Allow${svc}${d.st.condition ? 'Conditional' : ''}`;
    const parts = splitStatement({ ...d.st, sid: `${base}999` }, limit, true);
    for (const p of parts) {
      const sid = uniqueSid(base);
      const st: Statement = { ...p, sid };
      const acts = parts.length === 1 ? d.evidence.actions : evidenceFor(d.evidence.actions, st.action ?? []);
      out.push({ st, evidence: { ...d.evidence, sid, actions: acts, findingIds: [...new Set(d.evidence.findingIds)].sort() } });
    }
  }
  verbatimAllows.forEach(verbatimOut);

  // Pack into documents.
  const statements = out.map((o) => o.st);
  const packs = target === 'managed' ? packStatements(statements, limit) : [statements];
  const sizes = packs.map((p) => documentChars(p));
  const fits =
    target === 'managed' ? sizes.every((s) => s <= limit) && packs.length <= MANAGED_POLICIES_PER_ROLE : sizes[0] <= limit;
  const names = packs.length === 1 ? [docName] : packs.map((_, i) => `${docName}-${i + 1}`);
  const documents: PolicyDocument[] = packs.map((p, i) => ({
    name: names[i],
    version: '2012-10-17',
    statements: p,
    kind: target === 'managed' ? 'customer-managed' : 'inline',
  }));
  const evidence: StatementEvidence[] = [];
  let oi = 0;
  packs.forEach((p, i) => {
    for (let k = 0; k < p.length; k++, oi++) evidence.push({ ...out[oi].evidence, document: names[i] } as StatementEvidence);
  });
  findings.push({
    id: `size/${target}`,
    kind: 'size-limit',
    fits,
    target,
    sizes,
    limit,
    message: fits
      ? `Fits IAM size limits: ${packs.length} ${target} document(s) of ${sizes.join(', ')} characters (limit ${limit}).`
      : target === 'managed'
        ? `Does not fit: ${packs.length} managed document(s) of ${sizes.join(', ')} characters (limit ${limit} each, ${MANAGED_POLICIES_PER_ROLE} per role).`
        : `Does not fit as inline policy: ${sizes[0]} characters, limit ${limit} across a role's inline policies; use managed policies (--target managed).`,
  });

  // Kind order, then id (removed actions keep their access-level order); independent of the ledger's order.
  findings.sort(
    (a, b) =>
      FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind) ||
      (a.kind === 'removed-action' ? 0 : cmp(a.id, b.id)),
  );
  const allGranted = new Set<string>([...grantedFrom.keys(), ...verbatimGrants]);
  return {
    documents,
    findings,
    evidence,
    stats: {
      grantedActions: allGranted.size,
      keptActions: new Set([...keptActions, ...verbatimGrants]).size,
      removedActions: removed.length,
      narrowedActions: findings.filter((f) => f.kind === 'narrowed-resource').length,
      unobservableActions: findings.filter((f) => f.kind === 'kept-unobservable').length,
      verbatimStatements: denies.length + verbatimAllows.length,
      deniedAttempts: usage.denied.length,
    },
  };
}
