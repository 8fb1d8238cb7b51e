/**
 * core/split/pr-body.ts on a made-up split: the title, what the body says about the shared role with and without
 * a residual, and the shortened body when the whole report is over the limit (the full report to be committed).
 */
import { describe, expect, it } from 'vitest';
import type { SplitPullRequestInput } from '../../src/core/split/pr-body.js';
import { renderSplitPullRequest, splitPullRequestTitle } from '../../src/core/split/pr-body.js';
import type { SplitResult } from '../../src/core/split/split.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';

/** A function's part as the body reads it (the rest of a suggestion is not read). */
function part(name: string, used: number) {
  return {
    name,
    usage: { used: used ? [{ action: 's3:GetObject', count: used }] : [], denied: [], failed: [] },
    result: { stats: { keptActions: 3, removedActions: 40 }, documents: [] },
    baselines: ['lambda-basic'],
    observed: used > 0,
    notes: [],
  };
}

function input(split: Partial<SplitResult> = {}, more: Partial<SplitPullRequestInput> = {}): SplitPullRequestInput {
  const names = Array.from({ length: 40 }, (_, i) => `orders-fn-${String(i).padStart(2, '0')}`);
  return {
    role: ROLE,
    split: { functions: names.map((n, i) => part(n, i)), matrix: { services: ['s3'], rows: names.map((n) => ({ functionName: n, counts: [3] })) }, ...split } as unknown as SplitResult,
    edit: { file: 'infra/main.tf', format: 'terraform', roles: names.map((n) => ({ functionName: n, roleName: `orders-api-role-${n}`, id: `aws_iam_role.${n.replace(/-/g, '_')}` })) },
    observed: { window: { since: '2026-10-02T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' }, sources: [{ kind: 'files', location: 'AWSLogs' }], records: { read: 10, byRole: 9, outsideWindow: 0, problems: 0 }, sessions: names },
    window: '2026-10-02 .. 2026-11-01',
    toolVersion: '0.1.0',
    baseBranch: 'main',
    reportPath: '.policy-trim/reports/split-by-function-orders-api-role.md',
    ...more,
  };
}

describe('renderSplitPullRequest', () => {
  it('titles the pull request by the role and the number of functions, clipped to 100 characters', () => {
    expect(splitPullRequestTitle(ROLE, 3)).toBe('policy-trim: one role per function for orders-api-role (3 functions)');
    const long = splitPullRequestTitle(`arn:aws:iam::123456789012:role/${'r'.repeat(64)}`, 1);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith('… (1 function)')).toBe(true);
  });

  it('says whether the shared role can be retired: not while a residual session uses it', () => {
    const free = renderSplitPullRequest(input()).body;
    expect(free).toContain('> Nothing but its functions used the shared role in the window');
    const residual = { usage: { used: [{ action: 'dynamodb:Scan', count: 1 }], denied: [], failed: [] }, result: { stats: {}, documents: [] }, notes: [{ session: 'pat@example.com', how: 'not-a-function' }] };
    const kept = renderSplitPullRequest(input({ residual } as unknown as Partial<SplitResult>)).body;
    expect(kept).toContain('> **The shared role cannot be retired yet.** It was also used by something other than its functions (sessions `pat@example.com`)');
    expect(kept).toContain('**The shared role cannot be retired yet.** Calls made with it by something other than its functions');
  });

  it('over the limit: the body keeps the summary and the new roles and says where the full report is', () => {
    const whole = renderSplitPullRequest(input());
    expect(whole.fullReport).toBeUndefined();
    const short = renderSplitPullRequest(input({}, { maxLength: whole.body.length - 1 }));
    expect(short.body.length).toBeLessThan(whole.body.length);
    expect(short.body).toContain('> **This description is shortened**');
    expect(short.body).toContain('`.policy-trim/reports/split-by-function-orders-api-role.md`');
    expect(short.body).toContain('| `orders-fn-39` | `orders-api-role-orders-fn-39` | `aws_iam_role.orders_fn_39` |');
    expect(short.body).not.toContain('### Rollout');
    expect(short.fullReport).toBe(`# ${short.title}\n\n${whole.body}`);
  });
});
