/**
 * The CLI's bridge to the live-AWS adapters: options, client construction, role policies from IAM, and
 * remote activity (trail bucket, Event history).
 */
import type { Argv } from 'yargs';
import type { TrailReadStats } from '../adapters/fs/trail-parse.js';
import type { PolicyDocument } from '../core/policy/types.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { TrailRecording } from '../core/trim/trail-recording.js';
import type { ActivityCollector } from './activity.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** `--profile`, `--region`, `--endpoint-url`. */
export function withAwsOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('profile', { type: 'string', describe: 'AWS profile (default: the SDK default credential chain)' })
    .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)' })
    .option('endpoint-url', { type: 'string', describe: 'Send AWS calls to this endpoint (tests, private endpoints)' }) as Argv<T>;
}

/** The role's policies from IAM. */
export async function loadRolePolicies(
  _args: Record<string, unknown>,
  _io: CliIo,
  _role: string | undefined,
  _fn: string | undefined,
): Promise<{ documents: PolicyDocument[]; roleArn?: string }> {
  throw new CliError('not-implemented', 'reading policies from IAM is not wired yet', 'Pass the role\'s policy documents with --policy FILE...');
}

/** Activity from a trail bucket or Event history. */
export async function readRemoteActivity(
  _args: Record<string, unknown>,
  _io: CliIo,
  _window: TimeWindow,
  _collector: ActivityCollector,
  _filter: { role?: string; function?: string },
  _remote: string[],
): Promise<{ stats: TrailReadStats; recording?: TrailRecording }> {
  throw new CliError('not-implemented', 'reading activity from AWS is not wired yet', 'Pass local CloudTrail files with --trail PATH.');
}
