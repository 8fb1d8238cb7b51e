/**
 * Matching an edit's values to the ones in the file, so that what did not change keeps its text: an order-keeping
 * alignment that maximises a score (equal values score most; similar statements less, so a narrowed statement is
 * edited where it stands rather than removed and written anew).
 */

import type { Statement } from '../policy/types.js';

/** Pairs `[i, j]` of `a[i]` with `b[j]`, increasing in both, with the highest total score; pairs scoring ≤ 0 are never made. */
export function align<A, B>(a: readonly A[], b: readonly B[], score: (x: A, y: B) => number): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = score(a[i], b[j]);
      best[i][j] = Math.max(best[i + 1][j], best[i][j + 1], s > 0 ? s + best[i + 1][j + 1] : -Infinity);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const s = score(a[i], b[j]);
    if (s > 0 && best[i][j] === s + best[i + 1][j + 1]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (best[i][j] === best[i + 1][j]) i++;
    else j++;
  }
  return pairs;
}

/** A statement as one comparable string (condition and principal keys sorted: their order has no meaning). */
export function statementKey(s: Statement): string {
  return JSON.stringify([s.sid, s.effect, s.action, s.notAction, s.resource, s.notResource, sorted(s.condition), sorted(s.principal), sorted(s.notPrincipal)]);
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => [k, sorted(v)]));
}

/**
 * Equal statements score 1000; a statement and its edit score by Sid, and by actions and resources in common,
 * where a narrowed value counts as in common with the wildcard it came from (`s3:GetObject` with `s3:*`).
 */
export function statementScore(a: Statement, b: Statement): number {
  if (statementKey(a) === statementKey(b)) return 1000;
  let score = 0;
  if (a.sid !== undefined && a.sid === b.sid) score += 10;
  if (a.effect !== b.effect) return score;
  score += 5 * overlap(a.action ?? a.notAction, b.action ?? b.notAction, actionService);
  score += 3 * overlap(a.resource ?? a.notResource, b.resource ?? b.notResource, arnService);
  return score > 0.5 ? score : 0;
}

function overlap(x: string[] | undefined, y: string[] | undefined, family: (v: string) => string): number {
  if (!x || !y || x.length === 0 || y.length === 0) return 0;
  const total = y.reduce((sum, v) => sum + Math.max(...x.map((u) => kinship(u, v, family))), 0);
  return total / Math.max(x.length, y.length);
}

/** 1 for equal values, 0.8 when one's wildcards match the other, 0.4 for the same service, else 0 (`*` alone: 0.1). */
function kinship(u: string, v: string, family: (v: string) => string): number {
  if (u.toLowerCase() === v.toLowerCase()) return 1;
  if (u === '*' || v === '*') return 0.1;
  if (globMatches(u, v) || globMatches(v, u)) return 0.8;
  return family(u) !== '' && family(u) === family(v) ? 0.4 : 0;
}

function globMatches(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return false;
  const source = pattern.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${source}$`, 'i').test(value);
}

function actionService(action: string): string {
  return action.includes(':') ? action.slice(0, action.indexOf(':')).toLowerCase() : '';
}

function arnService(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 2 && parts[0] === 'arn' ? `${parts[1]}:${parts[2]}` : '';
}

/** Where one statement of an edit goes: its slot, and the statement of that slot it replaces (if any). */
export interface Placement {
  slot: number;
  /** Index within the slot of the original statement it keeps or edits. */
  old?: number;
  statement: Statement;
}

/**
 * Place an edit's statements in the site's slots (a role's several `Policies` entries, a SAM function's inline
 * documents): a statement matched to an original one stays in its slot; a new one joins the slot of the
 * statement before it (or after it, or the first slot). Returns each slot's statements in order.
 */
export function placeStatements(slots: readonly Statement[][], edit: readonly Statement[]): Placement[][] {
  const flat = slots.flatMap((statements, slot) => statements.map((statement, index) => ({ slot, index, statement })));
  const pairs = new Map(align(flat, edit, (o, n) => statementScore(o.statement, n)).map(([o, n]) => [n, flat[o]]));
  const slotOf: Array<number | undefined> = edit.map((_s, j) => pairs.get(j)?.slot);
  for (let j = 0; j < edit.length; j++) if (slotOf[j] === undefined && j > 0) slotOf[j] = slotOf[j - 1];
  for (let j = edit.length - 2; j >= 0; j--) if (slotOf[j] === undefined) slotOf[j] = slotOf[j + 1];
  const placed: Placement[][] = slots.map(() => []);
  if (placed.length === 0) placed.push([]);
  edit.forEach((statement, j) => {
    const slot = slotOf[j] ?? 0;
    placed[slot].push({ slot, old: pairs.get(j)?.index, statement });
  });
  return placed;
}

/** The entries of a rewritten list of strings: equal items kept (in order), the others new. */
export function diffStrings(old: readonly string[], edit: readonly string[]): Array<{ keep: number } | { value: string }> {
  const pairs = new Map(align(old, edit, (x, y) => (x === y ? 1 : 0)).map(([o, n]) => [n, o]));
  return edit.map((value, j) => {
    const keep = pairs.get(j);
    return keep === undefined ? { value } : { keep };
  });
}
