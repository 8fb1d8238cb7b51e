/**
 * The drift report's HTML page against a golden file (test/fixtures/drift/sample.html), and by meaning:
 * self-contained (no URL it could fetch), a CSP whose hashes are those of its own style and script, every
 * section, every value escaped. `UPDATE_GOLDEN=1 npx vitest run test/drift/render-html.test.ts` rewrites the
 * golden file; review the diff by hand before committing it. The page in a real browser: html-browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { renderDriftHtml } from '../../src/core/drift/render-html.js';
import { escapeHtml } from '../../src/core/render/escape.js';
import { sampleDriftReport } from '../support/drift-sample.js';

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'drift');

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const expectGolden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

/** The text of every element `<tag>…</tag>` (non-greedy, for the page's own flat elements). */
function contents(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('escapeHtml', () => {
  it('escapes the five metacharacters and turns control characters into visible escapes', () => {
    expect(escapeHtml(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;');
    expect(escapeHtml('x\u001b[31m\ny\u202e')).toBe('x\\u001b[31m\\ny\\u202e');
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('renderDriftHtml', () => {
  const html = renderDriftHtml(sampleDriftReport());

  it('matches the golden file', () => {
    expectGolden('sample.html', html);
  });

  it('is one self-contained document: no URL, no external resource, one inline script and one inline style', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/\b(?:src|href|action|formaction|srcset|poster|data)\s*=\s*"(?!#)/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg")/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html.match(/<style\b/g)).toHaveLength(1);
  });

  it('allows exactly its own style and script by hash and nothing from the network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const [style] = contents(html, 'style');
    const [script] = contents(html, 'script');
    expect(csp).toBe(`default-src 'none'; style-src ${sha256(style!)}; script-src ${sha256(script!)}; img-src data:; base-uri 'none'; form-action 'none'`);
    // The policy comes before the style and the script it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('has every section: summary, gate, comparison, chart, table, details, expired acknowledgements', () => {
    for (const id of ['summary', 'gate', 'changes', 'chart', 'roles', 'details', 'expired']) expect(html).toContain(`<section id="${id}"`);
    expect(html).toContain('<p class="tripped">Tripped');
    const without = sampleDriftReport();
    delete without.comparison;
    expect(renderDriftHtml(without)).not.toContain('id="changes"');
  });

  it('draws one bar group per role and a table row per role, in risk order, with sort values', () => {
    expect(html.match(/<g class="bar" data-rank="\d+">/g)).toEqual(['<g class="bar" data-rank="1">', '<g class="bar" data-rank="2">', '<g class="bar" data-rank="3">']);
    const rows = html.match(/<tr data-rank="\d+">/g);
    expect(rows).toEqual(['<tr data-rank="1">', '<tr data-rank="2">', '<tr data-rank="3">']);
    expect(html.match(/<th scope="col" data-type="number" aria-sort="ascending" class="num"><button type="button">Rank<\/button>/g)).toHaveLength(1);
    expect(html).toContain('<td data-sort="2" class="num">2</td>');
    expect(html).toContain('<td data-sort="2" class="num">2 (shared)</td>');
  });

  it('shows each finding with its evidence, id, statements, markers and acknowledgement', () => {
    expect(html).toContain('<li class="finding new"><span class="badge new">new</span><code>iam:PutRolePolicy</code>');
    expect(html).toContain('id <code>UNUSED[111122223333:orders-api-role][iam:PassRole]</code>');
    expect(html).toContain('Granted by <code>orders-api-inline</code> statement 1 (Sid <code>Admin</code>) at <code>infra/orders.tf:42</code>');
    expect(html).toContain('Used only on: <code>arn:aws:dynamodb:us-east-1:111122223333:table/orders</code>');
    expect(html).toContain('Not observable (<code>never-logged</code>): CloudTrail does not record this action');
    expect(html).toContain('Refused 3 times, last 2026-10-30T10:00:00Z; error codes: <code>AccessDenied</code>');
    expect(html).toContain('<div class="ack-note">Acknowledged by <code>UNUSED[111122223333:reports-role][s3:*]</code>: read-only by design (until 2027-01-31)</div>');
    expect(html).toContain('<li><code>DENIED[111122223333:*][*]</code>: migration (until 2026-09-30)</li>');
  });

  it('escapes every value: the hostile name and resource appear only escaped, no control character survives', () => {
    expect(html).not.toContain('evil<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('evil&lt;script&gt;alert(1)&lt;/script&gt;|*x*\\u001b[31m');
    expect(html).toContain('arn:aws:s3:::reports/&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    // Every tag in the page is one the renderer writes.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const own = 'html head meta title style body header h1 h2 h3 h4 p main section ul li b table thead tbody tr th td button code a span svg g rect text details summary dl dt dd div br strong footer script';
    expect([...tags].filter((t) => !own.split(' ').includes(t))).toEqual([]);
  });

  it('keeps a hostile value out of attributes and ids: anchors come from ranks', () => {
    const report = sampleDriftReport();
    report.roles[0]!.roleName = `x" onmouseover="alert(1)`;
    const page = renderDriftHtml(report);
    expect(page).not.toContain('" onmouseover="');
    expect(page).toContain('data-sort="x&quot; onmouseover=&quot;alert(1)"');
    expect(page).toContain('<section class="role" id="role-1"');
  });
});

describe('renderDriftHtml, a grant-everything role', () => {
  it('lists at most HTML_LIST_MAX findings per list and says how many more the JSON report has', async () => {
    const { HTML_LIST_MAX } = await import('../../src/core/drift/html-role.js');
    const report = sampleDriftReport();
    const role = report.roles[0]!;
    const base = role.findings.find((f) => f.kind === 'UNUSED' && f.accessLevel === 'Write')!;
    role.findings = Array.from({ length: HTML_LIST_MAX + 1500 }, (_, i) => ({ ...base, id: `UNUSED[111122223333:orders-api-role][svc:Action${i}]`, action: `svc:Action${i}` }));
    const html = renderDriftHtml(report);
    expect(html).toContain('svc:Action499<');
    expect(html).not.toContain('svc:Action500<');
    expect(html).toContain('…and 1,500 more: the JSON report lists every finding.');
  });
});
