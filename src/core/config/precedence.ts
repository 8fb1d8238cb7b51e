/**
 * Which value wins when a setting is given in several places: a command-line flag beats `.policy-trim.yml`,
 * and the file beats the environment (issue 10); a default applies when none gives one. Each effective value
 * says where it came from and what it overrode, for `--explain`-style messages ("days = 30 from --days,
 * overriding activity.days at .policy-trim.yml:14:9").
 *
 * Some settings only make sense together and are taken as a group from one place: the activity source
 * (`--trail` given on the command line replaces the file's `athena:` and its workgroup, never mixes with it)
 * and the window (`--since` with the file's `days` would be over-determined).
 */
import { formatPath } from './paths.js';
import type { ActivitySourceConfig, ConfigPath, ParsedConfig, RepositoryConfig } from './types.js';

/** Where a value can come from, strongest first. */
export const SETTING_LAYERS = ['flag', 'config', 'env', 'default'] as const;

/** One of {@link SETTING_LAYERS}. */
export type SettingLayer = (typeof SETTING_LAYERS)[number];

/** Where one value came from. */
export interface SettingOrigin {
  layer: SettingLayer;
  /** `--days`, `activity.days`, `AWS_PROFILE`, `default`. */
  name: string;
  /** For the file: `FILE:LINE:COLUMN` of the key. */
  where?: string;
}

/** A value one layer offers; `value` undefined when that layer does not set it. */
export interface SettingCandidate<T> extends SettingOrigin {
  value: T | undefined;
}

/** The value that won, where it came from, and the values of weaker layers it overrode. */
export interface EffectiveSetting<T> {
  value: T;
  from: SettingOrigin;
  overrides: SettingOrigin[];
}

/**
 * Whether a layer sets a value. An empty list, an empty string and `false` count as not set: yargs gives a
 * boolean flag `false` when it is absent, and an exported-but-empty environment variable means unset.
 */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** The candidate of the strongest layer that sets a value (see {@link SETTING_LAYERS}), or undefined. */
export function pickSetting<T>(candidates: readonly SettingCandidate<T>[]): EffectiveSetting<T> | undefined {
  const rank = (c: SettingOrigin) => SETTING_LAYERS.indexOf(c.layer);
  const present = candidates.filter((c) => isSet(c.value)).sort((a, b) => rank(a) - rank(b));
  const [winner, ...rest] = present;
  if (!winner) return undefined;
  return { value: winner.value as T, from: originOf(winner), overrides: rest.map(originOf) };
}

function originOf(c: SettingOrigin): SettingOrigin {
  return c.where === undefined ? { layer: c.layer, name: c.name } : { layer: c.layer, name: c.name, where: c.where };
}

/** What {@link resolveSettings} reads. */
export interface SettingsInput {
  /** The parsed command line, by the options' dashed names (`trail-name`). */
  flags: Readonly<Record<string, unknown>>;
  /** The configuration file, when there is one. */
  config?: ParsedConfig;
  env: Readonly<Record<string, string | undefined>>;
  /** Makes a path written in the file usable by the command (joined to the repository root); identity when absent. */
  resolvePath?: (path: string) => string;
}

/**
 * The effective settings, as option values under the CLI's option names (so a command reads them as it reads
 * its flags), each with its origin. Only settings some layer sets are present.
 */
export interface EffectiveSettings {
  values: Record<string, unknown>;
  origins: Record<string, EffectiveSetting<unknown>>;
}

/** One setting or group: its options, and what each layer gives for them. */
interface SettingSpec {
  /** The options it sets (one, or a group taken from one place). */
  options: readonly string[];
  /** The path of its key in the file, for messages (a group: the key that sets it). */
  configPath(c: RepositoryConfig): ConfigPath;
  fromConfig(c: RepositoryConfig, resolve: (p: string) => string): Record<string, unknown> | undefined;
  env?: readonly string[];
  fromEnv?(value: string): Record<string, unknown>;
}

const SOURCE_OPTIONS = ['trail', 'trail-name', 'lookup', 'athena', 'athena-workgroup', 'athena-output', 'athena-database'] as const;

