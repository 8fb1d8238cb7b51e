/**
 * The rules of `.policy-trim.yml` a JSON Schema cannot say: a role listed twice, a file outside the repository,
 * a window that does not parse, an acknowledgement that has expired. Each check reads the plain value
 * defensively (it runs even when the schema failed elsewhere, so one run reports everything).
 */
import { parseRoleArn } from '../catalog/arn.js';
import { parseTimeWindow, TimeWindowError, type TimeWindowOptions } from '../usage/time-window.js';
import type { ConfigPath, ConfigProblem } from './types.js';
import { problemAt, type YamlSource } from './yaml-source.js';

/** What the rules found: errors stop the run, warnings are returned for the caller to show. */
export interface RuleFindings {
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

type Report = (path: ConfigPath, message: string) => void;

/** Runs every rule over the plain value. `now` dates the expiry check; without it no acknowledgement expires. */
export function ruleProblems(value: unknown, src: YamlSource, file: string, now?: Date): RuleFindings {
  const found: RuleFindings = { errors: [], warnings: [] };
  const error: Report = (p, m) => found.errors.push(problemAt(src, file, p, m));
  const warn: Report = (p, m) => found.warnings.push(problemAt(src, file, p, m));
  const root = record(value);
  if (!root) return found;
  checkRoles(list(root.roles), error, warn, src);
  checkSites(list(root.roles), error, warn);
  checkActivity(record(root.activity), error, warn, now);
  checkAccounts(list(root.accounts), list(root.roles), error, warn, src);
  checkAcknowledgements(list(root.acknowledge), error, warn, now, src);
  return found;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** "line N" of a node, for messages that point back at an earlier entry. */
function lineOf(src: YamlSource, path: ConfigPath): string {
  return `line ${src.locate(path).line}`;
}

/** A role's identity: IAM role names are unique per account whatever the path, and case-insensitively. */
export function roleIdentity(role: string): { name: string; account?: string } {
  const arn = parseRoleArn(role);
  return arn ? { name: arn.name.toLowerCase(), account: arn.account } : { name: role.toLowerCase() };
}

/** The same role twice is an error; a name beside an ARN of that name is a warning (the same role in that account). */
function checkRoles(roles: unknown[], error: Report, warn: Report, src: YamlSource): void {
  const seen = new Map<string, number>();
  roles.forEach((r, i) => {
    const role = record(r)?.role;
    if (typeof role !== 'string') return;
    const id = roleIdentity(role);
    const key = `${id.account ?? '*'}:${id.name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      error(['roles', i, 'role'], `the role '${role}' is already listed at ${lineOf(src, ['roles', earlier])} (roles[${earlier}]): merge the two entries`);
      return;
    }
    const other = id.account ? seen.get(`*:${id.name}`) : [...seen].find(([k]) => k.endsWith(`:${id.name}`) && !k.startsWith('*:'))?.[1];
    if (other !== undefined) {
      warn(['roles', i, 'role'], `'${role}' and roles[${other}] (${lineOf(src, ['roles', other])}) name the same role in ${id.account ?? 'the ARN\'s account'}: its settings come from both entries`);
    }
    seen.set(key, i);
    checkFunctions(list(record(r)?.functions), i, error);
  });
}

/** A function listed twice for one role: two sets of settings, and no way to tell which was meant. */
function checkFunctions(functions: unknown[], roleIndex: number, error: Report): void {
  const seen = new Map<string, number>();
  functions.forEach((f, j) => {
    const name = typeof f === 'string' ? f : record(f)?.name;
    if (typeof name !== 'string') return;
    const earlier = seen.get(name);
    if (earlier !== undefined) error(['roles', roleIndex, 'functions', j], `the function '${name}' is already listed (functions[${earlier}])`);
    else seen.set(name, j);
  });
}

/**
 * Why `file` is not a path inside the repository, or undefined. `..` that stays inside (`a/../b`) is allowed:
 * what matters is that an edit can never touch a file outside the work tree.
 */
export function repositoryPathProblem(file: string): string | undefined {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\')) {
    return `'${file}' is an absolute path: write it relative to the repository root`;
  }
  if (file.includes('\\')) return `'${file}' uses \\ between folders: write / (the same path on every system)`;
  let depth = 0;
  for (const seg of file.split('/')) {
    if (seg === '..') depth--;
    else if (seg !== '.' && seg !== '') depth++;
    if (depth < 0) return `'${file}' leaves the repository (..): policy-trim edits files inside the repository only`;
  }
  return depth === 0 ? `'${file}' names the repository itself, not a file` : undefined;
}

/** Files of `defined-in` entries stay inside the repository; the same place twice for one role is a warning. */
function checkSites(roles: unknown[], error: Report, warn: Report): void {
  roles.forEach((r, i) => {
    const seen = new Map<string, number>();
    list(record(r)?.['defined-in']).forEach((entry, j) => {
      const e = record(entry);
      const [format] = Object.keys(e ?? {});
      const site = format === undefined ? undefined : record(e![format]);
      if (!site || typeof site.file !== 'string') return;
      const problem = repositoryPathProblem(site.file);
      if (problem) error(['roles', i, 'defined-in', j, format!, 'file'], problem);
      const key = JSON.stringify([format, site]);
      const earlier = seen.get(key);
      if (earlier !== undefined) warn(['roles', i, 'defined-in', j], `the same place as defined-in[${earlier}]: it is read once`);
      else seen.set(key, j);
    });
  });
}

/** The window parses as the flags would (same parser), trail-config stays inside, Athena has its selectors. */
function checkActivity(activity: Record<string, unknown> | undefined, error: Report, warn: Report, now: Date | undefined): void {
  if (!activity) return;
  if (typeof activity['trail-config'] === 'string') {
    const problem = repositoryPathProblem(activity['trail-config']);
    if (problem) error(['activity', 'trail-config'], problem);
  }
  const window: TimeWindowOptions = {};
  for (const k of ['since', 'until'] as const) if (typeof activity[k] === 'string') window[k] = activity[k];
  if (typeof activity.days === 'number' && Number.isInteger(activity.days) && activity.days >= 1) window.days = activity.days;
  try {
    // Without a clock the syntax is still checked; only relative values need `now`, and any instant will do.
    parseTimeWindow(window, now ?? new Date(0));
  } catch (e) {
    if (!(e instanceof TimeWindowError)) throw e;
    error(['activity', e.option], e.message.replace(/--(since|until|days)\b/g, '$1'));
  }
  if (record(activity.athena) && activity['trail-name'] === undefined && activity['trail-config'] === undefined) {
    warn(['activity', 'athena'], 'Athena cannot see which data events the trail records: without trail-name or trail-config every data-event action stays unobservable');
  }
}

/** Account ids are listed once; a role ARN in an account outside the list is never read. */
function checkAccounts(accounts: unknown[], roles: unknown[], error: Report, warn: Report, src: YamlSource): void {
  const ids = new Map<string, number>();
  accounts.forEach((a, i) => {
    const id = record(a)?.id;
    if (typeof id !== 'string') return;
    const earlier = ids.get(id);
    if (earlier !== undefined) error(['accounts', i, 'id'], `the account ${id} is already listed at ${lineOf(src, ['accounts', earlier])}`);
    else ids.set(id, i);
  });
  if (ids.size === 0) return;
  roles.forEach((r, i) => {
    const role = record(r)?.role;
    const account = typeof role === 'string' ? roleIdentity(role).account : undefined;
    if (account && !ids.has(account)) warn(['roles', i, 'role'], `the role's account ${account} is not in accounts: it is read only with credentials for that account`);
  });
}

/** A real calendar date (the schema only checks the shape), compared with today in UTC. */
function checkAcknowledgements(acks: unknown[], error: Report, warn: Report, now: Date | undefined, src: YamlSource): void {
  const today = now ? now.toISOString().slice(0, 10) : undefined;
  const seen = new Map<string, number>();
  acks.forEach((a, i) => {
    const ack = record(a);
    const finding = ack?.finding;
    if (typeof finding === 'string') {
      const earlier = seen.get(finding);
      if (earlier !== undefined) warn(['acknowledge', i, 'finding'], `'${finding}' is already acknowledged at ${lineOf(src, ['acknowledge', earlier])}`);
      else seen.set(finding, i);
    }
    const until = ack?.until;
    if (typeof until !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(until)) return;
    if (!isCalendarDate(until)) error(['acknowledge', i, 'until'], `${until} is not a date in the calendar`);
    else if (today && until < today) {
      warn(['acknowledge', i, 'until'], `expired on ${until}: the finding counts again (renew the date with a reason, or fix what it is about)`);
    }
  });
}

/** `2027-02-30` has the shape of a date and is none. */
export function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
