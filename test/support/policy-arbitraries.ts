/**
 * Shared fast-check arbitraries for IAM identity policies, plus a small action catalog and a brute-force
 * reference evaluator to check answers against.
 *
 * The world is deliberately small (4 services, 16 actions, a handful of ARNs, 3 condition keys, 2 user names) so
 * random policies overlap often and random requests hit them: properties find real cases, not disjoint noise.
 *
 * Exports:
 * - `TEST_ACTIONS`, `testActionUniverse` — a tiny catalog (`expandActionPattern`, `expandNotAction`).
 * - `arbActionPattern`, `arbResourcePattern`, `arbConditionBlock`, `arbStatement`, `arbAllowStatement`,
 *   `arbDenyStatement`, `arbPolicyDocument`, `arbPolicySet` — random policies with wildcards, NotAction,
 *   NotResource, Deny, conditions and `${aws:username}`.
 * - `arbConcreteAction`, `arbConcreteResource`, `arbWorld`, `arbRequest`, `arbRequestGrid` — concrete
 *   requests and fully known contexts (a grid: a few actions × a few worlds × every test resource).
 * - `referenceDecision(policies, request, world)` — IAM's decision for one fully known request, by regex
 *   matching and direct condition evaluation (independent of src/core/policy's matcher).
 * - `arbNarrowing` + `narrowPolicySet(policies, edits)` — edits that can only narrow (for "never widens").
 * - `arbWidening` + `widenPolicySet(policies, edits)` — edits that may widen (to make wrong suggestions).
 */

import fc from 'fast-check';
import type { ConditionBlock, Decision, PolicyDocument, Statement } from '../../src/core/policy/types.js';

/** Actions of the test catalog (canonical casing). */
export const TEST_ACTIONS: readonly string[] = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetBucketPolicy',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:DeleteTable',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'iam:PassRole',
  'iam:GetRole',
  'iam:CreateUser',
  'logs:PutLogEvents',
];

const regexCache = new Map<string, RegExp>();

function globToRegExp(pattern: string, flags = ''): RegExp {
  const key = `${flags}\u0000${pattern}`;
  const hit = regexCache.get(key);
  if (hit) return hit;
  const src = pattern.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  const re = new RegExp(`^${src}$`, flags);
  regexCache.set(key, re);
  return re;
}

/** A catalog over `TEST_ACTIONS` with the two queries the never-wider check needs. */
export const testActionUniverse = {
  expandActionPattern(pattern: string): string[] {
    const re = globToRegExp(pattern, 'i');
    return TEST_ACTIONS.filter((a) => re.test(a));
  },
  expandNotAction(patterns: string[]): string[] {
    const res = patterns.map((p) => globToRegExp(p, 'i'));
    return TEST_ACTIONS.filter((a) => !res.some((re) => re.test(a)));
  },
};

const SERVICES = ['s3', 'dynamodb', 'sqs', 'iam', 'logs'];

/** Random case, since IAM actions are case-insensitive. */
const arbCase = (s: string): fc.Arbitrary<string> =>
  fc.constantFrom(s, s.toLowerCase(), s.toUpperCase());

/** An action pattern: a literal action (any case), `svc:*`, `svc:Get*`, `svc:*Object`, a `?` pattern, or `*`. */
export const arbActionPattern: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TEST_ACTIONS).chain(arbCase) },
  { weight: 2, arbitrary: fc.constantFrom(...SERVICES).map((s) => `${s}:*`) },
  { weight: 2, arbitrary: fc.constantFrom('s3:Get*', 's3:*Object', 'dynamodb:*Item', 'sqs:*Message', 'iam:Get*', 's3:?etObject', 'sqs:???????????') },
  { weight: 1, arbitrary: fc.constant('*') },
);

/** Concrete ARNs of the test world. `home/alice/...` and `home/bob/...` interact with `${aws:username}`. */
export const TEST_RESOURCES: readonly string[] = [
  'arn:aws:s3:::orders',
  'arn:aws:s3:::orders/receipts/1.json',
  'arn:aws:s3:::orders/tmp/x',
  'arn:aws:s3:::audit/log',
  'arn:aws:s3:::home/alice/doc',
  'arn:aws:s3:::home/bob/doc',
  'arn:aws:dynamodb:us-east-1:111122223333:table/orders',
  'arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/byDate',
  'arn:aws:sqs:us-east-1:111122223333:orders-queue',
  'arn:aws:iam::111122223333:role/worker',
  '*',
];

