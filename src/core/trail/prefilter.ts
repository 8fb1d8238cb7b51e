/**
 * What bytes a CloudTrail record must hold to possibly be attributed to one of some principals: the needles of
 * the byte prefilter (`adapters/trail-decode/prefilter.ts`), which lets a reader skip `JSON.parse` for the
 * records of every other principal when the command reports on known ones (`usage --role`, `suggest`).
 *
 * The prefilter may only ever let more through, never less. Why each needle is enough, against `principalOf`
 * (`principal.ts`) and `--role` matching (`cli/options.ts` `matchRole`: an ARN exactly, a name
 * case-insensitively as the last segment of a role ARN):
 * - an ARN with a `/`: the principal is a string of the record (`sessionIssuer.arn`, the issuer, the own ARN)
 *   or is rebuilt from `arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION` as `…::ACCOUNT:role/NAME`; either way the
 *   record holds `/` followed by the ARN's last segment (an escaped slash `\/` still ends in `/`), and the
 *   ARN's account;
 * - an ARN without `/` (`arn:aws:iam::ACCOUNT:root`): the principal is the own ARN or rebuilt from `accountId`;
 *   either way the record holds the account;
 * - a role name: the record holds `role/` (of `:role/PATH/NAME` or `assumed-role/NAME/`) followed by
 *   `/`-separated segments one of which is the name in some case (ASCII case; U+212A KELVIN SIGN is the one
 *   other character whose lower case is ASCII, `k`, so its bytes let a record through when the name has a k);
 * - JSON escapes: `\uXXXX` can spell any character and `\/` a slash, so a record holding a backslash passes.
 * A needle JSON would have to escape (a `"`, a `\`, a control character) cannot be searched as bytes: then no
 * filter is made and every record is parsed.
 */

/** Bytes a record of one principal given by ARN holds: `find` and, when given, `alsoHolds` too (its account). */
export interface ArnNeedle {
  readonly find: string;
  readonly alsoHolds?: string;
}

/** The needles of the principals a command reports on; see the module comment for why each suffices. */
export interface PrincipalFilter {
  /** Per principal given by ARN, what its records hold (searched as UTF-8 bytes, case-sensitively). */
  readonly exact: readonly ArnNeedle[];
  /** Lower-case role names: a record passes when a `/`-segment after `role/` equals one, ignoring ASCII case. */
  readonly roleNames: readonly string[];
  /** Strings whose presence lets a record through whatever else it holds: escapes that can spell anything. */
  readonly passAlways: readonly string[];
}

/** Characters of an IAM role name (IAM API Reference, `CreateRole`, `RoleName`: `[\w+=,.@-]+`). */
const ROLE_NAME = /^[\w+=,.@-]+$/;

/** UTF-8 of U+212A KELVIN SIGN, whose lower case is `k` (the only non-ASCII character lowering to ASCII). */
const KELVIN_SIGN = '\u212a';

/** Where JSON escapes begin (`\uXXXX` spells any character, `\/` a slash): a record holding one passes. */
const ESCAPE = '\\';

/**
 * The needles for `principals` (each a `--role` value: an ARN, or a role name), or undefined when one of them
 * cannot be searched as bytes (then every record must be parsed). An empty list gives undefined too.
 */
export function principalFilterFor(principals: readonly string[]): PrincipalFilter | undefined {
  if (principals.length === 0) return undefined;
  const exact = new Map<string, ArnNeedle>();
  const roleNames = new Set<string>();
  const passAlways = new Set<string>([ESCAPE]);
  for (const p of principals) {
    if (p.startsWith('arn:')) {
      const needle = arnNeedle(p);
      if (needle === undefined) return undefined;
      exact.set(`${needle.find} ${needle.alsoHolds ?? ''}`, needle);
    } else {
      if (!ROLE_NAME.test(p)) return undefined;
      const lower = p.toLowerCase();
      roleNames.add(lower);
      if (lower.includes('k')) passAlways.add(KELVIN_SIGN);
    }
  }
  return { exact: [...exact.values()], roleNames: [...roleNames], passAlways: [...passAlways] };
}

/** What every record of that principal holds as bytes (see the module comment), if searchable. */
function arnNeedle(arn: string): ArnNeedle | undefined {
  const fields = arn.split(':');
  const account = fields[4] ?? '';
  const slash = arn.lastIndexOf('/');
  const find = slash !== -1 ? arn.slice(slash) : account || fields[fields.length - 1] || '';
  if (find.length === 0 || find === '/' || !searchable(find) || !searchable(account)) return undefined;
  return slash !== -1 && account ? { find, alsoHolds: account } : { find };
}

/** True when JSON writes the text as itself (no `"`, `\` or control character; other characters as UTF-8). */
function searchable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) return false;
  }
  return true;
}
