/**
 * AWS SAM policy templates (`DynamoDBCrudPolicy: {TableName: !Ref Orders}`) expanded into the explicit statements
 * they stand for, so a pull request can replace a template the role does not fully use (issue 10 §1).
 *
 * The definitions are the published ones, bundled in `data/sam/policy-templates.json` by
 * `scripts/build-sam-templates.mjs` (source and licence in `data/NOTICE`); `parseSamTemplates` checks their shape,
 * the adapter reads the file. Expansion does what SAM does (substitute each `Ref` of a template parameter with the
 * value the user gave) and then reads the result as CloudFormation would be read at a site (`cfn-intrinsics.ts`):
 * `Fn::Sub`, `Fn::Join` and `Ref` become strings with reference tokens, pseudo parameters (`${AWS::Region}`)
 * references keyed `Ref:AWS::Region`, and anything not static (`Fn::If`, …) one opaque reference keyed by its
 * JSON text. The tokens a parameter value holds are kept as they are.
 */

import { BundledDataError, InvariantError } from '../errors.js';
import type { Statement } from '../policy/types.js';
import type { ReadContext } from './cfn-intrinsics.js';
import { IacError } from './errors.js';
import { parseJsonTree } from './json-tree.js';
import { ReferenceCollector } from './references.js';
import { readStatementList } from './statements.js';
import {
  REFERENCE_TOKEN,
  referenceToken,
  type GrantSite,
  type IacReference,
  type ReferenceTable,
  type SamTemplateUse,
  type TextPosition,
} from './types.js';

/** The bundled file, relative to `data/`. */
export const SAM_TEMPLATES_FILE = 'sam/policy-templates.json';

/** The layout version of the bundled file this code reads (`meta.format`, written by the build script). */
const SAM_TEMPLATES_FORMAT = 1;

/** Where the bundled definitions come from (the file's meta block). */
export interface SamTemplatesSource {
  /** `aws/serverless-application-model`. */
  repository: string;
  /** The file in that repository. */
  path: string;
  /** The commit the definitions were taken at, and its date (`YYYY-MM-DD`). */
  commit: string;
  commitDate: string;
  /** The upstream file's own `Version` string. */
  version: string;
}

/** One published policy template. */
export interface SamTemplate {
  name: string;
  description: string;
  /** Parameter name → its description, in the published order. */
  parameters: ReadonlyMap<string, string>;
  /** `Definition.Statement` as published: JSON statements whose values may be intrinsic functions. */
  statements: readonly unknown[];
}

/** The bundled templates, by name. */
export interface SamTemplates {
  source: SamTemplatesSource;
  templates: ReadonlyMap<string, SamTemplate>;
}

/** What a template use expands to. */
export interface SamExpansion {
  /** The template's statements, in the published order, with reference tokens in their strings. */
  statements: Statement[];
  /**
   * The table the tokens index: the table given to `expandSamTemplate`, unchanged as a prefix (a parameter's
   * tokens keep their meaning), followed by the references the definition added (pseudo parameters such as
   * `Ref:AWS::AccountId`, opaque values). A key already in the given table is reused, not added again.
   */
  references: IacReference[];
}

