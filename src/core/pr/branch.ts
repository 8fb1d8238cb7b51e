/**
 * The branch a role's pull request lives on: `policy-trim/<role>`, or `policy-trim/<account>/<role>` when two
 * accounts have a role of the same name.
 *
 * Role names are encoded, never stripped, so two roles never share a branch: every character outside a safe
 * set becomes `%XX` (its UTF-8 bytes; `%uXXXX` for a lone UTF-16 surrogate), and a `.` where git refuses one
 * (a component's first or last character, the second of `..`, the dot of a trailing `.lock`) becomes `%2E`.
 * IAM role names never hold `%`, so `%` always starts an escape and {@link decodeRefComponent} undoes
 * {@link encodeRefComponent} exactly — which is what makes the mapping injective. A name made of twelve
 * digits gets its first digit escaped so `policy-trim/<name>` can never be the folder of an account's
 * branches (git cannot hold both `a` and `a/b`).
 */
import { parseArn } from '../catalog/arn.js';
import { PullRequestInputError } from './errors.js';

/** The namespace of every branch policy-trim creates; the git adapter refuses to force-push outside it. */
export const BRANCH_PREFIX = 'policy-trim/';

/** A role as the branch name needs it: its name, and its account when known. */
export interface RoleRef {
  /** The role's name, without its path (IAM role names are unique per account whatever the path). */
  name: string;
  /** The 12-digit AWS account id. */
  account?: string;
}

/** Characters kept as they are: IAM's role-name alphabet without `.`, all of which git accepts anywhere. */
const SAFE_CHAR = /^[A-Za-z0-9_+=,@-]$/;
const ACCOUNT_ID = /^\d{12}$/;
/** A ref component longer than this cannot be a loose ref file on common file systems (NAME_MAX). */
const MAX_COMPONENT_BYTES = 255;

