/**
 * Trim's last phase: the output statements (Denies first, derived Allows, verbatim Allows) with unique Sids,
 * derived statements split to fit the size limit, packed into documents, each statement with its evidence.
 */
import type { PolicyDocument, Statement } from '../policy/types.js';
import { evidenceFor } from './evidence-for.js';
import { refKey } from './model.js';
import { documentChars, packStatements, splitStatement } from './size.js';
import type { ClassifiedStatements } from './classify.js';
import type { Draft } from './synthesize.js';
import {
  MANAGED_POLICIES_PER_ROLE,
  MANAGED_POLICY_MAX_CHARS,
  ROLE_INLINE_TOTAL_MAX_CHARS,
  type Finding,
  type StatementEvidence,
  type StatementRef,
} from './types.js';

/** `orders api` → `OrdersApi` (Sid-safe). */
function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** The suggestion's documents, each statement's evidence, and the size-limit finding. */
export function assemble(
  c: ClassifiedStatements,
  drafts: Draft[],
  target: 'managed' | 'inline',
  docName: string,
): { documents: PolicyDocument[]; evidence: StatementEvidence[]; sizeFinding: Finding } {
  const { denies, verbatimAllows } = c;
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
  const sizeFinding: Finding = {
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
  };
  return { documents, evidence, sizeFinding };
}
