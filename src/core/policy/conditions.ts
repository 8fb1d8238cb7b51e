/**
 * Syntactic reasoning about conditions: policy-trim never evaluates a condition against a live context; it only
 * decides whether one set of condition clauses certainly implies another.
 *
 * A statement's restrictions are its condition clauses (operator, key, values), all of which must hold, plus
 * its Principal/NotPrincipal block as one opaque clause (identity policies have none; resource policies do).
 */

import type { ConditionBlock, Statement } from './types.js';

/** One `operator: { key: values }` entry of a condition block. */
export interface ConditionClause {
  op: string;
  key: string;
  values: string[];
}

/** Flatten a condition block into clauses (all of which must hold). */
export function conditionClauses(block: ConditionBlock | undefined): ConditionClause[] {
  if (!block) return [];
  const out: ConditionClause[] = [];
  for (const [op, keys] of Object.entries(block)) {
    for (const [key, values] of Object.entries(keys)) out.push({ op, key, values });
  }
  return out;
}

/** The restrictions of a statement beyond action and resource: conditions plus principal. */
export function statementRestrictions(s: Statement): ConditionClause[] {
  const out = conditionClauses(s.condition);
  // Principal blocks are compared only for equality: a canonical JSON value as the single "value".
  if (s.principal !== undefined) out.push({ op: '#Principal', key: '', values: [canonicalJson(s.principal)] });
  if (s.notPrincipal !== undefined) out.push({ op: '#NotPrincipal', key: '', values: [canonicalJson(s.notPrincipal)] });
  return out;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).sort().join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Is an operator negated? Negated operators (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, ...) require the
 * value to differ from every listed value (an AND); the others accept any listed value (an OR).
 */
function isNegated(op: string): boolean {
  const base = op.replace(/^(ForAllValues|ForAnyValue):/i, '').replace(/IfExists$/i, '');
  return /Not/.test(base);
}

/**
 * Does `known` certainly imply `needed`? Same operator and key (keys compare case-insensitively, as IAM does),
 * and value sets that make `needed` no stricter: for OR-operators the known values are a subset of the needed
 * ones; for negated (AND) operators a superset. Anything else (different operators that happen to be
 * related, e.g. `StringEquals` vs `StringLike`) is not recognised: sound, not complete.
 */
export function clauseImplies(known: ConditionClause, needed: ConditionClause): boolean {
  if (known.op !== needed.op || known.key.toLowerCase() !== needed.key.toLowerCase()) return false;
  if (known.op.startsWith('#')) return known.values[0] === needed.values[0];
  const k = new Set(known.values);
  const n = new Set(needed.values);
  if (isNegated(known.op)) return [...n].every((v) => k.has(v));
  return [...k].every((v) => n.has(v));
}

/** Does the conjunction `known` certainly imply every clause of `needed`? (Empty `needed` is always implied.) */
export function clausesImply(known: ConditionClause[], needed: ConditionClause[]): boolean {
  return needed.every((nc) => known.some((kc) => clauseImplies(kc, nc)));
}

/** The condition operators IAM defines, before the `ForAllValues:`/`ForAnyValue:` prefixes and `IfExists`. */
const CONDITION_OPERATORS = new Set(
  [
    'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
    'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
    'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
    'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
  ].map((o) => o.toLowerCase()),
);

/**
 * Is `op` a condition operator IAM defines (`StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`, ...)?
 * Compared case-insensitively: this flags misspellings, not case.
 */
export function isKnownConditionOperator(op: string): boolean {
  const m = /^(?:(?:ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/i.exec(op);
  if (!m) return false;
  const base = m[1].toLowerCase();
  return CONDITION_OPERATORS.has(base) && !(m[2] && base === 'null');
}

/** A Condition operator IAM does not define, and where it is. */
export interface UnknownConditionOperator {
  document: string;
  /** The statement's Sid, or its index in the document. */
  statement: string;
  operator: string;
}

/**
 * The Condition operators of `documents` that IAM does not define (a misspelling, or an operator newer than
 * policy-trim). They are kept as written, like every condition; the caller warns about each.
 */
export function unknownConditionOperators(documents: ReadonlyArray<{ name: string; statements: readonly Statement[] }>): UnknownConditionOperator[] {
  const out: UnknownConditionOperator[] = [];
  for (const d of documents) {
    d.statements.forEach((st, i) => {
      for (const op of Object.keys(st.condition ?? {})) {
        if (!isKnownConditionOperator(op)) out.push({ document: d.name, statement: st.sid ?? `#${i}`, operator: op });
      }
    });
  }
  return out;
}
