/**
 * The published grammar of finding ids (issue 11): `KIND[ACCOUNT:ROLE][ACTION]` or
 * `KIND[ACCOUNT:ROLE][ACTION][RESOURCE]`, e.g. `UNUSED[111122223333:orders-api-role][s3:DeleteBucket]` or
 * `NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::orders-*]`.
 *
 * These are the ids acknowledgements in `.policy-trim.yml` name, and the ones `drift` reports (and SARIF's
 * fingerprints) carry: stable across runs because they hold only what the finding is about, never a count or
 * a date. `suggest`'s per-run ids (`removed/s3:DeleteObject`) are relative to one role; this grammar adds the
 * account and role so one file can acknowledge findings across a fleet.
 *
 * A pattern (in an acknowledgement) may use `*` (any run of characters) and `?` (one character) inside each
 * bracket; the kind is always written out. The action and the role match case-insensitively (IAM reads them
 * so), the account and the resource exactly.
 */
import { ACTION_PATTERN, LEGACY_RESOURCE_PATTERN, compilePattern } from '../wildcard.js';

/** Kinds of finding that have an id, in report order. */
export const FINDING_KINDS = ['UNUSED', 'UNUSED_ON_STAR', 'NARROWABLE', 'DENIED', 'UNOBSERVABLE'] as const;

/** One of {@link FINDING_KINDS}. */
export type FindingKindId = (typeof FINDING_KINDS)[number];

/** The parts of a finding id (or of a pattern, with wildcards in any part but the kind). */
export interface FindingIdParts {
  kind: FindingKindId;
  /** The 12-digit account id. */
  account: string;
  /** The role's name (not its ARN: the account is already there, and paths do not make a role distinct). */
  role: string;
  /** `service:Action`. */
  action: string;
  /** The resource (ARN or pattern) when the kind is about one: narrowable, denied, unobservable. */
  resource?: string;
}

/**
 * The grammar as one regular expression, for the JSON Schema (editors flag a malformed id as it is typed). The
 * resource bracket runs to the end of the id, so an ARN holding `]` still reads as one resource.
 */
export const FINDING_ID_PATTERN =
  '^(?:UNUSED|UNUSED_ON_STAR|NARROWABLE|DENIED|UNOBSERVABLE)\\[(?:[0-9?]{12}|[0-9?]{0,11}\\*[0-9*?]{0,11}):[\\w+=,.@*?-]{1,64}\\]\\[[\\w*?:-]+\\](?:\\[.+\\])?$';

/** The id of a finding. */
export function formatFindingId(p: FindingIdParts): string {
  return `${p.kind}[${p.account}:${p.role}][${p.action}]${p.resource === undefined ? '' : `[${p.resource}]`}`;
}

/** Splits a finding id or pattern into its parts; a string that is not in the grammar says why. */
export function parseFindingId(text: string): { ok: true; parts: FindingIdParts } | { ok: false; problem: string } {
  const m = /^([A-Za-z_]+)\[([^\]]*)\]\[([^\]]*)\](?:\[(.*)\])?$/s.exec(text);
  if (!m) return { ok: false, problem: 'expected KIND[ACCOUNT:ROLE][ACTION] or KIND[ACCOUNT:ROLE][ACTION][RESOURCE]' };
  const [, kind, principal, action, resource] = m as unknown as [string, string, string, string, string | undefined];
  const problem = partProblem(kind, principal, action, resource);
  if (problem) return { ok: false, problem };
  const colon = principal.indexOf(':');
  const parts: FindingIdParts = { kind: kind as FindingKindId, account: principal.slice(0, colon), role: principal.slice(colon + 1), action };
  return { ok: true, parts: resource === undefined ? parts : { ...parts, resource } };
}

/** What is wrong with one part of an id, or undefined. Checked in reading order, so the first fault is named. */
function partProblem(kind: string, principal: string, action: string, resource: string | undefined): string | undefined {
  if (!(FINDING_KINDS as readonly string[]).includes(kind)) {
    const upper = kind.toUpperCase();
    const hint = (FINDING_KINDS as readonly string[]).includes(upper) ? ` (kinds are upper case: ${upper})` : '';
    return `unknown kind '${kind}'${hint}; expected one of ${FINDING_KINDS.join(', ')}`;
  }
  const colon = principal.indexOf(':');
  if (colon < 0) return `the first bracket is ACCOUNT:ROLE (e.g. [111122223333:orders-api-role]), got [${principal}]`;
  const account = principal.slice(0, colon);
  const role = principal.slice(colon + 1);
  // 12 characters of digits and `?`, or any run around a `*` (which may stand for several digits).
  if (!/^(?:[0-9?]{12}|[0-9?]{0,11}\*[0-9*?]{0,11})$/.test(account)) {
    return `the account '${account}' is not a 12-digit account id (or a pattern of digits, * and ?)`;
  }
  if (!/^[\w+=,.@*?-]{1,64}$/.test(role)) return `the role '${role}' is not a role name (letters, digits and +=,.@_- up to 64 characters; * and ? as wildcards)`;
  if (!/^(?:\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/.test(action)) return `the action '${action}' is not service:Action (e.g. s3:GetObject; * and ? as wildcards)`;
  if (resource !== undefined && resource === '') return 'the resource bracket is empty: leave it out, or write the resource';
  return undefined;
}

/** Whether `text` is a finding id or pattern in the grammar. */
export function isFindingId(text: string): boolean {
  return parseFindingId(text).ok;
}

/**
 * A matcher for an acknowledgement's pattern: true for the finding ids it names. A pattern without a resource
 * matches findings of that action whatever their resource (acknowledging an action acknowledges it on every
 * resource); with one, only findings on a matching resource. Throws on a pattern outside the grammar (parse
 * the configuration first: it rejects those).
 */
export function compileFindingPattern(pattern: string): (id: string) => boolean {
  const parsed = parseFindingId(pattern);
  if (!parsed.ok) throw new RangeError(`not a finding id pattern: ${pattern}: ${parsed.problem}`);
  const p = parsed.parts;
  const account = compilePattern(p.account, LEGACY_RESOURCE_PATTERN);
  const role = compilePattern(p.role, ACTION_PATTERN);
  const action = compilePattern(p.action, ACTION_PATTERN);
  const resource = p.resource === undefined ? undefined : compilePattern(p.resource, LEGACY_RESOURCE_PATTERN);
  return (id) => {
    const found = parseFindingId(id);
    if (!found.ok) return false;
    const f = found.parts;
    if (f.kind !== p.kind || !account.test(f.account) || !role.test(f.role) || !action.test(f.action)) return false;
    if (!resource) return true;
    return f.resource !== undefined && resource.test(f.resource);
  };
}
