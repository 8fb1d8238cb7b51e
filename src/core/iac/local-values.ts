/**
 * References the run can resolve offline, from what it already holds (issue 10 §2, "resolve them where the user
 * gives the means"): the role's ARN given with --role names its account and partition; a samconfig's `region`,
 * serverless's `provider.region`, or a single-Region trail of that account names the Region; a serverless file's
 * own `custom:` block names `${self:custom.x}`. Without these, a SAM or serverless policy written with
 * `${AWS::AccountId}` or `${aws:region}` was trimmed at action level only, although nothing about those values is
 * unknown to the run. A value is given only when the run can vouch for it; anything else stays unresolved.
 *
 * The caller merges this source after the explicit ones (--tf-state, --parameters, --stack), which win.
 */

import { parseRoleArn } from '../catalog/arn.js';
import { parse as parseYaml } from 'yaml';
import type { SiteText } from './plan-types.js';
import { CFN_YAML_TAGS } from './yaml-tags.js';
import type { ReferenceSource, ReferenceValues, SkippedReference } from './resolve.js';

/** What the offline values are read from. */
export interface LocalValueInputs {
  /** The role as given (an ARN names its partition and account; a bare name names neither). */
  role: string;
  /** The role's sites with their files' text (serverless files give `custom:` and `provider.region`). */
  sites: readonly SiteText[];
  /** The parameter files given with --parameters (a samconfig names the Region it deploys to). */
  parameterFiles?: readonly { file: string; text: string }[];
  /** The trail the run read: its ARN and whether it records every Region. */
  trail?: { arn?: string; multiRegion?: boolean };
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** A serverless variable: `${source:address}` with no nested variable and no fallback. */
const SLS_VARIABLE = /\$\{([^${},\s]+)\}/g;

/** The values of {@link LocalValueInputs}; `skipped` says why a value that looked known was not taken. */
export function localReferenceValues(inputs: LocalValueInputs): ReferenceSource {
  const values = new Map<string, string>();
  const skipped: SkippedReference[] = [];
  const arn = parseRoleArn(inputs.role);
  const region = deployRegion(inputs, arn?.account, skipped);
  if (arn) {
    setAll(values, ['Ref:AWS::Partition'], arn.partition);
    setAll(values, ['Ref:AWS::AccountId', 'aws:accountId'], arn.account);
  }
  if (region) setAll(values, ['Ref:AWS::Region', 'aws:region', 'self:provider.region'], region);
  for (const [key, value] of serverlessCustom(inputs.sites, values, skipped)) values.set(key, value);
  return { name: 'the role ARN and the code itself', values, skipped };
}

function setAll(values: Map<string, string>, keys: readonly string[], value: string): void {
  for (const k of keys) values.set(k, value);
}

/**
 * The one Region the stack deploys to: every Region a samconfig or a serverless `provider.region` names, else the
 * trail's home Region when the trail records that Region only and belongs to the role's account. Two different
 * Regions named: none (the run cannot tell which applies).
 */
function deployRegion(inputs: LocalValueInputs, account: string | undefined, skipped: SkippedReference[]): string | undefined {
  const named = new Set<string>();
  for (const p of inputs.parameterFiles ?? []) {
    const r = samconfigRegion(p.text, p.file);
    if (r) named.add(r);
  }
  for (const s of inputs.sites) {
    if (s.site.format !== 'serverless') continue;
    const r = (readYaml(s.text)?.provider as Record<string, unknown> | undefined)?.region;
    if (typeof r === 'string' && REGION.test(r)) named.add(r);
  }
  if (named.size > 1) {
    skipped.push({ key: 'Ref:AWS::Region', reason: `the code names several Regions (${[...named].sort().join(', ')})` });
    return undefined;
  }
  if (named.size === 1) return [...named][0];
  const trail = /^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):/.exec(inputs.trail?.arn ?? '');
  // A multi-Region trail's home Region says nothing of where the stack is.
  if (trail && inputs.trail?.multiRegion === false && trail[2] === account) return trail[1];
  return undefined;
}

/** `region` of a samconfig's default environment (deploy, then global parameters), TOML, YAML or JSON. */
export function samconfigRegion(text: string, file: string): string | undefined {
  if (/\.toml$/i.test(file)) {
    for (const command of ['deploy', 'global']) {
      const table = new RegExp(`^\\[default\\.${command}\\.parameters\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(text);
      const m = table && /^\s*region\s*=\s*["']([^"']+)["']\s*(#.*)?$/m.exec(table[1]!);
      if (m && REGION.test(m[1]!)) return m[1];
    }
    return undefined;
  }
  const doc = readYaml(text)?.default as Record<string, Record<string, Record<string, unknown>> | undefined> | undefined;
  for (const command of ['deploy', 'global']) {
    const r = doc?.[command]?.parameters?.region;
    if (typeof r === 'string' && REGION.test(r)) return r;
  }
  return undefined;
}

/** A YAML or JSON document's top-level mapping, or undefined (a file this cannot read gives nothing). */
function readYaml(text: string): Record<string, unknown> | undefined {
  try {
    const doc = parseYaml(text, { logLevel: 'silent', customTags: CFN_YAML_TAGS }) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `self:custom.KEY` for each string of a serverless file's `custom:` block whose variables all have values
 * (`orders-receipts-${aws:accountId}`), one level of `${self:custom.OTHER}` included. A key two files give
 * different values is left out.
 */
function serverlessCustom(sites: readonly SiteText[], known: ReferenceValues, skipped: SkippedReference[]): Map<string, string> {
  const out = new Map<string, string>();
  const conflicting = new Set<string>();
  const files = new Map(sites.filter((s) => s.site.format === 'serverless').map((s) => [s.site.file, s.text]));
  for (const text of files.values()) {
    const custom = readYaml(text)?.custom;
    if (custom === null || typeof custom !== 'object' || Array.isArray(custom)) continue;
    const plain = new Map<string, string>(Object.entries(custom as Record<string, unknown>).flatMap(([k, v]) => (typeof v === 'string' ? [[`self:custom.${k}`, v] as [string, string]] : [])));
    for (const [key, raw] of plain) {
      const value = substitute(raw, (k) => known.get(k) ?? (plain.has(k) ? substitute(plain.get(k)!, (x) => known.get(x)) : undefined));
      if (value === undefined) continue;
      if (out.has(key) && out.get(key) !== value) conflicting.add(key);
      out.set(key, value);
    }
  }
  for (const key of conflicting) {
    out.delete(key);
    skipped.push({ key, reason: 'two serverless files give it different values' });
  }
  return out;
}

/** `text` with every `${variable}` replaced by its value, or undefined when one has none (or is not plain). */
function substitute(text: string, value: (key: string) => string | undefined): string | undefined {
  let missing = false;
  const out = text.replace(SLS_VARIABLE, (_m, key: string) => {
    const v = value(key);
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing || out.includes('${') ? undefined : out;
}

/** `explicit` with the local values it does not hold: an explicit source (a deployed stack, a state) wins. */
export function withLocalValues(explicit: ReferenceValues, local: ReferenceSource): ReferenceValues {
  const out = new Map(explicit);
  for (const [k, v] of local.values) if (!out.has(k)) out.set(k, v);
  return out;
}
