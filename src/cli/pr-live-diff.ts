/**
 * `policy-trim pr`: the live role compared with the repository's grant (issue 10 §1), as notes for stderr and
 * the pull request's body. The run always goes on from the repository's version: a difference, or a live role
 * that cannot be read, is said, never fatal.
 */
import type { RawPolicyDocument, RolePolicySource } from '../core/ports/policy-source.js';
import { compareLiveGrant, liveDifferenceNotes } from '../core/iac/live-diff.js';
import { parsePolicyDocument } from '../core/policy/parse.js';
import type { PolicyDocument } from '../core/policy/types.js';
import type { ActionUniverse } from '../core/policy/verify.js';
import { awsClients, loadAws } from './aws-wiring.js';
import type { CliIo } from './io.js';
import { awsInReach } from './pr-inputs.js';

/** What {@link liveGrantNotes} needs besides the role and the repository's grant. */
export interface LiveGrantDeps {
  /** The command's (merged) arguments: `--profile`, `--region`, `--endpoint-url`, and what says AWS is in reach. */
  args: Record<string, unknown>;
  io: CliIo;
  /** The never-wider proof's action universe (the run's catalog). */
  catalog: ActionUniverse;
  /**
   * Where the live role's policies come from. Default: IAM through the run's AWS clients, and only when AWS is
   * in reach (as for the managed policies' documents); offline, nothing is compared and nothing said.
   */
  source?: RolePolicySource;
}

/**
 * Notes on how the live role `roleArn` (an ARN or a name) differs from `repositoryGranted`
 * (`PlanResult.granted`): empty when they grant the same or when AWS is not in reach; one note when the live
 * role cannot be read (an AWS error, an unparsable document) instead of an error.
 */
export async function liveGrantNotes(roleArn: string, repositoryGranted: PolicyDocument[], deps: LiveGrantDeps): Promise<string[]> {
  if (!deps.source && !awsInReach(deps.args, deps.io.env)) return [];
  let live: PolicyDocument[];
  try {
    live = await readLiveRole(roleArn, deps);
  } catch (e) {
    return [`Could not read the live role ${roleArn} (${(e as Error).message}): it was not compared with the repository, whose version the pull request edits.`];
  }
  return liveDifferenceNotes(compareLiveGrant(repositoryGranted, live, deps.catalog));
}

/** The live role's documents, parsed, its boundary as kind `boundary`. */
async function readLiveRole(roleArn: string, deps: LiveGrantDeps): Promise<PolicyDocument[]> {
  const source = deps.source ?? (await loadAws()).awsPolicySource(await awsClients(deps.args, deps.io));
  const role = await source.getRolePolicies(roleArn);
  const parse = (d: RawPolicyDocument): PolicyDocument => ({ ...parsePolicyDocument(d.text, d.name), kind: d.kind });
  return [...role.documents.map(parse), ...(role.boundary ? [parse(role.boundary)] : [])];
}
