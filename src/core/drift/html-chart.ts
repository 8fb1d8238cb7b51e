/**
 * The drift report's overview chart: inline SVG, one horizontal bar per role (risk order), its length the
 * actions granted, split into used, unused, unobservable (kept) and the rest of the grant. No script and no
 * external resource: it is drawn by the browser from the markup alone.
 */
import { clipText } from '../pr/markdown.js';
import { escapeHtml } from '../render/escape.js';
import { plural } from './render-common.js';
import type { RoleDrift } from './types.js';

/** Roles drawn at most (the riskiest); the table below lists them all. */
export const CHART_MAX_ROLES = 60;

const LABEL_WIDTH = 240;
const BAR_WIDTH = 600;
const COUNT_WIDTH = 160;
const ROW_HEIGHT = 24;
const BAR_HEIGHT = 16;
const TOP = 28;

const SEGMENTS = [
  { cls: 'used', label: 'used' },
  { cls: 'unused', label: 'unused' },
  { cls: 'unobservable', label: 'unobservable (kept)' },
  { cls: 'rest', label: 'rest of the grant' },
] as const;

/** The chart of `roles` (risk order) as an `<svg>` element, with a note when roles were left out. */
export function overviewChart(roles: readonly RoleDrift[]): string {
  if (roles.length === 0) return '<p>No roles to draw.</p>';
  const drawn = roles.slice(0, CHART_MAX_ROLES);
  const scale = Math.max(1, ...drawn.map((r) => Math.max(r.granted, r.used + r.unused + r.unobservable)));
  const width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH;
  const height = TOP + drawn.length * ROW_HEIGHT + 8;
  const lines = [
    `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    '<title id="chart-title">Actions granted per role: used, unused, unobservable (kept), rest of the grant</title>',
    legend(),
    ...drawn.map((role, i) => bar(role, i, scale)),
    '</svg>',
  ];
  if (roles.length > drawn.length) lines.push(`<p class="muted">The ${drawn.length} riskiest of ${plural(roles.length, 'role')}; the table lists every role.</p>`);
  return lines.join('\n');
}

function legend(): string {
  let x = LABEL_WIDTH;
  const items = SEGMENTS.map((s) => {
    const item = `<rect class="${s.cls}" x="${x}" y="6" width="12" height="12"/><text x="${x + 16}" y="16">${s.label}</text>`;
    x += 24 + s.label.length * 7;
    return item;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

/** One role's bar group: label, segments, counts, and a tooltip with the numbers. */
function bar(role: RoleDrift, i: number, scale: number): string {
  const y = TOP + i * ROW_HEIGHT;
  const rest = Math.max(0, role.granted - role.used - role.unused - role.unobservable);
  const counts = [role.used, role.unused, role.unobservable, rest];
  let x = LABEL_WIDTH;
  const rects = SEGMENTS.map((s, k) => {
    const n = counts[k]!;
    if (n === 0) return '';
    const w = Math.max(1.5, (n / scale) * BAR_WIDTH);
    const rect = `<rect class="${s.cls}" x="${fixed(x)}" y="${y}" width="${fixed(w)}" height="${BAR_HEIGHT}"/>`;
    x += w;
    return rect;
  }).join('');
  const name = escapeHtml(clipText(`#${role.risk.rank} ${role.roleName}`, 34));
  const tip = escapeHtml(`${role.roleName} (${role.account}): granted ${role.granted}, used ${role.used}, unused ${role.unused}, unobservable ${role.unobservable}`);
  return [
    `<g class="bar" data-rank="${role.risk.rank}">`,
    `<title>${tip}</title>`,
    `<text x="${LABEL_WIDTH - 8}" y="${y + 12}" text-anchor="end">${name}</text>`,
    rects,
    `<text x="${fixed(x + 6)}" y="${y + 12}">${role.used} used / ${role.granted} granted</text>`,
    '</g>',
  ].join('');
}

function fixed(n: number): string {
  return String(Math.round(n * 10) / 10);
}
