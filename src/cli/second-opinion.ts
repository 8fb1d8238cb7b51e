/**
 * `suggest --access-advisor`: reads the role's last-accessed report from IAM and turns it into trim's evidence
 * (core/second-opinion/last-accessed.ts). The adapters and the SDK are loaded on first use.
 */
import { readDataJson } from '../adapters/fs/bundled-data.js';
import { buildLastAccessedEvidence, type LastAccessedEvidence } from '../core/second-opinion/last-accessed.js';
import { parseTrackedActions, parseTrackingTable } from '../core/second-opinion/tracking.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { PrincipalUsage } from '../core/usage/types.js';
import { forTerminal } from '../core/render/escape.js';
import { awsClients, loadAws } from './aws-wiring.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

const TRACKING_FILE = 'iam/last-accessed-tracking.json';
const TRACKED_FILE = 'iam/last-accessed-actions.json';

/** What the evidence is built from, besides IAM's report. */
export interface LastAccessedRun {
  window: TimeWindow;
  /** The role as IAM named it (an ARN). */
  roleArn: string | undefined;
  usage: PrincipalUsage;
  /** Regions the activity was read in. */
  regionsSeen: string[];
}

/** The evidence of `--access-advisor`, or undefined when it was not asked for. */
export async function lastAccessedEvidence(args: Record<string, unknown>, io: CliIo, run: LastAccessedRun): Promise<LastAccessedEvidence | undefined> {
  if (!args['access-advisor']) return undefined;
  if (!run.roleArn) {
    throw new CliError('no-role-arn', '--access-advisor needs the role\'s ARN, and IAM did not give one', 'Pass the role as an ARN with --role, or run without --access-advisor.');
  }
  const table = parseTrackingTable(readDataJson(TRACKING_FILE), TRACKING_FILE);
  const tracks = parseTrackedActions(readDataJson(TRACKED_FILE), TRACKED_FILE);
  const aws = await loadAws();
  const clients = await awsClients(args, io);
  if (!args.quiet) io.stderr(`reading IAM last-accessed information for ${forTerminal(run.roleArn)} (one report job, then its pages)…\n`);
  const report = await new aws.IamAccessAdvisor(clients.iam).report(run.roleArn);
  return buildLastAccessedEvidence(report, {
    window: run.window,
    regions: [...new Set([clients.config.region, ...run.regionsSeen])],
    usedServices: run.usage.used.map((u) => u.action.slice(0, u.action.indexOf(':'))),
    tracks,
    table,
    trust: Boolean(args['trust-access-advisor']),
  });
}