/** A resource pattern: a concrete ARN, a prefix with `*`, `?` in place of a character, a variable, or `*`. */
export const arbResourcePattern: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEST_RESOURCES.filter((r) => r !== '*')) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'arn:aws:s3:::orders/*',
      'arn:aws:s3:::orders*',
      'arn:aws:s3:::orders/receipts/*',
      'arn:aws:s3:::*',
      'arn:aws:dynamodb:us-east-1:111122223333:table/orders*',
      'arn:aws:dynamodb:*:*:table/orders',
      'arn:aws:sqs:*',
      'arn:aws:iam::111122223333:role/*',
      'arn:aws:s3:::home/*/doc',
      'arn:aws:s3:::orders/tmp/?',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/${aws:username}/doc') },
  { weight: 1, arbitrary: fc.constant('*') },
);

/** Condition clauses of the test world (keys the reference evaluator knows). */
const CLAUSES: ReadonlyArray<[string, string, string[]]> = [
  ['StringEquals', 'aws:SourceVpc', ['vpc-1']],
  ['StringEquals', 'aws:SourceVpc', ['vpc-1', 'vpc-2']],
  ['StringNotEquals', 'aws:SourceVpc', ['vpc-3']],
  ['Bool', 'aws:SecureTransport', ['true']],
  ['Bool', 'aws:SecureTransport', ['false']],
  ['StringLike', 'aws:PrincipalTag/team', ['pay*']],
  ['StringEquals', 'aws:PrincipalTag/team', ['payments']],
];

/** A condition block of 1–2 clauses from the test world's keys. */
export const arbConditionBlock: fc.Arbitrary<ConditionBlock> = fc
  .uniqueArray(fc.constantFrom(...CLAUSES), { minLength: 1, maxLength: 2, selector: ([op, key]) => `${op} ${key}` })
  .map((clauses) => {
    const block: ConditionBlock = {};
    for (const [op, key, values] of clauses) (block[op] ??= {})[key] = [...values];
    return block;
  });

const list = <T>(a: fc.Arbitrary<T>, max = 3) => fc.uniqueArray(a, { minLength: 1, maxLength: max });

/** A statement with the given effect (or either), Action or NotAction, Resource or NotResource, maybe a condition. */
export function arbStatementWith(effect?: 'Allow' | 'Deny'): fc.Arbitrary<Statement> {
  return fc
    .record({
      effect: effect ? fc.constant(effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      // NotAction and NotResource are less common in real policies: 1 in 5 each.
      notAction: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      actions: list(arbActionPattern),
      notResource: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      resources: list(arbResourcePattern),
      condition: fc.option(arbConditionBlock, { freq: 3 }),
      sid: fc.option(fc.constantFrom('A', 'B', 'ReadOrders', 'NoDeletes'), { freq: 2 }),
    })
    .map((r) => {
      const s: Statement = { effect: r.effect };
      if (r.sid !== null) s.sid = r.sid;
      if (r.notAction) s.notAction = r.actions;
      else s.action = r.actions;
      if (r.notResource) s.notResource = r.resources;
      else s.resource = r.resources;
      if (r.condition !== null) s.condition = r.condition;
      return s;
    });
}

/** Any statement (Allow twice as likely as Deny). */
export const arbStatement: fc.Arbitrary<Statement> = arbStatementWith();
/** An Allow statement. */
export const arbAllowStatement: fc.Arbitrary<Statement> = arbStatementWith('Allow');
/** A Deny statement. */
export const arbDenyStatement: fc.Arbitrary<Statement> = arbStatementWith('Deny');

/** A 2012-10-17 policy document of 1–4 statements named `name`. */
export function arbPolicyDocument(name = 'doc'): fc.Arbitrary<PolicyDocument> {
  return fc.array(arbStatement, { minLength: 1, maxLength: 4 }).map((statements) => ({ name, version: '2012-10-17', statements }));
}

/** A role's policy set: 1–2 documents. */
export const arbPolicySet: fc.Arbitrary<PolicyDocument[]> = fc
  .array(fc.array(arbStatement, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 })
  .map((docs) => docs.map((statements, i) => ({ name: `doc${i}`, version: '2012-10-17', statements })));

/** A catalog action (any case). */
export const arbConcreteAction: fc.Arbitrary<string> = fc.constantFrom(...TEST_ACTIONS).chain(arbCase);
/** A concrete resource of the test world. */
export const arbConcreteResource: fc.Arbitrary<string> = fc.constantFrom(...TEST_RESOURCES);

/** A fully known request context: condition key values and the caller's user name. */
export interface World {
  username: string;
  /** Missing key = absent from the request. */
  keys: Record<string, string | undefined>;
}

/** A random world. */
export const arbWorld: fc.Arbitrary<World> = fc
  .record({
    username: fc.constantFrom('alice', 'bob'),
    vpc: fc.constantFrom(undefined, 'vpc-1', 'vpc-2', 'vpc-3'),
    tls: fc.constantFrom(undefined, 'true', 'false'),
    team: fc.constantFrom(undefined, 'payments', 'payroll', 'ops'),
  })
  .map((r) => ({ username: r.username, keys: { 'aws:SourceVpc': r.vpc, 'aws:SecureTransport': r.tls, 'aws:PrincipalTag/team': r.team } }));

/** A concrete request in a world. */
export const arbRequest = fc.record({ action: arbConcreteAction, resource: arbConcreteResource, world: arbWorld });

/** A batch of requests dense enough to hit narrow differences: a few actions × a few worlds × every test resource. */
export const arbRequestGrid = fc
  .tuple(fc.uniqueArray(arbConcreteAction, { minLength: 1, maxLength: 4 }), fc.array(arbWorld, { minLength: 1, maxLength: 6 }))
  .map(([actions, worlds]) => actions.flatMap((action) => worlds.flatMap((world) => TEST_RESOURCES.map((resource) => ({ action, resource, world })))));

function substitute(pattern: string, doc: PolicyDocument, world: World): string {
  if (doc.version !== '2012-10-17') return pattern;
  return pattern.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name === 'aws:username') return world.username;
    if (name === '*' || name === '?' || name === '$') return `\u0000${name}`; // escaped literal, restored below
    return `\u0001`; // unknown variable: matches nothing in this world
  });
}

