/**
 * The accounts of an organization's fleet (`.policy-trim.yml`'s `accounts:`): in each, policy-trim assumes the
 * named role (read-only: docs/permissions/) and reads that account's Lambda functions and IAM roles with the
 * temporary credentials it gets. The activity is read once, with the caller's own credentials (an
 * organization trail's bucket lives in one account).
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createAwsClients, type AwsClients } from './config.js';
import { AwsAdapterError, callAws } from './errors.js';

/** The session name CloudTrail records for policy-trim's reads in a fleet account (it shows who read). */
export const FLEET_SESSION_NAME = 'policy-trim-drift';

/**
 * Seconds the assumed credentials last: one hour, the default maximum of a role session (IAM User Guide,
 * "Update the maximum session duration for a role"); a drift run reads each account's roles well within it.
 */
const SESSION_SECONDS = 3600;

/**
 * Clients for `accountId` through `roleName` assumed with `clients`' credentials (in the same partition), or a
 * typed error naming the role and what to allow.
 */
export async function assumeAccountRole(clients: AwsClients, accountId: string, roleName: string, partition = 'aws'): Promise<AwsClients> {
  const roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
  const out = await callAws({ action: 'sts:AssumeRole', resource: roleArn, profile: clients.config.profile }, () =>
    clients.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: FLEET_SESSION_NAME, DurationSeconds: SESSION_SECONDS })),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) {
    throw new AwsAdapterError({ code: 'aws-error', message: `STS AssumeRole of ${roleArn} returned no credentials`, hint: 'Check the role\'s trust policy allows policy-trim\'s identity to assume it.' });
  }
  const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
  // The profile would take precedence over the static credentials in some SDK paths: the assumed ones only.
  const { profile: _profile, ...rest } = clients.config;
  return createAwsClients({ ...rest, credentials }, clients.onClient);
}
