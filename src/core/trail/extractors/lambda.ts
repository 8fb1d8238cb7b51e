/**
 * AWS Lambda resources from `requestParameters`. A call on a version or alias is authorized against the
 * QUALIFIED ARN (`function:NAME:ALIAS`): IAM matches Resource strings literally, so a grant on the
 * unqualified `function:NAME` does not cover it (Lambda Developer Guide, 'Fine-tuning the Resources and
 * Conditions sections of policies' and 'Using Lambda aliases in event sources and permissions policies').
 */

import { arn, fromIdRules, isArn, str, uniq, type ExtractContext, type IdRule } from './common.js';

/** A function ARN that already ends in `:QUALIFIER` (version, alias or `$LATEST`). */
const QUALIFIED = /:function:[^:]+:[^:]+$/;

/**
 * One Lambda function reference (name, `ACCOUNT:function:NAME`, full ARN, each optionally `:QUALIFIER`) →
 * function ARN; `qualifier` (the request parameter) is appended when the reference has none.
 */
export function lambdaFunctionArn(ctx: ExtractContext, ref: string, qualifier?: string): string {
  let out: string;
  if (isArn(ref)) out = ref;
  else {
    const partial = /^(\d{12}):function:(.+)$/.exec(ref);
    if (partial) out = arn(ctx, 'lambda', `function:${partial[2]}`, { account: partial[1]! });
    else out = arn(ctx, 'lambda', `function:${ref.replace(/^function:/, '')}`);
  }
  return qualifier && !QUALIFIED.test(out) ? `${out}:${qualifier}` : out;
}

const lambdaRes = (prefix: string) => (v: string, ctx: ExtractContext) => arn(ctx, 'lambda', `${prefix}${v}`);

/**
 * Resources other than functions and layers, by the request member that names them (Lambda API reference;
 * CloudTrail logs members in lower camel case, the event source mapping UUID as `uUID`).
 */
const ID_RULES: readonly IdRule[] = [
  { path: 'uUID', build: lambdaRes('event-source-mapping:') },
  { path: 'uuid', build: lambdaRes('event-source-mapping:') },
  { path: 'codeSigningConfigArn' },
  { path: 'capacityProviderName', build: lambdaRes('capacity-provider:') },
  { path: 'microvmImageName', build: lambdaRes('microvm-image:') },
  { path: 'networkConnectorId', build: lambdaRes('network-connector:') },
  { path: 'durableExecutionArn' },
];

/**
 * Lambda: `functionName` (+ `qualifier`), layer `layerName` (+ `versionNumber`), GetLayerVersionByArn `arn`,
 * `resource` (tagging), and the id rules above.
 */
export function lambdaResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const fn = str(p.functionName);
  if (fn) out.push(lambdaFunctionArn(ctx, fn, str(p.qualifier)));
  const layer = str(p.layerName);
  if (layer) {
    const layerArn = isArn(layer) ? layer : arn(ctx, 'lambda', `layer:${layer}`);
    const v = p.versionNumber;
    // PublishLayerVersion names the layer (`layer:NAME`); the version calls add `versionNumber` (`layer:NAME:N`),
    // unless the ARN given already carries a version.
    const hasVersion = /:layer:[^:]+:\d+$/.test(layerArn);
    out.push((typeof v === 'number' || typeof v === 'string') && !hasVersion ? `${layerArn}:${v}` : layerArn);
  }
  if (ctx.operation === 'GetLayerVersionByArn') {
    const a = str(p.arn);
    if (a) out.push(a);
  }
  const res = str(p.resource);
  if (res && isArn(res)) out.push(res);
  const ids = fromIdRules(ctx, ID_RULES);
  if (ids.length > 0) out.push(...ids);
  return uniq(out);
}