function resourceRegExp(pattern: string): RegExp {
  // \u0000X is a literal X produced by an escape; everything else follows glob rules.
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\u0000') src += pattern[++i].replace(/[*?$]/g, '\\$&');
    else if (c === '*') src += '[\\s\\S]*';
    else if (c === '?') src += '[\\s\\S]';
    else src += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

function clauseHolds(op: string, key: string, values: string[], world: World): boolean {
  const v = world.keys[key];
  switch (op) {
    case 'StringEquals':
    case 'Bool':
      return v !== undefined && values.includes(v);
    case 'StringNotEquals':
      // IAM: a negated operator is true when the key is absent.
      return v === undefined || !values.includes(v);
    case 'StringLike':
      return v !== undefined && values.some((p) => globToRegExp(p).test(v));
    default:
      throw new Error(`reference evaluator: operator ${op} not modelled`);
  }
}

function applies(s: Statement, doc: PolicyDocument, action: string, resource: string, world: World): boolean {
  const actionHit = (ps: string[]) => ps.some((p) => globToRegExp(p, 'i').test(action));
  if (s.action && !actionHit(s.action)) return false;
  if (s.notAction && actionHit(s.notAction)) return false;
  const resHit = (ps: string[]) => ps.some((p) => resourceRegExp(substitute(p, doc, world)).test(resource));
  if (s.resource && !resHit(s.resource)) return false;
  if (s.notResource && resHit(s.notResource)) return false;
  if (!s.resource && !s.notResource) throw new Error('reference evaluator: statement without Resource not modelled');
  for (const [op, keys] of Object.entries(s.condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) if (!clauseHolds(op, key, values, world)) return false;
  }
  return true;
}

/** IAM's decision for one fully known request (reference implementation for tests). */
export function referenceDecision(policies: PolicyDocument[], request: { action: string; resource: string }, world: World): Decision {
  let allowed = false;
  for (const doc of policies) {
    for (const s of doc.statements) {
      if (!applies(s, doc, request.action, request.resource, world)) continue;
      if (s.effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allowed' : 'implicit-deny';
}

/** One narrowing edit of a policy set (indices are taken modulo the sizes). */
export type Narrowing =
  | { kind: 'drop-allow'; doc: number; stmt: number }
  | { kind: 'drop-action'; doc: number; stmt: number; item: number }
  | { kind: 'drop-resource'; doc: number; stmt: number; item: number }
  | { kind: 'add-condition'; doc: number; stmt: number; condition: ConditionBlock }
  | { kind: 'exclude-resource'; doc: number; stmt: number; pattern: string }
  | { kind: 'add-deny'; statement: Statement };

/** A random narrowing edit. */
export const arbNarrowing: fc.Arbitrary<Narrowing> = fc.oneof(
  fc.record({ kind: fc.constant('drop-allow' as const), doc: fc.nat(), stmt: fc.nat() }),
  fc.record({ kind: fc.constant('drop-action' as const), doc: fc.nat(), stmt: fc.nat(), item: fc.nat() }),
  fc.record({ kind: fc.constant('drop-resource' as const), doc: fc.nat(), stmt: fc.nat(), item: fc.nat() }),
  fc.record({ kind: fc.constant('add-condition' as const), doc: fc.nat(), stmt: fc.nat(), condition: arbConditionBlock }),
  fc.record({ kind: fc.constant('exclude-resource' as const), doc: fc.nat(), stmt: fc.nat(), pattern: arbResourcePattern }),
  fc.record({ kind: fc.constant('add-deny' as const), statement: arbDenyStatement }),
);

/**
 * Apply narrowing edits: each removes Allow statements or Allow actions/resources, adds a condition clause to an
 * Allow, excludes more resources from a NotResource Allow, or adds a Deny. None can widen what is allowed.
 */
export function narrowPolicySet(policies: PolicyDocument[], edits: Narrowing[]): PolicyDocument[] {
  const out: PolicyDocument[] = structuredClone(policies);
  for (const e of edits) {
    if (e.kind === 'add-deny') {
      out[0].statements.push(structuredClone(e.statement));
      continue;
    }
    const doc = out[e.doc % out.length];
    if (doc.statements.length === 0) continue;
    const idx = e.stmt % doc.statements.length;
    const s = doc.statements[idx];
    if (s.effect !== 'Allow') continue;
    switch (e.kind) {
      case 'drop-allow':
        doc.statements.splice(idx, 1);
        break;
      case 'drop-action':
        if (s.action && s.action.length > 1) s.action.splice(e.item % s.action.length, 1);
        break;
      case 'drop-resource':
        if (s.resource && s.resource.length > 1) s.resource.splice(e.item % s.resource.length, 1);
        break;
      case 'add-condition': {
        const c: ConditionBlock = structuredClone(s.condition ?? {});
        for (const [op, keys] of Object.entries(e.condition)) {
          for (const [key, values] of Object.entries(keys)) {
            // Adding a clause for a key the statement already tests under the same operator would replace it
            // (and could widen): skip those.
            if (c[op]?.[key] === undefined) (c[op] ??= {})[key] = values;
          }
        }
        s.condition = c;
        break;
      }
      case 'exclude-resource':
        if (s.notResource && !s.notResource.includes(e.pattern)) s.notResource.push(e.pattern);
        break;
    }
  }
  return out.filter((d) => d.statements.length > 0);
}

/** One edit that may widen a policy set (indices modulo sizes). Used to make "wrong" suggestions on purpose. */
export type Widening =
  | { kind: 'drop-deny'; doc: number; stmt: number }
  | { kind: 'condition-on-deny'; doc: number; stmt: number; condition: ConditionBlock }
  | { kind: 'drop-condition'; doc: number; stmt: number }
  | { kind: 'add-action'; doc: number; stmt: number; action: string }
  | { kind: 'add-resource'; doc: number; stmt: number; pattern: string }
  | { kind: 'drop-exclusion'; doc: number; stmt: number; item: number };

/** A random possibly-widening edit. */
export const arbWidening: fc.Arbitrary<Widening> = fc.oneof(
  fc.record({ kind: fc.constant('drop-deny' as const), doc: fc.nat(), stmt: fc.nat() }),
  fc.record({ kind: fc.constant('condition-on-deny' as const), doc: fc.nat(), stmt: fc.nat(), condition: arbConditionBlock }),
  fc.record({ kind: fc.constant('drop-condition' as const), doc: fc.nat(), stmt: fc.nat() }),
  fc.record({ kind: fc.constant('add-action' as const), doc: fc.nat(), stmt: fc.nat(), action: arbActionPattern }),
  fc.record({ kind: fc.constant('add-resource' as const), doc: fc.nat(), stmt: fc.nat(), pattern: arbResourcePattern }),
  fc.record({ kind: fc.constant('drop-exclusion' as const), doc: fc.nat(), stmt: fc.nat(), item: fc.nat() }),
);

/**
 * Apply possibly-widening edits: drop a Deny, add a condition to a Deny, drop a condition, add an action or a
 * resource to an Allow, remove an exclusion from a NotAction/NotResource Allow.
 */
export function widenPolicySet(policies: PolicyDocument[], edits: Widening[]): PolicyDocument[] {
  const out: PolicyDocument[] = structuredClone(policies);
  for (const e of edits) {
    const doc = out[e.doc % out.length];
    if (!doc || doc.statements.length === 0) continue;
    const idx = e.stmt % doc.statements.length;
    const s = doc.statements[idx];
    switch (e.kind) {
      case 'drop-deny':
        if (s.effect === 'Deny') doc.statements.splice(idx, 1);
        break;
      case 'condition-on-deny':
        if (s.effect === 'Deny') s.condition = { ...structuredClone(e.condition), ...(s.condition ?? {}) };
        break;
      case 'drop-condition':
        delete s.condition;
        break;
      case 'add-action':
        if (s.effect === 'Allow' && s.action && !s.action.includes(e.action)) s.action.push(e.action);
        break;
      case 'add-resource':
        if (s.effect === 'Allow' && s.resource && !s.resource.includes(e.pattern)) s.resource.push(e.pattern);
        break;
      case 'drop-exclusion': {
        const l = s.effect === 'Allow' ? (s.notAction ?? s.notResource) : undefined;
        if (l && l.length > 1) l.splice(e.item % l.length, 1);
        break;
      }
    }
  }
  return out.filter((d) => d.statements.length > 0);
}
