/**
 * IAM policy source: a role's inline policies, attached managed policies (default versions) and
 * permissions boundary, as raw document texts. Read-only; paginates every list call.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { RawPolicyDocument, RawPolicyKind, RolePolicies, RolePolicySource } from '../../core/ports/policy-source.js';
import { AwsAdapterError, callAws } from './errors.js';

/** The part of the IAM client this adapter uses. */
export type IamSender = Pick<IAMClient, 'send'>;

/** Options for {@link IamRolePolicySource}. */
export interface IamPolicySourceOptions {
  /** `MaxItems` for list calls (default: the API's default of 100). Small values exercise pagination in tests. */
  pageSize?: number;
  /** Profile name, for credential hints. */
  profile?: string;
}

/** A role reference split into its parts. */
export interface RoleRef {
  name: string;
  /** Set when given as an ARN. */
  arn?: string;
  path?: string;
  accountId?: string;
  partition?: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/.*\/|\/)([^/]+)$/;

/** Splits `NAME` or `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` into its parts; throws on other ARNs. */
export function parseRoleRef(role: string): RoleRef {
  const trimmed = role.trim();
  if (!trimmed.startsWith('arn:')) {
    if (!/^[\w+=,.@-]{1,64}$/.test(trimmed)) {
      throw new AwsAdapterError({
        code: 'bad-input',
        message: `"${role}" is not a role name or role ARN.`,
        hint: 'Pass a role name (orders-api-role) or ARN (arn:aws:iam::123456789012:role/path/orders-api-role).',
      });
    }
    return { name: trimmed };
  }
  const m = ROLE_ARN.exec(trimmed);
  if (!m) {
    throw new AwsAdapterError({
      code: 'bad-input',
      message: `"${role}" is not an IAM role ARN.`,
      hint: 'A role ARN looks like arn:aws:iam::123456789012:role/optional/path/NAME.',
    });
  }
  return { partition: m[1], accountId: m[2], path: m[3], name: m[4], arn: trimmed };
}

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** True for AWS-managed policy ARNs (`arn:PARTITION:iam::aws:policy/...`), which cannot be edited. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED.test(arn);
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986). Returns the JSON text: unchanged when it already
 * parses as JSON, else URL-decoded. Undecodable text is returned as is for the parser to report.
 */
export function decodePolicyDocument(text: string): string {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t);
      return text;
    } catch {
      // fall through: may be partially encoded
    }
  }
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const KIND_ORDER: Record<RawPolicyKind, number> = { inline: 0, 'customer-managed': 1, 'aws-managed': 2, boundary: 3 };

/** Reads a role's policies from the IAM API. */
export class IamRolePolicySource implements RolePolicySource {
  constructor(
    private readonly iam: IamSender,
    private readonly opts: IamPolicySourceOptions = {},
  ) {}

  /** @inheritdoc */
  async getRolePolicies(role: string): Promise<RolePolicies> {
    const ref = parseRoleRef(role);
    const profile = this.opts.profile;
    const got = await callAws({ action: 'iam:GetRole', resource: ref.arn ?? `role/${ref.name}`, profile }, () =>
      this.iam.send(new GetRoleCommand({ RoleName: ref.name })),
    );
    const r = got.Role;
    if (!r?.Arn || !r.RoleName) {
      throw new AwsAdapterError({ code: 'aws-error', message: `iam:GetRole returned no role for ${role}.` });
    }
    if (ref.arn && ref.arn !== r.Arn) {
      // Same name, different account or path: the credentials point at another account, or the path is wrong.
      throw new AwsAdapterError({
        code: 'not-found',
        message: `Role ${ref.arn} was not found; the credentials' account has ${r.Arn} instead.`,
        hint: 'Use credentials for the role\'s account (--profile), or check the role path in the ARN.',
        resource: ref.arn,
      });
    }
    const arn = parseRoleRef(r.Arn);
    const roleArn = r.Arn;
    const docs: RawPolicyDocument[] = [];

    for (const policyName of await this.listInlineNames(r.RoleName, roleArn)) {
      const out = await callAws({ action: 'iam:GetRolePolicy', resource: roleArn, profile }, () =>
        this.iam.send(new GetRolePolicyCommand({ RoleName: r.RoleName, PolicyName: policyName })),
      );
      docs.push({
        name: `inline:${policyName}`,
        kind: 'inline',
        text: decodePolicyDocument(out.PolicyDocument ?? ''),
        editable: true,
      });
    }
    for (const policyArn of await this.listAttachedArns(r.RoleName, roleArn)) {
      const managed = isAwsManagedPolicyArn(policyArn);
      docs.push(await this.managedDocument(policyArn, managed ? 'aws-managed' : 'customer-managed'));
    }
    docs.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const boundaryArn = r.PermissionsBoundary?.PermissionsBoundaryArn;
    const boundary = boundaryArn ? await this.managedDocument(boundaryArn, 'boundary') : undefined;
    return {
      roleArn,
      roleName: r.RoleName,
      path: r.Path ?? arn.path ?? '/',
      accountId: arn.accountId ?? '',
      partition: arn.partition ?? 'aws',
      documents: docs,
      ...(boundary ? { boundary } : {}),
    };
  }

  private async listInlineNames(roleName: string, roleArn: string): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await callAws({ action: 'iam:ListRolePolicies', resource: roleArn, profile: this.opts.profile }, () =>
        this.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker, MaxItems: this.opts.pageSize })),
      );
      names.push(...(page.PolicyNames ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return names;
  }

  private async listAttachedArns(roleName: string, roleArn: string): Promise<string[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const page = await callAws(
        { action: 'iam:ListAttachedRolePolicies', resource: roleArn, profile: this.opts.profile },
        () =>
          this.iam.send(
            new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker, MaxItems: this.opts.pageSize }),
          ),
      );
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return arns;
  }

  private async managedDocument(policyArn: string, kind: RawPolicyKind): Promise<RawPolicyDocument> {
    const profile = this.opts.profile;
    const pol = await callAws({ action: 'iam:GetPolicy', resource: policyArn, profile }, () =>
      this.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })),
    );
    const versionId = pol.Policy?.DefaultVersionId;
    if (!versionId) {
      throw new AwsAdapterError({
        code: 'aws-error',
        message: `iam:GetPolicy returned no default version for ${policyArn}.`,
        resource: policyArn,
      });
    }
    const ver = await callAws({ action: 'iam:GetPolicyVersion', resource: policyArn, profile }, () =>
      this.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
    );
    return {
      name: policyArn,
      kind,
      arn: policyArn,
      versionId,
      text: decodePolicyDocument(ver.PolicyVersion?.Document ?? ''),
      editable: !isAwsManagedPolicyArn(policyArn),
    };
  }
}
