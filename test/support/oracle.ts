/**
 * A brute-force reference evaluator for property tests, written independently of trim's own matching: patterns
 * become regular expressions; every distinct condition block is an independent boolean atom whose truth the
 * caller assigns. Over a finite universe of actions × resources × assignments it answers exactly "allowed?".
 */
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';

function toRegExp(pattern: string, ci: boolean): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ci ? 'is' : 's');
}
const cache = new Map<string, RegExp>();
function m(pattern: string, value: string, ci: boolean): boolean {
  const k = `${ci ? 1 : 0}${pattern}`;
  let re = cache.get(k);
  if (!re) cache.set(k, (re = toRegExp(pattern, ci)));
  return re.test(value);
}

/** Canonical identity of a condition block (key-order independent). */
export function conditionAtom(c: Statement['condition']): string {
  if (!c || Object.keys(c).length === 0) return '';
  const norm = Object.keys(c)
    .sort()
    .map((op) => [op, Object.keys(c[op]).sort().map((k) => [k, [...c[op][k]].sort()])]);
  return JSON.stringify(norm);
}

function applies(st: Statement, action: string, resource: string, truth: (atom: string) => boolean): boolean {
  const actOk = st.action ? st.action.some((p) => m(p, action, true)) : !(st.notAction ?? []).some((p) => m(p, action, true));
  if (!actOk) return false;
  const resOk = st.resource ? st.resource.some((p) => m(p, resource, false)) : st.notResource ? !st.notResource.some((p) => m(p, resource, false)) : false;
  if (!resOk) return false;
  const atom = conditionAtom(st.condition);
  return atom === '' || truth(atom);
}

/** Allowed under the given truth assignment of condition atoms (explicit Deny wins). */
export function oracleAllows(docs: PolicyDocument[], action: string, resource: string, truth: (atom: string) => boolean): boolean {
  const sts = docs.flatMap((d) => d.statements);
  if (sts.some((s) => s.effect === 'Deny' && applies(s, action, resource, truth))) return false;
  return sts.some((s) => s.effect === 'Allow' && applies(s, action, resource, truth));
}

/** Every truth assignment over the atoms of both policy sets (2^k; callers keep k small). */
export function assignments(...sets: PolicyDocument[][]): ((atom: string) => boolean)[] {
  const atoms = [...new Set(sets.flat().flatMap((d) => d.statements.map((s) => conditionAtom(s.condition))))].filter((a) => a !== '');
  const out: ((atom: string) => boolean)[] = [];
  for (let mask = 0; mask < 1 << atoms.length; mask++) {
    const on = new Set(atoms.filter((_, i) => (mask >> i) & 1));
    out.push((a) => on.has(a));
  }
  return out;
}
