/**
 * The drift report's Markdown (job summary) against a golden file (test/fixtures/drift/sample.md), and by
 * meaning: the sections, the markers, escaping of hostile values from logs, and GitHub's 1 MiB summary limit.
 * `UPDATE_GOLDEN=1 npx vitest run test/drift/render-markdown.test.ts` rewrites the golden file; review the diff
 * by hand before committing it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { DRIFT_MARKDOWN_BUDGET, GITHUB_STEP_SUMMARY_MAX, renderDriftMarkdown } from '../../src/core/drift/render-markdown.js';
import { utf8Length } from '../../src/core/drift/render-common.js';
import type { DriftReport, RoleDrift } from '../../src/core/drift/types.js';
import { sampleDriftReport } from '../support/drift-sample.js';

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'drift');
const HOSTILE = 'evil<script>alert(1)</script>|*x*\u001b[31m';

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const expectGolden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

/** The Markdown with every code span removed (GitHub renders nothing inside one). */
function outsideCodeSpans(md: string): string {
  return md.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
}

/** A fleet of `roles` roles, each with `findings` findings, made from the sample's roles. */
export function bigReport(roles: number, findings: number): DriftReport {
  const report = sampleDriftReport();
  const template = report.roles[0]!;
  const deniedTemplate = report.roles[1]!.findings[1]!;
  report.roles = Array.from({ length: roles }, (_, i): RoleDrift => {
    const role = structuredClone(template);
    role.roleName = `role-${i}`;
    role.roleArn = `arn:aws:iam::111122223333:role/role-${i}`;
    role.risk = { ...role.risk, rank: i + 1 };
    role.findings = Array.from({ length: findings }, (_, j) => {
      const f = structuredClone(j % 10 === 9 ? deniedTemplate : template.findings[j % template.findings.length]!);
      f.action = `${f.action}${j}`;
      f.id = `${f.kind}[111122223333:role-${i}][${f.action}]`;
      return f;
    });
    return role;
  });
  report.totals.roles = roles;
  return report;
}

