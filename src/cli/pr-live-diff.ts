/**
 * `policy-trim pr`: the live role compared with the repository's grant (issue 10 §1), as notes for stderr and
 * the pull request's body. The run always goes on from the repository's version: a difference, or a live role
 * that cannot be read, is said, never fatal.
 *
 * Every run says where it stands, so that silence has one meaning: no note means the live role was read and
 * grants what the repository grants. A run that did not read it (offline, or IAM refused) says so in one note,
 * because a reviewer cannot otherwise tell "no drift" from "drift not looked for".
 */
import type { RolePolicySource } from '../core/ports/policy-source.js';
import { compareLiveGrant, liveDifferenceNotes } from '../core/iac/live-diff.js';
import { parseRoleDocument } from '../core/policy/parse.js';
import type { PolicyDocument } from '../core/policy/types.js';
import type { ActionUniverse } from '../core/policy/verify.js';
import { liveRolePolicies } from './aws-wiring.js';
import type { CliIo } from './io.js';
import { awsInReach } from './pr-inputs.js';

/** What {@link compareLiveRole} needs besides the role and the repository's grant. */
export interface LiveGrantDeps {
  /** The command's (merged) arguments: `--profile`, `--region`, `--endpoint-url`, and what says AWS is in reach. */
  args: Record<string, unknown>;
  io: CliIo;
  /** The never-wider proof's action universe (the run's catalog). */
  catalog: ActionUniverse;
  /**
   * Where the live role's policies come from. Default: IAM through the run's AWS clients (read once per run
   * with the managed policies' documents), and only when AWS is in reach; offline, nothing is compared and
   * {@link NOT_READ_OFFLINE} says so.
   */
  source?: RolePolicySource;
}

/** The one note of a run that does not call AWS: the live role was not compared. */
export const NOT_READ_OFFLINE =
  "The live role was not read (this run had no AWS credentials, --profile or --endpoint-url): changes made to it outside the repository were not looked for. The pull request edits the repository's version.";

/** The live role compared with the repository: what to say, and whether applying the repository takes grants away. */
export interface LiveRoleComparison {
  /** Sentences for stderr and the body; empty when the live role was read and grants what the repository does. */
  notes: string[];
  /**
   * The live role grants or attaches something the repository does not: applying the repository (with or
   * without this pull request) takes it away, so the reviewer checks it before merging.
   */
  removesLiveGrants: boolean;
}

/** What a reviewer must check before merging when {@link LiveRoleComparison.removesLiveGrants}. */
export const LIVE_GRANTS_REMOVED =
  'The live role grants more than the repository (see "The live role" below): applying the repository, with or without this change, takes that away. If the role needs it, add it to the code first.';

/**
 * How the live role `roleArn` (an ARN or a name) differs from `repositoryGranted` (`PlanResult.granted`):
 * no notes when they grant the same; one note when AWS is not in reach ({@link NOT_READ_OFFLINE}) or when the
 * live role cannot be read (an AWS error, an unparsable document).
 */
export async function compareLiveRole(roleArn: string, repositoryGranted: PolicyDocument[], deps: LiveGrantDeps): Promise<LiveRoleComparison> {
  if (!deps.source && !awsInReach(deps.args, deps.io.env)) return { notes: [NOT_READ_OFFLINE], removesLiveGrants: false };
  let live: PolicyDocument[];
  try {
    live = await readLiveRole(roleArn, deps);
  } catch (e) {
    const notes = [`Could not read the live role ${roleArn} (${(e as Error).message}): it was not compared with the repository, whose version the pull request edits.`];
    return { notes, removesLiveGrants: false };
  }
  const diff = compareLiveGrant(repositoryGranted, live, deps.catalog);
  return { notes: liveDifferenceNotes(diff), removesLiveGrants: diff.liveOnlyCount > 0 || diff.attachments.liveOnly.length > 0 };
}

/** The live role's documents, parsed, its boundary as kind `boundary`. */
async function readLiveRole(roleArn: string, deps: LiveGrantDeps): Promise<PolicyDocument[]> {
  const role = await (deps.source ? deps.source.getRolePolicies(roleArn) : liveRolePolicies(deps.args, deps.io, roleArn));
  return [...role.documents.map((d) => parseRoleDocument(d)), ...(role.boundary ? [parseRoleDocument(role.boundary)] : [])];
}
