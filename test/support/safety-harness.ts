/**
 * Red-team harness for `policy-trim suggest`: build a workspace (policy files, trail files, trail config), run
 * the CLI in-process, and judge the suggestion with the evaluator over concrete probes, never by comparing
 * strings. Probes are derived independently of trim: every pattern of either side is instantiated into
 * concrete ARNs (each `*` → '', 'zz', 'p/q*r', each `?` → 'q'), plus the calls of the trail and extra ARNs the
 * test names.
 */
import { mkdtempSync, mkdirSync, readdirSync as readdir, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { evaluate, parsePolicyDocument, statementMatchesAction } from '../../src/core/policy/index.js';
import type { AccessRequest, ConditionBlock, PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { runCli, type CliRun } from './cli.js';

export const ACCOUNT = '111122223333';
export const ROLE_NAME = 'app-role';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;

export const catalog = loadBundledCatalog();

const made: string[] = [];
/** Remove every workspace made so far (call from afterAll). */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Options of one CloudTrail record. */
export interface RecordSpec {
  source: string;
  name: string;
  params?: Record<string, unknown>;
  time?: string;
  session?: string;
  account?: string;
  roleName?: string;
  partition?: string;
  region?: string;
  errorCode?: string;
  category?: 'Management' | 'Data';
  readOnly?: boolean;
  extra?: Record<string, unknown>;
}

/** A CloudTrail record made by the role (or another principal, per `account`/`roleName`). */
export function rec(r: RecordSpec): Record<string, unknown> {
  const account = r.account ?? ACCOUNT;
  const partition = r.partition ?? 'aws';
  const roleName = r.roleName ?? ROLE_NAME;
  const session = r.session ?? 'app-fn';
  const category = r.category ?? 'Management';
  return {
    eventVersion: '1.09',
    eventTime: r.time ?? '2026-11-10T10:00:00Z',
    eventSource: r.source,
    eventName: r.name,
    awsRegion: r.region ?? 'us-east-1',
    recipientAccountId: account,
    eventCategory: category,
    managementEvent: category === 'Management',
    readOnly: r.readOnly ?? false,
    eventType: 'AwsApiCall',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${session}`,
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:${partition}:iam::${account}:role/${roleName}`, accountId: account, userName: roleName },
      },
    },
    requestParameters: r.params ?? null,
    ...(r.errorCode ? { errorCode: r.errorCode, errorMessage: 'refused' } : {}),
    ...(r.extra ?? {}),
  };
}

/** Trail selectors recording management events and every data event of the given resource types. */
export function selectors(dataTypes: string[] = [], extra: unknown[] = []): unknown {
  return {
    // A multi-Region trail with global service events (what `aws cloudtrail get-trail` adds): every Region's calls
    // are in the logs the scenario writes.
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    AdvancedEventSelectors: [
      { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...dataTypes.map((t) => ({ Name: t, FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: [t] }] })),
      ...extra,
    ],
  };
}

/** One scenario's files. */
export interface Workspace {
  dir: string;
  policyDir: string;
  trailDir: string;
}

/** Write policies (name → document JSON), trail files (name → records) and an optional trail config. */
export function workspace(policies: Record<string, unknown>, trail: Record<string, Record<string, unknown>[]>, config?: unknown): Workspace & { config?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'policy-trim-safety-'));
  made.push(dir);
  const policyDir = join(dir, 'policies');
  const trailDir = join(dir, 'trail');
  mkdirSync(policyDir);
  mkdirSync(trailDir);
  for (const [name, doc] of Object.entries(policies)) writeFileSync(join(policyDir, name), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  for (const [name, records] of Object.entries(trail)) writeFileSync(join(trailDir, name), JSON.stringify({ Records: records }));
  let configFile: string | undefined;
  if (config !== undefined) {
    configFile = join(dir, 'selectors.json');
    writeFileSync(configFile, JSON.stringify(config));
  }
  return { dir, policyDir, trailDir, config: configFile };
}

/** Result of one suggest run, parsed. */
export interface SuggestRun extends CliRun {
  original: PolicyDocument[];
  suggestion: PolicyDocument[];
}

/** Run `suggest` offline on a workspace; `extra` are more CLI arguments. Reads the original back with the project's parser. */
export async function suggestOn(ws: Workspace & { config?: string }, extra: string[] = [], role = ROLE_NAME): Promise<SuggestRun> {
  const args = ['suggest', '--role', role, '--policy', ws.policyDir, '--trail', ws.trailDir, '--jobs', '1', '--baseline', 'none', ...(ws.config ? ['--trail-config', ws.config] : []), ...extra];
  const run = await runCli(args);
  const original = readOriginal(ws);
  let suggestion: PolicyDocument[] = [];
  if (run.code === 0 || run.code === 2) {
    const parsed = JSON.parse(run.stdout) as unknown;
    const docs = Array.isArray(parsed) ? parsed : [parsed];
    suggestion = docs.map((d, i) => parsePolicyDocument(JSON.stringify((d as { PolicyDocument?: unknown }).PolicyDocument ?? d), `suggestion-${i}`));
  }
  return { ...run, original, suggestion };
}