/** The settings `.policy-trim.yml` can give a command, with their flags and environment variables. */
const SPECS: readonly SettingSpec[] = [
  { options: ['profile'], configPath: () => ['aws', 'profile'], fromConfig: (c) => ({ profile: c.aws.profile }), env: ['AWS_PROFILE'], fromEnv: (v) => ({ profile: v }) },
  // The SDK reads AWS_REGION before AWS_DEFAULT_REGION: the same order here.
  { options: ['regions'], configPath: () => ['aws', 'regions'], fromConfig: (c) => ({ regions: c.aws.regions }), env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], fromEnv: (v) => ({ regions: [v] }) },
  { options: SOURCE_OPTIONS, configPath: (c) => ['activity', c.activity.source?.kind ?? ''], fromConfig: (c, r) => (c.activity.source ? sourceOptions(c.activity.source, r) : undefined) },
  { options: ['trail-config'], configPath: () => ['activity', 'trail-config'], fromConfig: (c, r) => ({ 'trail-config': c.activity.trailConfig && r(c.activity.trailConfig) }) },
  { options: ['since', 'until', 'days'], configPath: (c) => ['activity', Object.keys(c.activity.window)[0] ?? ''], fromConfig: (c) => ({ ...c.activity.window }) },
  { options: ['fail-on'], configPath: () => ['gate', 'fail-on'], fromConfig: (c) => ({ 'fail-on': c.gate.failOn }) },
];

/** The file's activity source as the flags that say the same. */
function sourceOptions(s: ActivitySourceConfig, resolve: (p: string) => string): Record<string, unknown> {
  switch (s.kind) {
    case 'trail-name':
      return { 'trail-name': s.trailName };
    case 's3':
      return { trail: [s.url] };
    case 'trail':
      return { trail: s.paths.map(resolve) };
    case 'lookup':
      return { lookup: true };
    case 'athena':
      return { athena: s.table, 'athena-workgroup': s.workgroup, 'athena-output': s.output, 'athena-database': s.database, 'trail-name': s.trailName };
  }
}

/** Flags, file and environment merged: see the module comment for the rule. */
export function resolveSettings(input: SettingsInput): EffectiveSettings {
  const resolve = input.resolvePath ?? ((p: string) => p);
  const out: EffectiveSettings = { values: {}, origins: {} };
  for (const spec of SPECS) {
    const picked = pickSetting(candidatesOf(spec, input, resolve));
    if (!picked) continue;
    for (const [option, value] of Object.entries(picked.value)) {
      if (!isSet(value)) continue;
      out.values[option] = value;
      out.origins[option] = { ...picked, value };
    }
  }
  return out;
}

/** What each layer gives for one setting or group, as option values (a group only when some option is set). */
function candidatesOf(spec: SettingSpec, input: SettingsInput, resolve: (p: string) => string): SettingCandidate<Record<string, unknown>>[] {
  const only = (values: Record<string, unknown> | undefined) => {
    const set = Object.fromEntries(Object.entries(values ?? {}).filter(([k, v]) => spec.options.includes(k) && isSet(v)));
    return Object.keys(set).length ? set : undefined;
  };
  const flagValues = only(Object.fromEntries(spec.options.map((o) => [o, flagValue(input.flags, o)])));
  const given = flagValues ? Object.keys(flagValues) : spec.options.slice(0, 1);
  const out: SettingCandidate<Record<string, unknown>>[] = [{ layer: 'flag', name: given.map((o) => `--${o}`).join(' '), value: flagValues }];
  if (input.config) {
    const path = spec.configPath(input.config.config);
    const at = input.config.locate(path);
    const where = at && `${input.config.file}:${at.line}:${at.column}`;
    out.push({ layer: 'config', name: formatPath(path), ...(where ? { where } : {}), value: only(spec.fromConfig(input.config.config, resolve)) });
  }
  for (const name of spec.env ?? []) {
    const v = input.env[name];
    out.push({ layer: 'env', name, value: isSet(v) && spec.fromEnv ? only(spec.fromEnv(v!)) : undefined });
  }
  return out;
}

/** A flag's value; `regions` also reads the single `--region` of the commands that take one. */
function flagValue(flags: Readonly<Record<string, unknown>>, option: string): unknown {
  if (option === 'regions' && !isSet(flags.regions) && isSet(flags.region)) return [flags.region];
  return flags[option];
}

/** One line per effective setting: `days = 30 (from --days; overrides activity at .policy-trim.yml:9:3)`. */
export function explainSettings(settings: EffectiveSettings): string[] {
  return Object.entries(settings.origins).map(([option, s]) => {
    const from = (o: SettingOrigin) => (o.where ? `${o.name} at ${o.where}` : o.name);
    const overrides = s.overrides.length ? `; overrides ${s.overrides.map(from).join(', ')}` : '';
    return `${option} = ${JSON.stringify(s.value)} (from ${from(s.from)}${overrides})`;
  });
}
