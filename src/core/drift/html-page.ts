/**
 * The drift report page's shell: one self-contained HTML document (its style and its script inline, nothing
 * fetched when it is viewed) under a Content-Security-Policy that allows exactly that style and that script, by
 * their SHA-256 hashes, and nothing from the network (`default-src 'none'`). A value that got past escaping
 * still could not run a script or load anything.
 */
import { createHash } from 'node:crypto';
import { SORT_SCRIPT } from './html-script.js';

/** The page's style sheet (no external font, image or import). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa;
  --used: #2da44e; --unused: #cf222e; --unobservable: #8c959f; --rest: #d8dee4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 8px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
.muted, .hint { color: var(--muted); }
.hint { margin: 2px 0 6px; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; padding: 0; margin: 12px 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.cards b { display: block; font-size: 22px; }
.tripped { color: var(--unused); font-weight: 600; }
.passed { color: var(--used); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
#roles-table td a { white-space: nowrap; }
thead th { background: var(--bg); }
#roles-table thead th { position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; text-align: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
tbody tr:hover { background: var(--bg); }
.chart { width: 100%; max-width: 1000px; height: auto; }
.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.chart .used { fill: var(--used); } .chart .unused { fill: var(--unused); }
.chart .unobservable { fill: var(--unobservable); } .chart .rest { fill: var(--rest); }
.role { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
details > summary { cursor: pointer; font-weight: 600; margin: 8px 0 4px; }
ul.findings { margin: 4px 0; padding-left: 20px; }
ul.findings > li { margin: 6px 0; }
.finding div { margin-left: 4px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 10px; border: 1px solid; margin-right: 4px; }
.badge.new { color: #9a6700; border-color: #d4a72c; background: #fff8c5; }
.badge.ack { color: #0969da; border-color: #54aeff; background: #ddf4ff; }
.badge.shared { color: #8250df; border-color: #c297ff; background: #fbefff; }
.badge.error { color: var(--unused); border-color: var(--unused); }
.ack-note { color: #0969da; }
.note { border-left: 4px solid #0969da; padding: 4px 12px; background: #ddf4ff; }
footer { max-width: 1200px; margin: 32px auto; padding: 0 24px; color: var(--muted); }
`;

/** `'sha256-…'` of a style or script, as a CSP source. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's Content-Security-Policy: only its own style and script run; nothing is fetched. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${cspHash(PAGE_STYLE)}`,
  `script-src ${cspHash(SORT_SCRIPT)}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** A whole page around `body` (already escaped HTML); `title` is escaped HTML too. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    `<script>${SORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
