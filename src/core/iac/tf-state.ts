/**
 * Reference values from the JSON of `terraform show -json` (issue 10 §2, `--tf-state FILE`): every string
 * attribute of every resource and data source, keyed the way a Terraform reference spells it.
 *
 * The shape follows HashiCorp's "JSON Output Format" (developer.hashicorp.com/terraform/internals/json-format):
 * a state (`terraform show -json`) has `values.root_module` with `resources[]` (`address`, `mode`, `type`, `name`,
 * `index`, `values`, `sensitive_values`) and `child_modules[]` (each with its `address` and the same fields,
 * recursively); a plan (`terraform show -json PLANFILE`) has `planned_values` in the same shape, `prior_state`
 * (a state), and `variables` (`{NAME: {value}}`), which a state does not have. `format_version` is "1.x": a new
 * minor version only adds fields, a new major one is refused, as the format's page asks of consumers.
 *
 * Keys: `ADDRESS.ATTR` with the resource's absolute address as Terraform prints it (`aws_s3_bucket.b.arn`,
 * `aws_s3_bucket.b[0].arn`, `aws_s3_bucket.b["k"].arn`, `data.aws_region.current.name`,
 * `module.m.aws_s3_bucket.b.arn`); nested attributes go on with `.name` (or `["key"]` when the key is not an
 * identifier) and `[i]` (`aws_lambda_function.f.environment[0].variables.TABLE`); `var.NAME` from a plan. A
 * reference written inside a module uses the module-relative address (`aws_s3_bucket.b.arn` inside module `m`
 * is `module.m.aws_s3_bucket.b.arn` here): {@link terraformModuleScope} gives a module's values under the keys
 * its own code uses.
 *
 * Values marked sensitive (`sensitive_values`, a sensitive variable) are never used: a resolved value can end
 * up in a pull request, and `terraform show -json` prints sensitive values in plain text.
 */

import { ReferenceSourceError, type ReferenceSource, type SkippedReference } from './resolve.js';

/** What `terraform show -json` prints, as far as this module reads it. */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Nested attributes deeper than this are not keyed: no reference into a policy goes that deep. */
const MAX_DEPTH = 12;

/** The command whose output this module reads, for hints. */
const SHOW_JSON = 'terraform show -json > state.json';

/** Keys and skipped keys collected while walking. */
interface Collector {
  file: string;
  values: Map<string, string>;
  skipped: SkippedReference[];
}

/**
 * The reference values of a `terraform show -json` output (state or plan). Throws ReferenceSourceError
 * `tf-state-invalid` naming the file and what to run when the text is not that JSON (a raw `terraform.tfstate`
 * included: its layout is internal to Terraform and changes between versions).
 */
export function parseTerraformState(text: string, file: string): ReferenceSource {
  const doc = parseJson(text, file);
  checkVersion(doc, file);
  const out: Collector = { file, values: new Map(), skipped: [] };
  if ('planned_values' in doc || 'resource_changes' in doc) readPlan(doc, out);
  else if (doc.values !== undefined && doc.values !== null) readValues(doc.values, 'values', out);
  // `{"format_version":"1.0"}` alone is the output for an empty state: no values, not an error.
  return { name: file, values: out.values, skipped: out.skipped };
}

function parseJson(text: string, file: string): JsonObject {
  let doc: Json;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (e) {
    throw invalid(file, `not JSON (${(e as Error).message})`, e);
  }
  if (!isObject(doc)) throw invalid(file, `expected the JSON object of \`terraform show -json\`, found ${kindOf(doc)}`);
  return doc;
}

function checkVersion(doc: JsonObject, file: string): void {
  if (typeof doc.version === 'number' && Array.isArray(doc.resources)) {
    throw invalid(file, 'this is a raw Terraform state file (terraform.tfstate), whose layout is internal to Terraform');
  }
  const v = doc.format_version;
  if (typeof v !== 'string') throw invalid(file, 'no "format_version": not the output of `terraform show -json`');
  if (!/^1(\.\d+)*$/.test(v)) throw invalid(file, `format_version ${JSON.stringify(v)} is not supported (policy-trim reads 1.x)`);
}

/**
 * A plan: the planned values, then, for resources the plan does not list (data sources read while planning are
 * only in the prior state), the prior state's. A planned resource whose attribute is unknown until apply has that
 * attribute absent from its planned values; taking it from the prior state would give the value it is about to
 * lose, so a resource present in the plan is read from the plan only.
 */
function readPlan(doc: JsonObject, out: Collector): void {
  const planned = new Set<string>();
  if (doc.planned_values != null) readValues(doc.planned_values, 'planned_values', out, planned);
  const prior = doc.prior_state;
  if (prior != null) {
    if (!isObject(prior)) throw shape(out.file, 'prior_state', 'an object', prior);
    if (prior.values != null) readValues(prior.values, 'prior_state.values', out, undefined, planned);
  }
  readVariables(doc, out);
}

/** `values` of a state (or `planned_values` of a plan). `outputs` are checked but not keyed: see below. */
function readValues(node: Json, path: string, out: Collector, seen?: Set<string>, except?: Set<string>): void {
  if (!isObject(node)) throw shape(out.file, path, 'an object', node);
  // Root outputs cannot be referenced from the configuration that declares them, and a child module's outputs
  // (`module.m.NAME`) are not in this JSON at all: they give no key.
  if (node.outputs != null && !isObject(node.outputs)) throw shape(out.file, `${path}.outputs`, 'an object', node.outputs);
  if (node.root_module != null) readModule(node.root_module, `${path}.root_module`, out, seen, except);
}

