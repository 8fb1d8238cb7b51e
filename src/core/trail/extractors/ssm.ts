/**
 * AWS Systems Manager resources from `requestParameters` (Parameter Store, documents, maintenance windows,
 * automation, OpsCenter, patching, sessions). Member names follow the SSM API reference in lower camel case,
 * as CloudTrail logs them (SSM User Guide, 'Logging AWS Systems Manager API calls with AWS CloudTrail').
 */

import { arn, fromIdRules, isArn, str, stringsAt, uniq, type ExtractContext, type IdRule } from './common.js';

/** One SSM parameter name (with or without a leading `/`, or an ARN) → parameter ARN. */
export function ssmParameterArn(ctx: ExtractContext, name: string): string {
  if (isArn(name)) return name;
  return arn(ctx, 'ssm', `parameter/${name.replace(/^\/+/, '')}`);
}

const ssmRes = (prefix: string) => (v: string, ctx: ExtractContext) => arn(ctx, 'ssm', `${prefix}${v.replace(/^\/+/, '')}`);

/**
 * `instanceId` names a hybrid managed node (`mi-…`, an SSM `managed-instance`) or an EC2 instance (`i-…`,
 * an `ec2` ARN, which SSM's instance calls are authorized against).
 */
function instanceArn(v: string, ctx: ExtractContext): string | undefined {
  if (v.startsWith('mi-')) return arn(ctx, 'ssm', `managed-instance/${v}`);
  if (v.startsWith('i-')) return arn(ctx, 'ec2', `instance/${v}`);
  return undefined;
}

/** Operations whose `name` is a document (SSM documents and associations), not a parameter. */
const DOCUMENT_OPS = /Document|Association/;

const ID_RULES: readonly IdRule[] = [
  { path: 'name', build: ssmRes('document/'), ops: DOCUMENT_OPS },
  { path: 'documentName', build: ssmRes('document/') },
  { path: 'entries[].name', build: ssmRes('document/'), ops: /^CreateAssociationBatch$/ },
  { path: 'opsItemId', build: ssmRes('opsitem/') },
  { path: 'windowId', build: ssmRes('maintenancewindow/') },
  { path: 'windowTargetId', build: ssmRes('windowtarget/') },
  { path: 'windowTaskId', build: ssmRes('windowtask/') },
  { path: 'associationId', build: ssmRes('association/') },
  { path: 'cloudConnectorId', build: ssmRes('cloud-connector/') },
  { path: 'syncName', build: ssmRes('resource-data-sync/') },
  { path: 'opsMetadataArn' },
  { path: 'baselineId', build: ssmRes('patchbaseline/') },
  { path: 'instanceId', build: instanceArn },
  { path: 'automationExecutionId', build: ssmRes('automation-execution/') },
  { path: 'settingId', build: ssmRes('servicesetting/') },
  { path: 'sessionId', build: ssmRes('session/') },
  // UpdateManagedInstanceRole: the IAM role (a name) the node is given.
  { path: 'iamRole', build: (v, ctx) => arn(ctx, 'iam', `role/${v}`, { region: '' }), ops: /^UpdateManagedInstanceRole$/ },
];

/**
 * SSM: parameters (`name`, `names[]`, GetParametersByPath `path` → both the path's own ARN and `path/*`, so a
 * narrowed grant covers either form of the check) and the id rules above.
 */
export function ssmResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const name = str(p.name);
  if (name && !DOCUMENT_OPS.test(ctx.operation)) out.push(ssmParameterArn(ctx, name));
  out.push(...stringsAt(p, 'names[]').map((n) => ssmParameterArn(ctx, n)));
  const path = str(p.path);
  if (path) {
    const base = ssmParameterArn(ctx, path.replace(/\/+$/, ''));
    out.push(base, `${base}/*`);
  }
  out.push(...fromIdRules(ctx, ID_RULES));
  return uniq(out);
}
