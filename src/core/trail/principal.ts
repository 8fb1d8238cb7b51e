/**
 * Who a CloudTrail record's call was authorized as: the role of an assumed-role session (with the session
 * name, for Lambda the function name), the issuing user of a federated user, else the caller's own ARN.
 */

import { arnParts, isObject, str } from './extractors/common.js';

/** The principal of one record. */
export interface Principal {
  arn: string;
  type: string;
  sessionName?: string;
  partition?: string;
  account?: string;
}

/** Memoized ARN parsing for {@link principalOf} (see `createNormalizer`). */
export interface PrincipalMemo {
  /** Groups of `^arn:P:sts::ACCOUNT:assumed-role/ROLE/SESSION$`, or null when the ARN is not of that form. */
  assumedRole(arn: string): readonly string[] | null;
  /** Partition and account of an ARN, or undefined when it is not one. */
  arnParts(arn: string): { readonly partition: string; readonly account: string } | undefined;
}

/** Assumed-role session ARN: partition, account, role name, session name. */
const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d*):assumed-role\/([^/]+)\/(.+)$/;

/**
 * A memo of a pure function of one string, emptied whenever it reaches `max` entries: bounded memory on
 * unusual input (every key distinct) at the cost of recomputing; on real trails the keys repeat (a few
 * hundred roles and sessions), so nearly every lookup hits.
 */
function memoize<V>(max: number, compute: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) {
      if (cache.size >= max) cache.clear();
      v = compute(key);
      cache.set(key, v);
    }
    return v as V;
  };
}

/** Entries kept by each memo of this module before it is emptied (~100 bytes each: a few MiB at most). */
const MAX_MEMO = 20_000;

/**
 * The principal whose policies authorized the call. AssumedRole → the role (from `sessionIssuer.arn`, which
 * keeps the role path; else rebuilt from the assumed-role ARN); FederatedUser → the issuing IAM user; others →
 * their own ARN; AWSAccount without an ARN → the account root. Undefined when nothing identifies it.
 */
export function principalOf(uid: Record<string, unknown>, memo: PrincipalMemo): Principal | undefined {
  const type = str(uid.type) ?? 'Unknown';
  const own = str(uid.arn);
  const ctx = isObject(uid.sessionContext) ? uid.sessionContext : undefined;
  const issuer = ctx && isObject(ctx.sessionIssuer) ? str(ctx.sessionIssuer.arn) : undefined;
  const account = str(uid.accountId);
  if (type === 'AssumedRole') {
    const m = own ? memo.assumedRole(own) : null;
    const principalId = str(uid.principalId);
    const sessionName = m?.[4] ?? (principalId && principalId.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : undefined);
    const roleArn = issuer ?? (m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined);
    if (!roleArn) return undefined;
    const parts = memo.arnParts(roleArn);
    const p: Principal = { arn: roleArn, type, partition: parts?.partition, account: parts?.account || account };
    if (sessionName) p.sessionName = sessionName;
    return p;
  }
  if (type === 'FederatedUser') {
    const m = own ? /:federated-user\/(.+)$/.exec(own) : null;
    const p = issuer ?? own;
    if (!p) return undefined;
    return { arn: p, type, ...(m ? { sessionName: m[1] } : {}), partition: memo.arnParts(p)?.partition, account: memo.arnParts(p)?.account || account };
  }
  if (own) return { arn: own, type, partition: memo.arnParts(own)?.partition, account: memo.arnParts(own)?.account || account };
  if (type === 'AWSAccount' && account) return { arn: `arn:aws:iam::${account}:root`, type, account };
  return undefined;
}


/**
 * A fresh memo for {@link principalOf}: principal ARNs repeat on every call of a role or session, so each is
 * parsed once. Keyed on the ARN string alone (the parse is a pure function of it); bounded by MAX_MEMO.
 */
export function createPrincipalMemo(): PrincipalMemo {
  return {
    assumedRole: memoize(MAX_MEMO, (arn) => ASSUMED_ROLE_ARN.exec(arn)),
    arnParts: memoize(MAX_MEMO, (arn) => {
      const p = arnParts(arn);
      return p ? { partition: p.partition, account: p.account } : undefined;
    }),
  };
}