function readModule(node: Json, path: string, out: Collector, seen?: Set<string>, except?: Set<string>): void {
  if (!isObject(node)) throw shape(out.file, path, 'an object', node);
  for (const [i, r] of listAt(node, 'resources', path, out.file).entries()) {
    readResource(r, `${path}.resources[${i}]`, out, seen, except);
  }
  for (const [i, m] of listAt(node, 'child_modules', path, out.file).entries()) {
    readModule(m, `${path}.child_modules[${i}]`, out, seen, except);
  }
}

function readResource(node: Json, path: string, out: Collector, seen?: Set<string>, except?: Set<string>): void {
  if (!isObject(node)) throw shape(out.file, path, 'an object', node);
  const address = node.address;
  if (typeof address !== 'string' || address === '') throw shape(out.file, `${path}.address`, 'a resource address', address ?? null);
  if (except?.has(address)) return;
  seen?.add(address);
  const values = node.values ?? {};
  if (!isObject(values)) throw shape(out.file, `${path}.values`, 'an object', values);
  const sensitive = node.sensitive_values ?? {};
  for (const [attr, value] of Object.entries(values)) {
    addValue(out, `${address}.${attr}`, value, sensitiveAt(sensitive, attr), 0);
  }
}

/** `var.NAME` for each variable of a plan, but not those the configuration marks sensitive. */
function readVariables(doc: JsonObject, out: Collector): void {
  const vars = doc.variables;
  if (vars == null) return;
  if (!isObject(vars)) throw shape(out.file, 'variables', 'an object', vars);
  const declared = objectAt(objectAt(objectAt(doc, 'configuration'), 'root_module'), 'variables');
  for (const [name, v] of Object.entries(vars)) {
    if (!isObject(v)) throw shape(out.file, `variables.${name}`, 'an object with "value"', v);
    const isSensitive = objectAt(declared, name).sensitive === true;
    addValue(out, `var.${name}`, v.value ?? null, isSensitive, 0);
  }
}

/**
 * Keys `key` (a string), or its members (an object or a list), into `out`. `sensitive` is the matching part of
 * `sensitive_values`: `true` for a sensitive value, an object or list for a structure with sensitive parts.
 */
function addValue(out: Collector, key: string, value: Json, sensitive: Json | undefined, depth: number): void {
  if (sensitive === true) {
    out.skipped.push({ key, reason: 'sensitive in the Terraform output' });
    return;
  }
  if (typeof value === 'string') {
    out.values.set(key, value);
  } else if (depth < MAX_DEPTH && Array.isArray(value)) {
    value.forEach((item, i) => addValue(out, `${key}[${i}]`, item, sensitiveAt(sensitive, i), depth + 1));
  } else if (depth < MAX_DEPTH && isObject(value)) {
    for (const [k, item] of Object.entries(value)) addValue(out, `${key}${member(k)}`, item, sensitiveAt(sensitive, k), depth + 1);
  }
  // Numbers, booleans and nulls: a policy's references are to strings (ARNs, names, ids).
}

/** `.name` for an identifier (Terraform allows letters, digits, `_` and `-` after the first), else `["key"]`. */
function member(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function sensitiveAt(sensitive: Json | undefined, at: string | number): Json | undefined {
  if (sensitive === true) return true;
  if (Array.isArray(sensitive) && typeof at === 'number') return sensitive[at];
  if (isObject(sensitive) && typeof at === 'string') return sensitive[at];
  return undefined;
}

/**
 * Only the values of one module, under the keys its own code writes: `module.m.aws_s3_bucket.b.arn` is
 * `aws_s3_bucket.b.arn` in the scope `module.m`. `moduleAddress` is the module's address as Terraform prints it
 * (`module.m`, `module.m[0]`, `module.m.module.n`); `''` is the root module, whose scope has no `module.…` keys
 * (a module's resources are reached through its outputs, which the JSON does not hold). A module's own `var.…`
 * (its inputs) are not in the JSON either, so no scope but the root has them.
 */
export function terraformModuleScope(values: ReadonlyMap<string, string>, moduleAddress: string): Map<string, string> {
  const prefix = moduleAddress === '' ? '' : `${moduleAddress}.`;
  const scoped = new Map<string, string>();
  for (const [key, value] of values) {
    if (!key.startsWith(prefix)) continue;
    const local = key.slice(prefix.length);
    if (local.startsWith('module.')) continue;
    if (prefix !== '' && local.startsWith('var.')) continue;
    scoped.set(local, value);
  }
  return scoped;
}

function listAt(node: JsonObject, key: string, path: string, file: string): Json[] {
  const v = node[key];
  if (v == null) return [];
  if (!Array.isArray(v)) throw shape(file, `${path}.${key}`, 'a list', v);
  return v;
}

function objectAt(node: Json | undefined, key: string): JsonObject {
  const v = isObject(node) ? node[key] : undefined;
  return isObject(v) ? v : {};
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function shape(file: string, path: string, expected: string, found: Json): ReferenceSourceError {
  return invalid(file, `${path} should be ${expected}, found ${kindOf(found)}: not the output of \`terraform show -json\``);
}

function invalid(file: string, message: string, cause?: unknown): ReferenceSourceError {
  return new ReferenceSourceError({
    code: 'tf-state-invalid',
    file,
    message,
    hint: `Give --tf-state the JSON Terraform prints: \`${SHOW_JSON}\` in the configuration's directory (or \`terraform show -json PLANFILE > plan.json\` for a saved plan).`,
    cause,
  });
}
