/**
 * Names the split renderers generate from function names: IAM role names, Terraform identifiers and
 * CloudFormation logical ids. Every kind is valid for its target, at most 64 characters (IAM's role-name
 * limit; the others follow it so names stay readable), stable (the same input gives the same names) and
 * distinct within one output.
 *
 * How: each name is first derived from its function name alone. A name that is too long, or that collides
 * with another derived name or a reserved one (compared as the target compares them: IAM role names ignore
 * case), is cut and given a short stable hash of the full function name, so two long names that share a
 * 60-character prefix still differ. A name therefore changes only when it has to; it can depend on the other
 * functions of the split only through a collision. A last pass guarantees distinct names even when two hashes
 * collide (by hashing again with a counter).
 *
 * The hash is 32-bit FNV-1a over the UTF-8 bytes, written as 8 lowercase hex digits: pure TypeScript, no
 * node:crypto (the core is pure), and easy to reproduce anywhere. It is not a security measure, only a
 * short, well-spread fingerprint (http://www.isthe.com/chongo/tech/comp/fnv/).
 */

import type { SplitRoleNaming } from './split-types.js';

/** IAM's limit on role names, used for every generated name. */
export const NAME_MAX = 64;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as 8 lowercase hex digits. */
export function fnv1a32(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of utf8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** How one kind of name is made valid, cut and compared. */
export interface NameRule {
  /** A valid, non-empty name from a function name (may be longer than NAME_MAX). */
  derive: (original: string) => string;
  /** What goes between the cut name and the hash. */
  sep: string;
  /** The form two names are compared in (lower case when the target ignores case). */
  key: (name: string) => string;
  /** Characters dropped from the end of a cut name before the separator (so `a-` + `-` does not give `a--`). */
  trim?: RegExp;
  /** The longest name (default NAME_MAX), when the caller appends something of its own. */
  max?: number;
}

function hashed(rule: NameRule, base: string, seed: string): string {
  const hash = fnv1a32(seed);
  let head = base.slice(0, (rule.max ?? NAME_MAX) - rule.sep.length - hash.length);
  if (rule.trim) head = head.replace(rule.trim, '');
  return head + rule.sep + hash;
}

/**
 * A distinct, valid name for each of `originals` (which are distinct), none equal to a `reserved` one; see
 * the module comment. Deterministic: the same originals in the same order give the same names.
 */
export function allocateNames(originals: readonly string[], rule: NameRule, reserved: readonly string[] = []): Map<string, string> {
  const bases = originals.map((o) => rule.derive(o));
  const count = new Map<string, number>();
  for (const k of [...bases, ...reserved].map(rule.key)) count.set(k, (count.get(k) ?? 0) + 1);
  const names = bases.map((base, i) => (base.length > (rule.max ?? NAME_MAX) || count.get(rule.key(base))! > 1 ? hashed(rule, base, originals[i]!) : base));
  const used = new Set(reserved.map(rule.key));
  const out = new Map<string, string>();
  names.forEach((name, i) => {
    let chosen = name;
    for (let n = 2; used.has(rule.key(chosen)); n++) chosen = hashed(rule, bases[i]!, `${originals[i]!}#${n}`);
    used.add(rule.key(chosen));
    out.set(originals[i]!, chosen);
  });
  return out;
}

/** Characters IAM allows in a role name: `[\w+=,.@-]` (ASCII word characters and `+=,.@-`). */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Role names: see SplitRoleNaming for the two forms; IAM compares role names without case. */
export function roleNameRule(sharedRole: string, naming: SplitRoleNaming): NameRule {
  const clean = (s: string) => s.replace(/[^\w+=,.@-]/g, '-');
  return {
    derive: (fn) => clean(naming === 'shared-function' ? `${sharedRole}-${fn}` : `${fn}-role`),
    sep: '-',
    key: (n) => n.toLowerCase(),
    trim: /[-_.]+$/,
  };
}

/** A Terraform identifier: a letter or `_`, then letters, digits, `_` and `-` (we write lower-case snake_case). */
export const TERRAFORM_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Terraform identifiers, in snake_case like terraformName's: camelCase split, lower-cased, every run of other
 * characters one `_`, `fn_` in front of a leading digit. A derived identifier never holds `__`, so suffixes
 * after `__` (a function's second document, `NAME__2`) cannot collide with another function's identifier.
 * At most 60 characters, so that such a suffix keeps the whole within 64 (up to 99 documents).
 */
export const terraformIdRule: NameRule = {
  derive: (fn) => {
    const s = fn
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    if (s === '') return 'function';
    return /^[0-9]/.test(s) ? `fn_${s}` : s;
  },
  sep: '_',
  key: (n) => n,
  trim: /_+$/,
  max: NAME_MAX - 4,
};

/** A CloudFormation logical id: ASCII letters and digits only. */
export const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;

/** `orders.api-v2` → `OrdersApiV2`; `suffix` is appended (`Role`). Compared without case, to be safe. */
export function logicalIdRule(suffix: string): NameRule {
  return {
    derive: (fn) => {
      const words = fn.split(/[^A-Za-z0-9]+/).filter(Boolean);
      const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
      return (pascal === '' ? 'Function' : pascal) + suffix;
    },
    sep: '',
    key: (n) => n.toLowerCase(),
  };
}

/** The name of a role's n-th inline policy (from 1) when it has `count`: `policy-trim`, or `policy-trim-N`. */
export function inlinePolicyName(n: number, count: number): string {
  return count === 1 ? 'policy-trim' : `policy-trim-${n}`;
}
