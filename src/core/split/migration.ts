/**
 * The migration notes of a split (`suggest --split-by-function --migration FILE`): the order in which to move
 * from one shared role to one role per function without a function ever lacking a permission, the trust policy
 * each new role needs, what each function's trigger needs, and whether the shared role can be retired. Values
 * from logs (function and session names) are escaped for Markdown.
 */
import { formatCount, markdownCode, markdownText } from '../pr/markdown.js';
import type { SplitResult } from './split.js';

/** The trust policy of a Lambda execution role: the Lambda service may assume it. */
export const LAMBDA_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

/** What the notes are about. */
export interface MigrationContext {
  sharedRoleArn: string;
  /** The role each function moves to, by function name (the renderer's names). */
  roleNames: Map<string, string>;
  /** The window the usage was read in, for the reader. */
  window: string;
}

/** The notes as Markdown. */
export function migrationNotes(split: SplitResult, ctx: MigrationContext): string {
  const fnName = (f: string) => markdownCode(f);
  const lines: string[] = [
    `# Moving ${markdownCode(ctx.sharedRoleArn)} to one role per function`,
    '',
    `Usage read: ${markdownText(ctx.window)}. Each function's policy is never wider than the shared role's and allows every call the function was seen making.`,
    '',
    '## 1. Create one role per function',
    '',
    'Each with this trust policy (Lambda may assume it) and its own policy from the split:',
    '',
    '```json',
    JSON.stringify(LAMBDA_TRUST_POLICY, null, 2),
    '```',
    '',
    '| function | new role | observed calls in the window | actions kept |',
    '|---|---|---:|---:|',
    ...split.functions.map((f) => `| ${fnName(f.name)} | ${markdownCode(ctx.roleNames.get(f.name) ?? '')} | ${f.observed ? formatCount(f.usage.used.reduce((n, u) => n + u.count, 0)) : 'none'} | ${formatCount(f.result.stats.keptActions)} |`),
    '',
    '## 2. Point each function at its role, one at a time',
    '',
    'Switch one function (`aws lambda update-function-configuration --function-name NAME --role ARN`), then watch it before the next: its errors and throttles, and CloudTrail for calls by the new role with `errorCode` `AccessDenied`. A denied call means the window did not show that use: add the permission from the shared role\'s policy to that function\'s role.',
    '',
    ...triggerLines(split),
    ...idleLines(split),
    '## 3. Retire the shared role',
    '',
    ...retireLines(split),
  ];
  return lines.join('\n') + '\n';
}

/** What each function's trigger needs (its poller's calls), so a switched function keeps receiving events. */
function triggerLines(split: SplitResult): string[] {
  const polled = split.functions.flatMap((f) => f.notes.filter((n) => n.how === 'poller').map((n) => ({ f: f.name, sources: n.sources ?? [] })));
  if (polled.length === 0) return [];
  return [
    'Lambda reads these event sources with the function\'s role: the new role keeps the reads its trigger made.',
    '',
    ...polled.map((p) => `- ${markdownCode(p.f)}: ${p.sources.map((s) => markdownCode(s)).join(', ')}`),
    '',
  ];
}

/** Functions seen making no observable call: they keep only what CloudTrail could not have shown. */
function idleLines(split: SplitResult): string[] {
  const idle = split.functions.filter((f) => !f.observed);
  if (idle.length === 0) return [];
  return [
    `Made no observable call in the window (they keep only the shared role's unobservable remainder and the Lambda basics; run them before switching, or widen the window): ${idle.map((f) => markdownCode(f.name)).join(', ')}.`,
    '',
  ];
}

/** Whether the shared role can go, and if not, who else used it. */
function retireLines(split: SplitResult): string[] {
  if (!split.residual) return ['Nothing but the functions used the shared role in the window: once every function runs with its own role, delete it.'];
  const sessions = [...new Set(split.residual.notes.map((n) => n.session))].sort();
  const actions = split.residual.usage.used.map((u) => u.action);
  return [
    `**The shared role cannot be retired yet.** Calls made with it by something other than its functions (sessions ${sessions.map((s) => markdownCode(s)).join(', ')}) used ${formatCount(actions.length)} action(s): ${actions.slice(0, 20).map((a) => markdownCode(a)).join(', ')}${actions.length > 20 ? ', …' : ''}.`,
    'Find out who made them (a person, a script, another service), give them a role of their own (the residual policy of the split is what they used), and retire the shared role once no one else uses it.',
  ];
}
