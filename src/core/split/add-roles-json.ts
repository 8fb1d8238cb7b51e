/**
 * The per-function roles added to a JSON CloudFormation or SAM template in place: each role becomes a new last
 * entry of `Resources`, written with jsonc-parser's edits in the file's own indentation and line ends; every other
 * byte of the file stays as it was. The roles are the `cloudformation` split renderer's `AWS::IAM::Role`
 * resources (core/render/split-cfn.ts), read back from its YAML into values, so JSON and YAML templates get the
 * same roles.
 *
 * JSON has no comments: the note the YAML edit writes above the roles goes into each role's `Metadata` instead
 * (key `PolicyTrim`), which CloudFormation keeps and ignores, and where a second split of the same role finds it.
 * Nothing in the file is overwritten: the names it already uses are collected as for YAML (`ExistingNames`) and
 * avoided or refused by the caller.
 */

import { applyEdits, findNodeAtLocation, modify, parseTree, printParseErrorCode, type FormattingOptions, type Node, type ParseError } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { InvariantError } from '../errors.js';
import type { ExistingNames } from './add-roles-yaml.js';
import { SplitError } from './errors.js';

/** A JSON template read: its text and the names it uses. */
export interface JsonTargetRead {
  file: string;
  text: string;
  existing: ExistingNames;
}

/** Whether a template's text is JSON (a YAML template never starts with `{`: that would be one flow map). */
export function isJsonText(text: string): boolean {
  return text.trimStart().startsWith('{');
}

function unsupported(file: string, why: string, hint: string): SplitError {
  return new SplitError('split-unsupported-file', `${file}: ${why}`, hint);
}

/** The string value of the property at `path` under `node`, if it is a string. */
function stringAt(node: Node | undefined, path: string[]): string | undefined {
  const v = node ? findNodeAtLocation(node, path) : undefined;
  return v?.type === 'string' ? (v.value as string) : undefined;
}

/**
 * Reads a JSON template: its `Resources` object and the names it uses (resource logical ids, the roles SAM generates
 * for its functions, `<Id>Role`, and the role names it writes). Throws `split-unsupported-file` when the file is not
 * valid JSON or has no `Resources` object.
 */
export function readJsonTarget(file: string, text: string): JsonTargetRead {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    const where = first ? `${printParseErrorCode(first.error)} at offset ${first.offset}` : 'empty';
    throw unsupported(file, `not valid JSON (${where})`, 'Fix the file, then run again.');
  }
  const resources = root.type === 'object' ? findNodeAtLocation(root, ['Resources']) : undefined;
  if (resources?.type !== 'object') {
    throw unsupported(file, 'the template has no Resources object for the roles to join', 'Name the template that defines the shared role in defined-in.');
  }
  const logicalIds = new Set<string>();
  const roleNames = new Set<string>();
  for (const property of resources.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key?.type !== 'string') continue;
    const id = key.value as string;
    logicalIds.add(id);
    if (stringAt(value, ['Type']) === 'AWS::Serverless::Function') logicalIds.add(`${id}Role`);
    const name = stringAt(value, ['Properties', 'RoleName']);
    if (name !== undefined) roleNames.add(name.toLowerCase());
  }
  return { file, text, existing: { logicalIds, roleNames } };
}

/** The file's own layout: its first indented line's indentation (default two spaces) and its line ends. */
function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * The `Resources` of the rendered YAML template, as values. The renderer writes plain values only (names, the trust
 * policy, policy documents): a tag there (`!GetAtt`) would have no JSON form here, so it is a bug, not a fallback.
 */
function renderedResources(rendered: string): Array<[string, Record<string, unknown>]> {
  const doc = parseDocument(rendered);
  const value = doc.toJS() as { Resources?: Record<string, Record<string, unknown>> } | null;
  if (doc.errors.length > 0 || doc.warnings.length > 0 || !value?.Resources) {
    throw new InvariantError('the cloudformation split renderer wrote no plain Resources map');
  }
  return Object.entries(value.Resources);
}

/**
 * The file with the rendered roles added as the last entries of its `Resources` (see the module comment).
 * `rendered` is renderCloudFormation's output for the split; `note` the text put in each role's `Metadata`.
 */
export function addRolesToJson(read: JsonTargetRead, rendered: string, note: string): string {
  const formattingOptions = formattingOf(read.text);
  let out = read.text;
  for (const [id, resource] of renderedResources(rendered)) {
    const value = { ...resource, Metadata: { PolicyTrim: note } };
    out = applyEdits(out, modify(out, ['Resources', id], value, { formattingOptions }));
  }
  return out;
}
