/**
 * A role's policies as `suggest` reads them: `--policy` files offline (with `--boundary`), otherwise IAM; and a
 * warning for each Condition operator IAM does not define. Shared by `suggest` and its split by function.
 */
import { readPolicyFiles } from '../adapters/fs/policy-files.js';
import { unknownConditionOperators } from '../core/policy/conditions.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { loadRolePolicies } from './aws-wiring.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';

/** A warning on stderr for each Condition operator IAM does not define: the statement keeps it as written. */
export function warnUnknownConditionOperators(documents: PolicyDocument[], io: CliIo): void {
  for (const u of unknownConditionOperators(documents)) {
    // JSON quoting keeps control characters of a crafted file name or operator out of the terminal.
    const doc = JSON.stringify(u.document).slice(1, -1);
    io.stderr(`warning: ${doc} statement ${u.statement}: Condition operator ${JSON.stringify(u.operator)} is not one IAM defines; it is kept as written (check its spelling)\n`);
  }
}

/** The role's policies: `--policy` files offline, otherwise IAM. */
export async function readRolePolicies(
  args: Record<string, unknown>,
  io: CliIo,
  role: string | undefined,
  fn: string | undefined,
): Promise<{ documents: PolicyDocument[]; roleArn?: string; files?: string[] }> {
  const files = args.policy as string[] | undefined;
  if (args.boundary && !(files && files.length)) throw usageError('--boundary goes with --policy (from IAM, the boundary is read with the role)');
  if (files && files.length) {
    if (!role) throw usageError('with --policy, name the role with --role NAME|ARN (the trail is searched for it)');
    const { documents, problems, files: policyFiles } = await readPolicyFiles(files);
    if (problems.length) {
      throw new CliError(
        'policy-file-invalid',
        `cannot use the policy files:\n${problems.map((p) => `  ${p.message}`).join('\n')}`,
        'Fix or remove the files named above. No suggestion is made from a partial set of policies: it could drop grants the missing file holds.',
      );
    }
    if (documents.length === 0) throw new CliError('no-policies', `no policy documents in ${files.join(', ')}`, 'Point --policy at the role\'s policy files.');
    if (args.boundary) {
      const b = await readPolicyFiles([String(args.boundary)]);
      if (b.problems.length || b.documents.length !== 1) {
        throw new CliError(
          'boundary-file-invalid',
          `cannot use the permissions boundary ${String(args.boundary)}: ${b.problems.map((p) => p.message).join('; ') || `expected one policy document, found ${b.documents.length}`}`,
          'Give the boundary policy document as one JSON or YAML file.',
        );
      }
      documents.push({ ...b.documents[0], kind: 'boundary' });
    }
    return { documents, roleArn: role.startsWith('arn:') ? role : undefined, files: policyFiles };
  }
  return loadRolePolicies(args, io, role, fn);
}
