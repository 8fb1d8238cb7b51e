/** `.policy-trim.yml`: its schema, types, parser, precedence rules and the shared gate and finding-id vocabularies. */
export * from './types.js';
export { CONFIG_SCHEMA } from './schema.js';
export { parseConfig, type ParseConfigOptions } from './parse.js';
export { ConfigError, formatConfigProblem, MAX_CONFIG_PROBLEMS, type ConfigErrorCode } from './errors.js';
export { FAIL_ON_ALIASES, FAIL_ON_CONDITIONS, FAIL_ON_RULES, FAIL_ON_VALUES, canonicalFailOn, type FailOnCondition } from './fail-on.js';
export { FINDING_KINDS, compileFindingPattern, formatFindingId, isFindingId, parseFindingId, type FindingIdParts, type FindingKindId } from './finding-id.js';
export { grantSite } from './normalize.js';
export {
  SETTING_LAYERS,
  explainSettings,
  isSet,
  pickSetting,
  resolveSettings,
  type EffectiveSetting,
  type EffectiveSettings,
  type SettingCandidate,
  type SettingLayer,
  type SettingOrigin,
  type SettingsInput,
} from './precedence.js';
