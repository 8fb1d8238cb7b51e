/**
 * The summary of a split, for a person on stderr: per function what it keeps and what the shared role granted it
 * that it never used, the residual, and the overlap as a function × service matrix. Lines are plain text; the
 * caller escapes them for the terminal (names come from logs).
 */
import type { SplitResult } from './split.js';

/** The summary's lines. */
export function splitSummaryLines(split: SplitResult, ctx: { roleArn: string; window: string }): string[] {
  const lines = [`split of ${ctx.roleArn} by function, ${ctx.window}: ${split.functions.length} function(s)${split.residual ? ' and a residual' : ''}`];
  for (const f of split.functions) {
    const s = f.result.stats;
    const seen = f.observed ? `${f.usage.used.length} action(s) used` : 'no observable call in the window: keeps only what CloudTrail cannot show';
    lines.push(`  ${f.name}: keeps ${s.keptActions} action(s) (${seen}); the shared role granted it ${s.removedActions} it never used; baselines ${f.baselines.join(', ') || 'none'}`);
    const polled = f.notes.filter((n) => n.how === 'poller').flatMap((n) => n.sources ?? []);
    if (polled.length) lines.push(`    its trigger's reads (Lambda's poller): ${[...new Set(polled)].join(', ')}`);
    if (f.notes.some((n) => n.how === 'mixed-session')) lines.push(`    some calls in its session were not made by the Lambda runtime: they are in the residual too`);
  }
  if (split.residual) {
    const sessions = [...new Set(split.residual.notes.map((n) => n.session))].sort();
    lines.push(`  residual (not any function's; sessions ${sessions.join(', ')}): ${split.residual.usage.used.map((u) => u.action).join(', ') || 'refused or failed calls only'} — the shared role cannot be retired while someone else uses it`);
  }
  lines.push(...matrixLines(split));
  return lines;
}

/** The function × service matrix as aligned text (counts of kept actions; `.` for none). */
function matrixLines(split: SplitResult): string[] {
  const { services, rows } = split.matrix;
  if (services.length === 0 || rows.length === 0) return [];
  const nameWidth = Math.max(8, ...rows.map((r) => r.functionName.length));
  const widths = services.map((s) => Math.max(s.length, ...rows.map((r) => String(r.counts[services.indexOf(s)]).length)));
  const header = `  ${'function'.padEnd(nameWidth)}  ${services.map((s, i) => s.padStart(widths[i]!)).join('  ')}`;
  return [
    '  actions kept per service:',
    header,
    ...rows.map((r) => `  ${r.functionName.padEnd(nameWidth)}  ${r.counts.map((c, i) => (c === 0 ? '.' : String(c)).padStart(widths[i]!)).join('  ')}`),
  ];
}