function readOriginal(ws: Workspace): PolicyDocument[] {
  return readdir(ws.policyDir)
    .sort()
    .map((f) => parsePolicyDocument(readFileSync(join(ws.policyDir, f), 'utf8'), f));
}

// ---------------------------------------------------------------------------------------------------------
// Probes

const STAR_FILL = ['', 'zz', 'p/q*r'];

/** Concrete strings a pattern matches: each `*` replaced by each fill (same fill everywhere), `?` by 'q'. */
export function instances(pattern: string): string[] {
  if (pattern === '*') return [];
  const noVars = pattern.replace(/\$\{[^}]*\}/g, 'alice');
  return [...new Set(STAR_FILL.map((f) => noVars.replace(/\*/g, f).replace(/\?/g, 'q')))];
}

function statementsOf(docs: PolicyDocument[]): Statement[] {
  return docs.flatMap((d) => d.statements);
}

/** Every resource pattern written in the documents. */
export function resourcePatterns(docs: PolicyDocument[]): string[] {
  return statementsOf(docs).flatMap((s) => [...(s.resource ?? []), ...(s.notResource ?? [])]);
}

/** Probe resources: instances of every pattern on both sides, plus `extra` (trail ARNs, cross-partition ARNs). */
export function probeResources(original: PolicyDocument[], suggestion: PolicyDocument[], extra: string[] = []): string[] {
  const out = new Set<string>(extra);
  for (const p of [...resourcePatterns(original), ...resourcePatterns(suggestion)]) {
    out.add(p); // the pattern itself, read as a literal resource
    for (const i of instances(p)) out.add(i);
  }
  out.add('arn:aws:s3:::unrelated-bucket/k');
  out.add(`arn:aws:sqs:us-east-1:${ACCOUNT}:unrelated`);
  return [...out].sort();
}

/**
 * Probe actions: every catalog action matched by an Action pattern of either side; for NotAction or `*`,
 * every action of the services either side or `services` names (a full 20k sweep is too slow per probe).
 * Also a lower-case spelling of each, since IAM action names are case-insensitive.
 */
export function probeActions(original: PolicyDocument[], suggestion: PolicyDocument[], services: string[] = []): string[] {
  const out = new Set<string>();
  const svc = new Set(services);
  const pinned = services.length > 0;
  for (const s of statementsOf(original)) {
    for (const p of [...(s.action ?? []), ...(s.notAction ?? [])]) {
      const prefix = p.split(':')[0].toLowerCase();
      if (!pinned && !/[*?]/.test(prefix)) svc.add(prefix);
    }
  }
  for (const s of statementsOf([...original, ...suggestion])) {
    for (const p of [...(s.action ?? []), ...(s.notAction ?? [])]) {
      if (!/[*?]/.test(p)) out.add(p);
    }
  }
  // Only the named services (a NotAction or `*` grant expands to 20k actions: too many to probe each).
  for (const prefix of svc) for (const a of catalog.actionsOf(prefix)) out.add(a.id);
  for (const a of [...out]) out.add(a.toLowerCase());
  return [...out].sort();
}

/** Contexts to evaluate under: none, and each condition block of either side (alone), and all at once. */
export function probeContexts(original: PolicyDocument[], suggestion: PolicyDocument[]): (ConditionBlock | undefined)[] {
  const blocks = statementsOf([...original, ...suggestion])
    .map((s) => s.condition)
    .filter((c): c is ConditionBlock => !!c && Object.keys(c).length > 0);
  const uniq = [...new Map(blocks.map((b) => [JSON.stringify(b), b])).values()];
  const all: ConditionBlock = {};
  for (const b of uniq) for (const [op, kv] of Object.entries(b)) all[op] = { ...(all[op] ?? {}), ...kv };
  return [undefined, ...uniq, ...(uniq.length > 1 ? [all] : [])];
}

/** A violation found by a probe. */
export interface Violation {
  action: string;
  resource: string;
  context?: ConditionBlock;
  why: string;
}

/**
 * Never wider, by probing: for every (action, resource, context), a suggestion that may allow implies the
 * original may allow, and a suggestion that must allow implies the original must allow. Returns violations.
 */
