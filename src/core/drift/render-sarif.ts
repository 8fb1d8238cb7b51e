/**
 * The drift report as SARIF 2.1.0 for GitHub code scanning (`drift --format sarif`): one run, one rule per kind
 * of finding and access level (sarif-rules.ts), one result per group of findings that one edit fixes
 * (sarif-results.ts), each with a physical location, a fingerprint that survives re-runs, and a suppression when
 * `.policy-trim.yml` acknowledges it.
 *
 * Sources: OASIS SARIF 2.1.0 (errata 01) and its JSON schema (test/fixtures/sarif/, see data/NOTICE); GitHub
 * Docs, "SARIF support for code scanning" (the properties GitHub reads, its limits) and "About code scanning
 * limits on SARIF results".
 */
import { groupFindings, groupResult, type SarifResult } from './sarif-results.js';
import { driftSarifRules, priorityOf } from './sarif-rules.js';
import type { DriftReport, SourceLocation } from './types.js';
import { escapeControls } from '../render/escape.js';
import { formatCount } from '../pr/markdown.js';

/**
 * Most results written to one run. GitHub accepts 25,000 results per run but stores and shows only the top
 * 5,000 ("prioritized by severity", GitHub Docs, "SARIF support for code scanning"): past that, alerts would
 * vanish without a word. The most severe are kept, and the run says how many were left out.
 */
export const MAX_SARIF_RESULTS = 5000;

/** Options of {@link renderDriftSarif}. */
export interface DriftSarifOptions {
  /**
   * Where a result is shown when neither its statement, nor its role's definition, nor its role's entry in
   * `.policy-trim.yml` is known (GitHub rejects a whole upload when one result has no location): usually
   * `.policy-trim.yml` itself, line 1. Repository-relative.
   */
  fallback: SourceLocation;
  /** The tool's home page (the driver's informationUri and each rule's helpUri). */
  informationUri?: string;
  /** At most this many results (default {@link MAX_SARIF_RESULTS}); the least severe are left out first. */
  maxResults?: number;
}

/** A SARIF notification of the run's invocation. */
interface Notification {
  level: 'warning' | 'error' | 'note';
  message: { text: string };
}

/**
 * The report as a SARIF 2.1.0 log (JSON text, two-space indented, ending in a newline). Every finding of
 * every role is in exactly one result, unless more than `maxResults` results would be written.
 */
export function renderDriftSarif(report: DriftReport, options: DriftSarifOptions): string {
  const rules = driftSarifRules(options.informationUri);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const levels = rules.map((r) => r.defaultConfiguration.level);
  const all = report.roles.flatMap((role) => groupFindings(role).map((g) => groupResult(g, { index, levels }, options.fallback)));
  const max = options.maxResults ?? MAX_SARIF_RESULTS;
  const { kept, leftOut } = capResults(all, max, (r) => priorityOf(rules[r.ruleIndex]!));
  const notifications = runNotifications(report, { total: all.length, leftOut, max });
  const run = {
    tool: {
      driver: {
        name: 'policy-trim',
        version: report.tool.version,
        ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
        rules,
      },
    },
    ...(notifications.length ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] } : {}),
    columnKind: 'utf16CodeUnits',
    results: kept,
    properties: {
      reportSchema: report.schema,
      reportVersion: report.version,
      generatedAt: report.generatedAt,
      window: report.window,
      accounts: report.accounts,
      roles: report.roles.length,
      ...(leftOut ? { resultsLeftOut: leftOut } : {}),
    },
  };
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * At most `max` results: the highest priority first, ties in report order (roles by risk, then kind); the ones
 * kept stay in report order. Returns how many were left out.
 */
export function capResults(results: SarifResult[], max: number, priority: (r: SarifResult) => number): { kept: SarifResult[]; leftOut: number } {
  if (results.length <= max) return { kept: results, leftOut: 0 };
  const order = results.map((r, i) => ({ i, p: priority(r) })).sort((a, b) => b.p - a.p || a.i - b.i);
  const keep = new Set(order.slice(0, Math.max(0, max)).map((o) => o.i));
  return { kept: results.filter((_, i) => keep.has(i)), leftOut: results.length - keep.size };
}

/** What the run says besides its results: results left out, roles that could not be analysed. */
function runNotifications(report: DriftReport, { total, leftOut, max }: { total: number; leftOut: number; max: number }): Notification[] {
  const out: Notification[] = [];
  if (leftOut > 0) {
    out.push({
      level: 'warning',
      message: {
        text: `${formatCount(leftOut)} of ${formatCount(total)} results left out (the least severe) to keep ${formatCount(max)}: GitHub code scanning shows at most ${formatCount(MAX_SARIF_RESULTS)} per run. The JSON or Markdown report has them all.`,
      },
    });
  }
  for (const role of report.roles) {
    if (role.error) out.push({ level: 'error', message: { text: `${escapeControls(role.roleArn)} could not be analysed: ${escapeControls(role.error.message)} (${escapeControls(role.error.code)})` } });
  }
  return out;
}