/** `%XX` for each UTF-8 byte of one code point; `%uXXXX` for a lone surrogate (which has no UTF-8 form). */
function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0)!;
  if (code >= 0xd800 && code <= 0xdfff) return `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return [...new TextEncoder().encode(char)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Whether the `.` at `index` may stay: not first or last, not after another `.`, not the dot of `.lock` at the end. */
function dotMayStay(chars: readonly string[], index: number): boolean {
  if (index === 0 || index === chars.length - 1 || chars[index - 1] === '.') return false;
  const rest = chars.slice(index).join('');
  return rest.toLowerCase() !== '.lock';
}

/** A role's name for people: the last part of its ARN (`…:role/path/NAME` → `NAME`), or the name as given. */
export function roleDisplayName(role: string): string {
  return role.slice(role.lastIndexOf('/') + 1) || role;
}

/**
 * Encodes any non-empty text as one component of a git ref (no `/`), injectively; see the module comment.
 * Names IAM accepts come out as they are unless a dot sits where git refuses one.
 */
export function encodeRefComponent(text: string): string {
  const chars = [...text];
  const out = chars.map((c, i) => (SAFE_CHAR.test(c) || (c === '.' && dotMayStay(chars, i)) ? c : escapeCodePoint(c)));
  if (ACCOUNT_ID.test(text)) out[0] = escapeCodePoint(chars[0]!);
  return out.join('');
}

/** The text {@link encodeRefComponent} encoded: `%XX` byte runs as UTF-8, `%uXXXX` as one UTF-16 unit. */
export function decodeRefComponent(component: string): string {
  let text = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) text += new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    bytes = [];
  };
  for (let i = 0; i < component.length; ) {
    const unit = /^%u([0-9A-Fa-f]{4})/.exec(component.slice(i, i + 6));
    const byte = /^%([0-9A-Fa-f]{2})/.exec(component.slice(i, i + 3));
    if (unit) (flush(), (text += String.fromCharCode(parseInt(unit[1]!, 16))), (i += 6));
    else if (byte) (bytes.push(parseInt(byte[1]!, 16)), (i += 3));
    else (flush(), (text += component[i]), (i += 1));
  }
  flush();
  return text;
}

function invalidRole(message: string): PullRequestInputError {
  return new PullRequestInputError('pr-role-invalid', message, 'Give the role as its name or its ARN (arn:aws:iam::123456789012:role/NAME).');
}

/**
 * The branch of one role: `policy-trim/<name>`, or `policy-trim/<account>/<name>` with `withAccount` (use
 * {@link branchNamesForRoles} to decide that for a set of roles). Always a valid git branch name.
 */
export function roleBranchName(role: RoleRef, options: { withAccount?: boolean } = {}): string {
  if (role.name === '') throw invalidRole('A role with an empty name has no branch.');
  const component = encodeRefComponent(role.name);
  if (component.length > MAX_COMPONENT_BYTES) throw invalidRole(`The role name "${role.name.slice(0, 40)}…" is too long to name a git branch.`);
  if (!options.withAccount) return BRANCH_PREFIX + component;
  if (role.account === undefined || !ACCOUNT_ID.test(role.account)) {
    throw invalidRole(`The account of role "${role.name}" is not a 12-digit account id: ${JSON.stringify(role.account ?? '')}.`);
  }
  return `${BRANCH_PREFIX}${role.account}/${component}`;
}

/**
 * Whether two references name the same role: the same text, or the same name (IAM compares role names without
 * case) in the same account when both say theirs. `orders-api-role` and its ARN are one role.
 */
export function sameRoleRef(a: string, b: string): boolean {
  if (a === b) return true;
  const x = roleRefFrom(a);
  const y = roleRefFrom(b);
  if (x.name.toLowerCase() !== y.name.toLowerCase()) return false;
  return x.account === undefined || y.account === undefined || x.account === y.account;
}

/**
 * A role from `--role` or the config: an IAM role ARN (`arn:aws:iam::ACCOUNT:role/PATH/NAME`), a name, or a
 * name with its path (`/PATH/NAME`). The path is dropped: a role's name is unique in its account.
 */
export function roleRefFrom(roleArnOrName: string): RoleRef {
  if (!roleArnOrName.startsWith('arn:')) {
    const name = roleArnOrName.slice(roleArnOrName.lastIndexOf('/') + 1);
    if (name === '') throw invalidRole(`"${roleArnOrName}" names no role.`);
    return { name };
  }
  const arn = parseArn(roleArnOrName);
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/')) throw invalidRole(`"${roleArnOrName}" is not an IAM role ARN.`);
  const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  if (name === '' || !ACCOUNT_ID.test(arn.account)) throw invalidRole(`"${roleArnOrName}" is not an IAM role ARN.`);
  return { name, account: arn.account };
}

/**
 * The branch of each role, in order. A role keeps the short `policy-trim/<name>` unless another account has a
 * role of the same name; then each of them gets `policy-trim/<account>/<name>`. Names are compared ignoring
 * case: IAM treats `Orders` and `orders` as one name, and so do the file systems (macOS, Windows) that hold
 * loose refs, so two such branches could not live side by side. The same role listed twice gets one branch.
 * Throws `pr-branch-ambiguous` when names clash and a role has no account to tell the branches apart.
 */
export function branchNamesForRoles(roles: readonly RoleRef[]): string[] {
  const accountsByName = new Map<string, Set<string | undefined>>();
  for (const role of roles) {
    const key = role.name.toLowerCase();
    accountsByName.set(key, (accountsByName.get(key) ?? new Set()).add(role.account));
  }
  return roles.map((role) => {
    const accounts = accountsByName.get(role.name.toLowerCase())!;
    if (accounts.size === 1) return roleBranchName(role);
    if (accounts.has(undefined)) {
      throw new PullRequestInputError(
        'pr-branch-ambiguous',
        `More than one role is named "${role.name}" and not all of them say which account they are in.`,
        'Give those roles as ARNs (arn:aws:iam::ACCOUNT:role/NAME) so each gets its own branch.',
      );
    }
    return roleBranchName(role, { withAccount: true });
  });
}

/** Whether `branch` is in policy-trim's own namespace (`policy-trim/...`). */
export function isToolBranchName(branch: string): boolean {
  return branch.startsWith(BRANCH_PREFIX) && branch.length > BRANCH_PREFIX.length;
}
