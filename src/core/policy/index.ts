/** The policy model's public API: parse, evaluate, verify, and the wildcard helpers they rest on. */
export * from './types.js';
export { PolicyError, describeLocation, type PolicyErrorCode, type PolicyErrorLocation } from './errors.js';
export {
  parsePolicyDocument,
  parsePolicyText,
  parsePolicySet,
  parsePolicyFileContent,
  POLICY_VERSIONS,
  type ParseOptions,
  type PolicyInput,
  type PolicySetResult,
} from './parse.js';
export {
  evaluate,
  explainEvaluation,
  statementApplies,
  statementMatchesAction,
  statementMatchesResource,
  substitutesVariables,
} from './evaluate.js';
export {
  verifyNeverWider,
  verifyCovers,
  type ActionUniverse,
  type VerifyOptions,
  type CoversOptions,
  type ObservedCall,
} from './verify.js';
export { clauseImplies, clausesImply, conditionClauses, statementRestrictions, type ConditionClause } from './conditions.js';