/** Where a template use is written, for errors: the site and, when known, the line. */
export interface SamTemplateAt {
  site: GrantSite;
  position?: TextPosition;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(file: string, message: string): never {
  throw new BundledDataError(`bundled data file ${file}: ${message} (damaged or from another version of policy-trim)`);
}

/**
 * The bundled templates from the parsed JSON of `data/sam/policy-templates.json`. Throws BundledDataError naming
 * the file and the template when the shape is not the one the build script writes.
 */
export function parseSamTemplates(raw: unknown, file: string = SAM_TEMPLATES_FILE): SamTemplates {
  if (!isObject(raw) || !isObject(raw.meta) || !isObject(raw.templates)) invalid(file, 'expected {"meta": {…}, "templates": {…}}');
  const source = parseSource(raw.meta, file);
  const templates = new Map<string, SamTemplate>();
  for (const [name, value] of Object.entries(raw.templates)) templates.set(name, parseTemplate(name, value, file));
  if (templates.size === 0) invalid(file, 'holds no templates');
  return { source, templates };
}

function parseSource(meta: Record<string, unknown>, file: string): SamTemplatesSource {
  if (meta.format !== SAM_TEMPLATES_FORMAT) invalid(file, `meta.format is ${JSON.stringify(meta.format)}, this version reads ${SAM_TEMPLATES_FORMAT}`);
  const fields = ['repository', 'path', 'commit', 'commitDate', 'version'] as const;
  for (const field of fields) if (typeof meta[field] !== 'string') invalid(file, `meta.${field} is not a string`);
  const [repository, path, commit, commitDate, version] = fields.map((f) => meta[f] as string);
  return { repository, path, commit, commitDate, version };
}

function parseTemplate(name: string, value: unknown, file: string): SamTemplate {
  const bad = (message: string): never => invalid(file, `template ${name}: ${message}`);
  if (!isObject(value)) return bad('not an object');
  if (typeof value.Description !== 'string') bad('Description is not a string');
  if (!isObject(value.Parameters)) return bad('Parameters is not an object');
  const parameters = new Map<string, string>();
  for (const [param, spec] of Object.entries(value.Parameters)) {
    if (!isObject(spec) || typeof spec.Description !== 'string') bad(`parameter ${param} has no Description string`);
    parameters.set(param, (spec as { Description: string }).Description);
  }
  const statements = isObject(value.Definition) ? value.Definition.Statement : undefined;
  if (!Array.isArray(statements) || statements.length === 0) return bad('Definition.Statement is not a non-empty list');
  statements.forEach((s, i) => {
    if (!isObject(s)) bad(`statement ${i + 1} is not an object`);
  });
  // SAM substitutes only its own parameters; any other Ref would reach the user's template, where the name means
  // something else. The published definitions have none, and a file with one is not the published file.
  for (const ref of refTargets(statements)) {
    if (!parameters.has(ref) && !ref.startsWith('AWS::')) bad(`Ref ${ref} names no parameter of the template`);
  }
  return { name, description: value.Description as string, parameters, statements };
}

/** The targets of every `{"Ref": "X"}` in a value. */
function refTargets(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refTargets(v, out);
  else if (isObject(value)) {
    if (typeof value.Ref === 'string' && Object.keys(value).length === 1) out.push(value.Ref);
    else for (const v of Object.values(value)) refTargets(v, out);
  }
  return out;
}

/**
 * The explicit statements a template use stands for, and the reference table their tokens index (see
 * SamExpansion). Parameters the template does not declare are ignored, as SAM ignores them. Throws IacError
 * (`iac-unsupported`, at `at`) for an unknown template or a missing parameter, naming the template's parameters.
 */
export function expandSamTemplate(use: SamTemplateUse, table: ReferenceTable, templates: SamTemplates, at: SamTemplateAt): SamExpansion {
  const template = findTemplate(use.template, templates, at);
  const missing = [...template.parameters.keys()].filter((p) => !Object.hasOwn(use.parameters, p));
  if (missing.length > 0) {
    throw new IacError({
      code: 'iac-unsupported',
      ...at,
      message: `SAM policy template ${template.name} is missing ${plural(missing.length, 'parameter')} ${missing.join(', ')}`,
      hint: `${template.name} takes ${describeParameters(template)}; give each a value in the template's map.`,
    });
  }
  for (const param of template.parameters.keys()) checkTokens(use.parameters[param], table, template.name, param);
  const substituted = substituteParameters(template.statements, template, use.parameters);
  return readExpansion(template, substituted, table, at);
}

function findTemplate(name: string, templates: SamTemplates, at: SamTemplateAt): SamTemplate {
  const template = templates.templates.get(name);
  if (template) return template;
  const { repository, commit, commitDate } = templates.source;
  const similar = similarNames(name, [...templates.templates.keys()]);
  throw new IacError({
    code: 'iac-unsupported',
    ...at,
    message: `${name} is not a SAM policy template policy-trim knows (the ${templates.templates.size} templates of ${repository} at ${commit.slice(0, 7)}, ${commitDate})`,
    hint:
      (similar.length > 0 ? `Did you mean ${similar.join(', ')}? ` : '') +
      'Check the name against the AWS SAM policy template list, or write the statements out in the function\'s Policies.',
  });
}

/** Up to six template names equal but for case, or sharing the first five letters (`DynamoDb…` → `DynamoDB…`). */
function similarNames(name: string, names: string[]): string[] {
  const lower = name.toLowerCase();
  const same = names.filter((n) => n.toLowerCase() === lower);
  if (same.length > 0) return same;
  const prefix = lower.slice(0, 5);
  return prefix.length < 5 ? [] : names.filter((n) => n.toLowerCase().startsWith(prefix)).slice(0, 6);
}

/** `TableName (Name of the DynamoDB Table)`, or `no parameters`. */
function describeParameters(template: SamTemplate): string {
  if (template.parameters.size === 0) return 'no parameters';
  const each = [...template.parameters].map(([p, d]) => `${p} (${d.replace(/\.$/, '')})`);
  return `${plural(each.length, 'parameter')}: ${each.join(', ')}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** A parameter value's tokens must index the given table: otherwise the caller mixed up two sites' tables. */
function checkTokens(value: string, table: ReferenceTable, template: string, param: string): void {
  if (typeof value !== 'string') throw new InvariantError(`SAM policy template ${template}: parameter ${param} is not a string`);
  for (const m of value.matchAll(REFERENCE_TOKEN)) {
    if (Number(m[1]) >= table.length) throw new InvariantError(`SAM policy template ${template}: parameter ${param} holds reference token ${m[1]}, beyond its table of ${table.length}`);
  }
}

/** A copy of `value` with each `{"Ref": P}` of a template parameter replaced by the value given for P (SAM's own step). */
function substituteParameters(value: unknown, template: SamTemplate, values: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => substituteParameters(v, template, values));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.Ref === 'string' && template.parameters.has(value.Ref)) return values[value.Ref];
  return Object.fromEntries(keys.map((k) => [k, substituteParameters(value[k], template, values)]));
}

/**
 * A collector that extends a given table: its entries keep their indexes (so the tokens of parameter values stay
 * valid) and a key already in it is reused. Tables are small; a linear search is enough.
 */
class ExtendingCollector extends ReferenceCollector {
  constructor(seed: ReferenceTable) {
    super();
    this.table.push(...seed);
  }

  override token(ref: IacReference): string {
    let index = this.indexOf(ref.key);
    if (index === undefined) {
      index = this.table.length;
      this.table.push(ref);
    }
    return referenceToken(index);
  }

  override indexOf(key: string): number | undefined {
    const index = this.table.findIndex((r) => r.key === key);
    return index < 0 ? undefined : index;
  }
}

/** The substituted statements read as a site's statements would be: intrinsics to tokens, then the policy parser. */
function readExpansion(template: SamTemplate, statements: unknown, table: ReferenceTable, at: SamTemplateAt): SamExpansion {
  const fail = (message: string): never => {
    // The published definitions all expand (test/iac/sam-templates.test.ts); reaching here means the bundled
    // file is not the published one, or a parameter value made a statement the parser refuses.
    throw new IacError({
      code: 'iac-unsupported',
      ...at,
      message: `SAM policy template ${template.name} does not expand into statements policy-trim can read: ${message}`,
      hint: `Write the statements of ${template.name} out in the function's Policies, or report this if the template is used as documented.`,
    });
  };
  const refs = new ExtendingCollector(table);
  const tree = parseJsonTree(JSON.stringify(statements), (_kind, message) => fail(message));
  const ctx: ReadContext = { tree, refs, unsupported: (message) => fail(message) };
  const read = readStatementList(tree.root, ctx, `SAM policy template ${template.name}`);
  return { statements: read.statements, references: refs.table };
}