export function widerThan(original: PolicyDocument[], suggestion: PolicyDocument[], actions: string[], resources: string[]): Violation[] {
  const out: Violation[] = [];
  const contexts = probeContexts(original, suggestion);
  // Only statements whose Action/NotAction matches decide a request for that action: evaluating each action
  // against its own statements gives the same answers and keeps 10k-action suggestions fast to probe.
  const only = (docs: PolicyDocument[], action: string): PolicyDocument[] =>
    docs.map((d) => ({ ...d, statements: d.statements.filter((st) => statementMatchesAction(st, action)) }));
  for (const action of actions) {
    const suggestionDocs = only(suggestion, action);
    const originalDocs = only(original, action);
    if (suggestionDocs.every((d) => d.statements.length === 0)) continue;
    for (const resource of resources) {
      const req: AccessRequest = { action, resource };
      if (evaluate(suggestionDocs, req, { mode: 'may-allow' }) === 'allowed' && evaluate(originalDocs, req, { mode: 'may-allow' }) !== 'allowed') {
        out.push({ action, resource, why: 'suggestion may allow, original never does' });
      }
      for (const context of contexts) {
        const r = context ? { ...req, context } : req;
        if (evaluate(suggestionDocs, r, { mode: 'must-allow' }) === 'allowed' && evaluate(originalDocs, r, { mode: 'must-allow' }) !== 'allowed') {
          out.push({ action, resource, context, why: 'suggestion must allow, original does not certainly allow' });
        }
      }
    }
  }
  return out;
}

/** Assert never wider over the derived probes (plus `extraResources`). */
export function expectNeverWider(run: SuggestRun, extraResources: string[] = [], services: string[] = []): void {
  const actions = probeActions(run.original, run.suggestion, services);
  const resources = probeResources(run.original, run.suggestion, extraResources);
  const v = widerThan(run.original, run.suggestion, actions, resources);
  expect(v.slice(0, 5), `suggestion wider than original:\n${JSON.stringify(run.suggestion.map((d) => d.statements), null, 1)}`).toEqual([]);
}

/**
 * Covers what ran: every call the original certainly allows (with the call's context), the suggestion certainly
 * allows too; calls the original allows only conditionally must stay possible.
 */
export function expectCovers(run: SuggestRun, calls: AccessRequest[]): void {
  for (const call of calls) {
    const must = evaluate(run.original, call, { mode: 'must-allow' }) === 'allowed';
    const may = evaluate(run.original, call, { mode: 'may-allow' }) === 'allowed';
    expect(must || may, `test setup: the original does not allow ${call.action} on ${call.resource}`).toBe(true);
    if (must) expect(evaluate(run.suggestion, call, { mode: 'must-allow' }), `${call.action} on ${call.resource}`).toBe('allowed');
    else expect(evaluate(run.suggestion, call, { mode: 'may-allow' }), `${call.action} on ${call.resource} (conditional)`).toBe('allowed');
  }
}

/** The suggestion may still allow each (action, resource): kept, e.g. unobservable. */
export function expectKept(run: SuggestRun, calls: AccessRequest[]): void {
  for (const c of calls) expect(evaluate(run.suggestion, c, { mode: 'may-allow' }), `kept ${c.action} on ${c.resource}`).toBe('allowed');
}

/** The suggestion cannot allow each (action, resource): removed or denied. */
export function expectGone(run: SuggestRun, calls: AccessRequest[]): void {
  for (const c of calls) expect(evaluate(run.suggestion, c, { mode: 'may-allow' }), `gone ${c.action} on ${c.resource}`).not.toBe('allowed');
}

/** Run twice and once more with the trail's records reversed into separate files: byte-identical stdout. */
export async function expectDeterministic(ws: Workspace & { config?: string }, first: SuggestRun, extra: string[] = [], role = ROLE_NAME): Promise<void> {
  const again = await suggestOn(ws, extra, role);
  expect(again.stdout).toBe(first.stdout);
  // Same records, other order and file split.
  const records = readdir(ws.trailDir)
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(join(ws.trailDir, f), 'utf8')) as { Records: unknown[] }).Records);
  const shuffled = mkdtempSync(join(tmpdir(), 'policy-trim-safety-'));
  made.push(shuffled);
  const rev = [...records].reverse();
  const half = Math.ceil(rev.length / 2);
  writeFileSync(join(shuffled, 'a.json'), JSON.stringify({ Records: rev.slice(0, half) }));
  writeFileSync(join(shuffled, 'b.json'), JSON.stringify({ Records: rev.slice(half) }));
  const reordered = await suggestOn({ ...ws, trailDir: shuffled }, extra, role);
  expect(reordered.stdout).toBe(first.stdout);
}

/** The standard checks for a run that should succeed. */
export async function expectContract(
  ws: Workspace & { config?: string },
  run: SuggestRun,
  o: { calls?: AccessRequest[]; kept?: AccessRequest[]; resources?: string[]; services?: string[]; extra?: string[]; role?: string } = {},
): Promise<void> {
  expect(run.code, run.stderr).toBe(0);
  expect(run.suggestion.length).toBeGreaterThan(0);
  expectNeverWider(run, [...(o.resources ?? []), ...(o.calls ?? []).map((c) => c.resource), ...(o.kept ?? []).map((c) => c.resource)], o.services);
  expectCovers(run, o.calls ?? []);
  expectKept(run, o.kept ?? []);
  await expectDeterministic(ws, run, o.extra, o.role);
}

/** An identity policy document. */
export function policy(...statements: Record<string, unknown>[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}