describe('renderDriftMarkdown', () => {
  const md = renderDriftMarkdown(sampleDriftReport());

  it('matches the golden file', () => {
    expectGolden('sample.md', md);
  });

  it('has the sections in order: headline, gate, comparison, overview, details, expired acknowledgements', () => {
    const at = (s: string) => md.indexOf(s);
    const order = ['# policy-trim drift report', '## Gate', '## Since the previous report', '## Roles by risk', '## Roles in detail', '## Expired acknowledgements'].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('headline counts what the totals say', () => {
    expect(md).toContain('**3 roles** in 2 accounts, window 2026-10-02 → 2026-11-01');
    expect(md).toContain('**3 unused actions**, of which **1 Permissions management** and **1 Write**');
    expect(md).toContain('**1 unused on `*`**');
    expect(md).toContain('**1 denied action**');
    expect(md).toContain('**1 shared role**');
  });

  it('says whether the gate tripped, with a count per condition', () => {
    expect(md).toContain('**Tripped**');
    expect(md).toContain('| `unused-permissions-management` | 1 |');
    const passed = sampleDriftReport();
    passed.gate = { ...passed.gate, tripped: false, counts: passed.gate.counts.map((c) => ({ ...c, count: 0 })) };
    expect(renderDriftMarkdown(passed)).toContain('**Passed**');
    const none = sampleDriftReport();
    none.gate = { failOn: [], counts: [], tripped: false };
    expect(renderDriftMarkdown(none)).toContain('No gate');
  });

  it('lists what changed since the previous report, and has no such section without a comparison', () => {
    expect(md).toContain('**Newly unused (1)**\n\n- `UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]`');
    expect(md).toContain('**Newly used (no longer unused) (1)**');
    expect(md).toContain('**New roles (1)**\n\n- `arn:aws:iam::444455556666:role/quiet-role`');
    expect(md).toContain('**Removed roles (1)**');
    expect(md).toContain('- `arn:aws:iam::111122223333:role/orders-api-role`: changed `orders-api-inline`');
    const without = sampleDriftReport();
    delete without.comparison;
    const text = renderDriftMarkdown(without);
    expect(text).not.toContain('previous report');
    expect(text).not.toContain('Newly');
  });

  it('has an overview row per role in risk order and explains the ranking', () => {
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(['orders-api-role', 'reports-role', 'quiet-role']);
    expect(rows[0]).toBe('| 1 | orders-api-role | 111122223333 | 2 (shared) | 12 | 4 | 2 | 1 | 1 | 1 | 0 | 0 |');
    expect(md).toContain('Roles are ranked by unused Permissions management actions, then unused Write actions, then unused actions on Resource `*`, then denied actions, then all unused actions');
  });

  it('puts each role in a collapsible block, findings grouped by kind, unused ones most dangerous level first', () => {
    expect(md.match(/^<details><summary>/gm)).toHaveLength(3);
    expect(md.match(/^<\/details>$/gm)).toHaveLength(3);
    const orders = md.slice(md.indexOf('<details><summary><b>#1 orders-api-role'), md.indexOf('</details>'));
    const kinds = ['#### Unused (2)', '#### Unused on Resource `*` (1)', '#### Narrowable (1)', '#### Unobservable (kept) (1)'].map((k) => orders.indexOf(k));
    expect(kinds.every((i) => i > 0)).toBe(true);
    expect([...kinds].sort((a, b) => a - b)).toEqual(kinds);
    expect(orders.indexOf('**Permissions management**')).toBeLessThan(orders.indexOf('**Write**'));
    expect(orders).toContain('id `UNUSED[111122223333:orders-api-role][iam:PassRole]`');
    expect(orders).toContain('→ used only on `arn:aws:dynamodb:us-east-1:111122223333:table/orders`');
    expect(orders).toContain('not observable (`never-logged`): CloudTrail does not record this action');
  });

  it('marks new and acknowledged findings, and lists expired acknowledgements', () => {
    expect(md).toContain('- 🆕 **new** `iam:PutRolePolicy`');
    expect(md).toContain('- ✔️ *acknowledged* `s3:GetBucketPolicy`');
    expect(md).toContain('acknowledged by `UNUSED[111122223333:reports-role][s3:*]`: read-only by design (until 2027-01-31)');
    expect(md).toContain('- `DENIED[111122223333:*][*]`: migration (until 2026-09-30)');
  });

  it('shows denied attempts with their count, error codes and sessions', () => {
    expect(md).toContain('`s3:PutObject` on `arn:aws:s3:::reports/<b>x</b>` refused 3 times (`AccessDenied`), last 2026-10-30T10:00:00Z, by evil\\<script');
  });

  it('never lets a value from a log through raw: no HTML outside code spans, no control character, no table cell split', () => {
    const outside = outsideCodeSpans(md);
    // Outside code spans the only tags are the report's own.
    const tags = outside.match(/(?<!\\)<\/?[a-z][^>]*>/gi) ?? [];
    expect([...new Set(tags)].sort()).toEqual(['</details>', '</summary>', '<b>', '</b>', '<details>', '<summary>'].sort());
    expect(md).not.toMatch(/(?<!\\)<script/);
    expect(md).not.toContain(HOSTILE);
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    // The hostile name's pipe is escaped: it cannot add a cell to a table or a list line.
    expect(md).toContain('evil\\<script\\>alert(1)\\</script\\>\\|\\*x\\*\\\\u001b\\[31m');
  });

  it('escapes HTML in the <summary> line, where Markdown escapes mean nothing', () => {
    const report = sampleDriftReport();
    report.roles[0]!.roleName = 'a<img src=x onerror=alert(1)>@team';
    const text = renderDriftMarkdown(report);
    const summary = text.split('\n').find((l) => l.startsWith('<details><summary><b>#1'))!;
    expect(summary).toContain('a&lt;img src=x onerror=alert(1)&gt;@\u200bteam');
    expect(outsideCodeSpans(text)).not.toMatch(/(?<!\\)<img/);
  });

  it('reads the same with no roles, no comparison and no expired acknowledgements', () => {
    const empty = sampleDriftReport();
    empty.roles = [];
    delete empty.comparison;
    empty.expiredAcknowledgements = [];
    const text = renderDriftMarkdown(empty);
    expect(text).toContain('No roles in this report.');
    expect(text).not.toContain('<details>');
    expect(text).not.toContain('Expired');
  });
});

describe('renderDriftMarkdown within GitHub’s job summary limit', () => {
  it('a report of 300 roles × 200 findings stays under 1 MiB, keeps the whole overview and says what it left out', () => {
    const report = bigReport(300, 200);
    const md = renderDriftMarkdown(report);
    const bytes = utf8Length(md);
    expect(bytes).toBe(Buffer.byteLength(md, 'utf8'));
    expect(bytes).toBeLessThanOrEqual(DRIFT_MARKDOWN_BUDGET);
    expect(bytes).toBeLessThan(GITHUB_STEP_SUMMARY_MAX);
    expect(md.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(300);
    const kept = md.match(/^<details><summary>/gm)?.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(300);
    const left = 300 - kept;
    expect(md).toContain(`**Details of ${left} roles (${left * 200} findings) left out**`);
    expect(md).toContain('The JSON and HTML reports have every role and finding.');
    // The riskiest roles keep their details: the blocks are the first ranks, in order.
    const ranks = [...md.matchAll(/^<details><summary><b>#(\d+) /gm)].map((m) => Number(m[1]));
    expect(ranks).toEqual(Array.from({ length: kept }, (_, i) => i + 1));
    expect(md.trimEnd().endsWith('every finding.*')).toBe(true);
  });

  it('a fleet too large for the overview itself lists as many rows as fit and says how many it did not', () => {
    const md = renderDriftMarkdown(bigReport(20_000, 0));
    expect(utf8Length(md)).toBeLessThanOrEqual(DRIFT_MARKDOWN_BUDGET);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l)).length;
    expect(rows).toBeGreaterThan(1000);
    expect(md).toContain(`*${20_000 - rows} more roles not listed here`);
  });

  it('a report that fits is not cut', () => {
    expect(renderDriftMarkdown(bigReport(5, 20))).not.toContain('left out');
  });
});
