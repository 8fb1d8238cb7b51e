/**
 * Amazon Bedrock resources from `requestParameters`. Most Bedrock identifiers accept an id or an ARN
 * (`guardrailIdentifier`, `agentId`, `jobIdentifier`, ...): an ARN is kept as given, an id is put into the
 * resource type's ARN. Member names follow the Bedrock API references (control plane, runtime, agents,
 * agent runtime, data automation) in lower camel case, as CloudTrail logs them.
 */

import { arn, fromIdRules, isArn, str, stringsAt, uniq, type ExtractContext, type IdRule } from './common.js';

/** Cross-Region inference profile ids start with a geography (`us.`, `eu.`, `apac.`, `global.`, ...). */
const INFERENCE_PROFILE_ID = /^(us|eu|apac|global|us-gov|jp|au|ca)\.[a-z0-9-]+\./;

/** A `modelId` → foundation model (no account), cross-Region inference profile, or the ARN as given. */
function modelArn(ctx: ExtractContext, model: string): string {
  if (isArn(model)) return model;
  if (INFERENCE_PROFILE_ID.test(model)) return arn(ctx, 'bedrock', `inference-profile/${model}`);
  return arn(ctx, 'bedrock', `foundation-model/${model}`, { account: '' });
}

const br = (prefix: string) => (v: string, ctx: ExtractContext) => arn(ctx, 'bedrock', `${prefix}${v}`);

/** Id parameters; `ops` separates members that name different types in different operations. */
const ID_RULES: readonly IdRule[] = [
  { path: 'guardrailIdentifier', build: br('guardrail/') },
  { path: 'knowledgeBaseId', build: br('knowledge-base/') },
  { path: 'agentId', build: br('agent/') },
  { path: 'flowIdentifier', build: br('flow/') },
  { path: 'sessionIdentifier', build: br('session/') },
  { path: 'inferenceProfileIdentifier', build: br('application-inference-profile/') },
  { path: 'provisionedModelId', build: br('provisioned-model/') },
  { path: 'customModelDeploymentIdentifier', build: br('custom-model-deployment/') },
  { path: 'modelIdentifier', build: br('custom-model/'), ops: /CustomModel$/ },
  { path: 'modelIdentifier', build: br('imported-model/'), ops: /ImportedModel$/ },
  { path: 'jobIdentifier', build: br('model-invocation-job/'), ops: /ModelInvocationJob$/ },
  { path: 'jobIdentifier', build: br('model-customization-job/'), ops: /ModelCustomizationJob$/ },
  { path: 'jobIdentifier', build: br('evaluation-job/'), ops: /^(Get|Stop)EvaluationJob$/ },
  { path: 'jobIdentifier', build: br('model-import-job/'), ops: /ModelImportJob$/ },
  { path: 'jobIdentifier', build: br('model-evaluation-job/'), ops: /ModelEvaluationJob$/ },
  { path: 'jobIdentifier', build: br('advanced-prompt-optimization-job/'), ops: /AdvancedPromptOptimizationJob$/ },
  { path: 'jobIdentifiers[]', build: br('evaluation-job/'), ops: /^BatchDeleteEvaluationJob$/ },
  { path: 'jobArn' },
  { path: 'invocationArn' },
  { path: 'promptRouterArn' },
  { path: 'policyArn' },
  { path: 'blueprintArn' },
  { path: 'projectArn' },
  { path: 'dataAutomationConfiguration.dataAutomationProjectArn' },
  { path: 'dataAutomationProfileArn' },
  { path: 'libraryArn' },
  { path: 'resourceARN' },
  { path: 'resourceArn' },
];

/**
 * Bedrock: `modelId` (see {@link modelArn}); agent aliases (`agentId` + `agentAliasId`), flow aliases and
 * executions (`flowIdentifier` + `flowAliasIdentifier`/`aliasIdentifier` + `executionIdentifier`), prompt
 * versions (`promptIdentifier` + `promptVersion`), the marketplace endpoint resource, and the id rules above.
 */
export function bedrockResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const model = str(p.modelId);
  if (model) out.push(modelArn(ctx, model));
  const agent = str(p.agentId);
  const agentAlias = str(p.agentAliasId);
  if (agent && agentAlias) out.push(isArn(agentAlias) ? agentAlias : arn(ctx, 'bedrock', `agent-alias/${agent}/${agentAlias}`));
  const flow = str(p.flowIdentifier);
  const flowAlias = str(p.flowAliasIdentifier) ?? str(p.aliasIdentifier);
  if (flow && flowAlias && !isArn(flow)) {
    const aliasArn = isArn(flowAlias) ? flowAlias : arn(ctx, 'bedrock', `flow/${flow}/alias/${flowAlias}`);
    const execution = str(p.executionIdentifier);
    out.push(execution ? (isArn(execution) ? execution : `${aliasArn}/execution/${execution}`) : aliasArn);
  }
  const prompt = str(p.promptIdentifier);
  const promptVersion = str(p.promptVersion);
  if (prompt) {
    // With `promptVersion` the call is on that version only (`prompt/ID:N`), otherwise on the prompt.
    if (isArn(prompt)) out.push(prompt);
    else out.push(arn(ctx, 'bedrock', promptVersion ? `prompt/${prompt}:${promptVersion}` : `prompt/${prompt}`));
  }
  // The marketplace endpoint calls are authorized on one fixed resource per account and Region.
  if (/MarketplaceModelEndpoint/.test(ctx.operation)) out.push(arn(ctx, 'bedrock', 'marketplace/model-endpoint/all-access'));
  out.push(...fromIdRules(ctx, ID_RULES));
  return uniq(out);
}

/** The guardrail of a model invocation (`guardrailIdentifier`, or `guardrailConfig.guardrailIdentifier` for Converse). */
export function bedrockGuardrail(ctx: ExtractContext): string[] {
  const id = str(ctx.params.guardrailIdentifier) ?? stringsAt(ctx.params, 'guardrailConfig.guardrailIdentifier')[0];
  if (!id) return [];
  return [isArn(id) ? id : arn(ctx, 'bedrock', `guardrail/${id}`)];
}
