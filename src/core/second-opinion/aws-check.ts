/**
 * `suggest --verify-with-aws`: what to ask IAM Access Analyzer, and what its answers mean. Pure: the documents
 * to send and the verdict; the calls are the adapter's (adapters/aws/access-analyzer.ts).
 *
 * The suggestion regroups statements, so its documents do not pair with the original's: CheckNoNewAccess compares
 * the union of the original identity documents (the permissions boundary is an upper bound, not a grant, and is
 * left out on both sides) with the union of the suggestion's. Only when AWS refuses a document for its size is the
 * comparison split by service: each service's statements of the suggestion against the same service's of the
 * original, which together say the same (an Action list is cut to the entries whose service part can match the
 * service; a NotAction statement, which may reach any service, goes whole into every part).
 */
import type { PolicyDocument, Statement } from '../policy/types.js';
import { renderJson } from '../render/json.js';
import { ACTION_PATTERN, compilePattern } from '../wildcard.js';

/** One CheckNoNewAccess request: a label for the report and the two documents as JSON text. */
export interface NoNewAccessPair {
  /** `all`, or the IAM prefix of a per-service part. */
  part: string;
  existing: string;
  updated: string;
}

/** Where statement N of a union document came from (AWS's reasons name statements by index or Sid). */
export interface UnionOrigin {
  document: string;
  sid?: string;
  index: number;
}

/** The identity statements of `documents` (boundary left out) as one document, Sids dropped (they may repeat across documents). */
export function unionDocument(documents: readonly PolicyDocument[], name: string): { text: string; origins: UnionOrigin[] } {
  const origins: UnionOrigin[] = [];
  const statements: Statement[] = [];
  for (const d of documents) {
    if (d.kind === 'boundary') continue;
    d.statements.forEach((st, index) => {
      origins.push(st.sid ? { document: d.name, sid: st.sid, index } : { document: d.name, index });
      const { sid: _sid, ...rest } = st;
      statements.push(rest);
    });
  }
  return { text: compact(renderJson({ name, version: '2012-10-17', statements })), origins };
}

/** JSON without the whitespace IAM does not count: the smallest request. */
function compact(json: string): string {
  return JSON.stringify(JSON.parse(json));
}

/** The IAM prefixes the statements' actions can reach (`*` for a pattern that spans services). */
function servicesOf(documents: readonly PolicyDocument[]): string[] {
  const out = new Set<string>();
  for (const d of documents) {
    if (d.kind === 'boundary') continue;
    for (const st of d.statements) for (const a of st.action ?? []) out.add(a.includes(':') ? a.slice(0, a.indexOf(':')).toLowerCase() : '*');
  }
  return [...out].filter((s) => s !== '*' && !/[*?]/.test(s)).sort();
}

/** The documents cut to what can reach `service`: Action lists to its entries, NotAction statements whole. */
export function restrictToService(documents: readonly PolicyDocument[], service: string): PolicyDocument[] {
  return documents.map((d) => ({
    ...d,
    statements: d.statements.flatMap((st): Statement[] => {
      if (!st.action) return [st];
      const action = st.action.filter((a) => compilePattern(a.includes(':') ? a.slice(0, a.indexOf(':')) : a, ACTION_PATTERN).test(service));
      return action.length ? [{ ...st, action }] : [];
    }),
  }));
}

/** The one whole-union request. */
export function noNewAccessWhole(original: readonly PolicyDocument[], suggestion: readonly PolicyDocument[]): NoNewAccessPair {
  return { part: 'all', existing: unionDocument(original, 'original').text, updated: unionDocument(suggestion, 'suggestion').text };
}

/**
 * The per-service requests, for when AWS refuses the whole union for its size: one per service the suggestion's
 * Action lists name (a service only the original grants cannot gain access: it needs no request). A suggestion
 * statement whose actions span services by wildcard would escape the cut, so it is refused (trim never writes one:
 * its wildcards stay within a service).
 */
export function noNewAccessByService(original: readonly PolicyDocument[], suggestion: readonly PolicyDocument[]): NoNewAccessPair[] | { unsplittable: string } {
  for (const d of suggestion) {
    for (const st of d.statements) {
      const spanning = (st.action ?? []).find((a) => !a.includes(':') || /[*?]/.test(a.slice(0, a.indexOf(':'))));
      if (spanning) return { unsplittable: `${d.name} grants ${spanning}, which spans services` };
    }
  }
  return servicesOf(suggestion).map((svc) => ({
    part: svc,
    existing: unionDocument(restrictToService(original, svc), 'original').text,
    updated: unionDocument(restrictToService(suggestion, svc), 'suggestion').text,
  }));
}

/** The suggestion's union cut to the services of the actions that must not be granted (smaller; says the same of them). */
export function mustNotGrantDocument(suggestion: readonly PolicyDocument[], actions: readonly string[]): string {
  const services = [...new Set(actions.map((a) => a.slice(0, a.indexOf(':')).toLowerCase()))];
  const cut = suggestion.map((d) => ({ ...d, statements: services.flatMap((s) => restrictToService([d], s)[0]!.statements) }));
  // A NotAction statement lands once per service: keep each statement once.
  const once = cut.map((d) => ({ ...d, statements: [...new Map(d.statements.map((st) => [JSON.stringify(st), st])).values()] }));
  return unionDocument(once, 'suggestion').text;
}
